"""The live preview: ``pressroom serve``."""

from .server import serve

__all__ = ["serve"]
