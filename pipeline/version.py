"""Pressroom's version, in a module of its own: the cache keys on it, and
the package's __init__ (which imports the whole build) is above the cache."""

__version__ = "0.1.0"
