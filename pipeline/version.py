"""Pressroom's version, in a module of its own at the foot of the layers: the
cache keys on it and every writer records it."""

__version__ = "0.1.0"
