"""Engine piece 'sRGB profile': the ICC profile of sRGB WeasyPrint ships.

The print edition gives what is in RGB a defined colour space
(``DefaultRGB``, finish.py). WeasyPrint carries the sRGB profile for its own
output intent (``sRGB2014.icc`` beside ``weasyprint.pdf``), but as package
data of an internal module, not as API; it is read from there rather than
committing a second copy.

Upstream: a documented way to get the profile's bytes (or a ``DefaultRGB``
option), so that other tools need not know where it lies.
"""

from __future__ import annotations

from importlib.resources import files

PIECE = "sRGB profile"
PACKAGE, NAME = "weasyprint.pdf", "sRGB2014.icc"


def srgb_profile() -> bytes:
    """The bytes of the sRGB ICC profile."""
    return (files(PACKAGE) / NAME).read_bytes()
