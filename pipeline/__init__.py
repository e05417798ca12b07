"""Pressroom: Markdown sources to finished editions (EPUB 3, print PDF, archival PDF/A).

The public API is :func:`build`; the ``pressroom`` command is a thin layer over it.
Its names are loaded when first used, so that importing any module of the
package (``pipeline.errors``) does not load the build's runners with it.
"""

from .version import __version__

_PUBLIC = {
    "BuildResult": "run",
    "Failure": "run",
    "Output": "run",
    "build": "run",
    "BuildError": "errors",
    "Diagnostic": "errors",
    "Exit": "errors",
}

__all__ = ["BuildError", "BuildResult", "Diagnostic", "Exit", "Failure", "Output", "__version__", "build"]


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value
