"""The print PDF edition."""

from .render import Rendered, render

__all__ = ["Rendered", "render"]
