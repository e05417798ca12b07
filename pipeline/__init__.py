"""Pressroom: Markdown sources to finished editions (EPUB 3, print PDF, archival PDF/A).

The public API is :func:`build`; the ``pressroom`` command is a thin layer over it.
"""

__version__ = "0.1.0"

from .build import BuildResult, Failure, Output, build  # noqa: E402
from .errors import BuildError, Diagnostic, Exit  # noqa: E402

__all__ = ["BuildError", "BuildResult", "Diagnostic", "Exit", "Failure", "Output", "__version__", "build"]
