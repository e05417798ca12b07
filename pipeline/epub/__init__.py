"""The EPUB 3 edition."""

from .package import build_epub

__all__ = ["build_epub"]
