"""The print PDF edition."""

from .engine.libraries import quick_library_search

with quick_library_search():
    import weasyprint  # noqa: F401 - loads Pango, HarfBuzz and fontconfig

from .render import Rendered, render  # noqa: E402

__all__ = ["Rendered", "render"]
