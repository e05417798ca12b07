"""The archive edition: a PDF/A-3 with its sources inside, and a BagIt bag
holding every edition and the sources, shipped as one reproducible tar file.
``verify`` checks a bag or an output folder against its checksums."""

from .edition import archive_edition
from .verify import verify

__all__ = ["archive_edition", "verify"]
