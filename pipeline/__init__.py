"""Pressroom: Markdown sources to finished editions (EPUB 3, print PDF, archival PDF/A).

The public API is :func:`build`; the ``pressroom`` command is a thin layer over it.
"""

from .errors import BuildError, Diagnostic, Exit
from .run import BuildResult, Failure, Output, build
from .version import __version__

__all__ = ["BuildError", "BuildResult", "Diagnostic", "Exit", "Failure", "Output", "__version__", "build"]
