"""The archive edition of one publication: the archival PDF and the bag.

The bag's payload mirrors a project: the editions at the top of data/ and
what they were made from under data/source/<slug>/ (the Markdown read,
metadata, images, its own style sheets, the extra files it lists: used.py),
so what was published and what it was made from travel together.
"""

from __future__ import annotations

from pathlib import Path

from .. import confine
from ..model import Publication
from . import bag, used
from .pdfa import build_moment, render_archival

ARCHIVAL_SUFFIX = ".archival.pdf"


def archive_edition(pub: Publication, project: Path, printed, epub: bytes):
    """Yield (edition, file name, bytes, pages) for the archival PDF and the bag."""
    archival = render_archival(pub, project, printed)
    print_pdf = printed.pdf
    yield "pdf/a", f"{pub.slug}{ARCHIVAL_SUFFIX}", archival.pdf, archival.page_count
    payload = {f"{pub.slug}.epub": epub, f"{pub.slug}.pdf": print_pdf, f"{pub.slug}{ARCHIVAL_SUFFIX}": archival.pdf}
    for name, path in used.payload_names(pub, project).items():
        payload.setdefault(name, confine.read_bytes(path, project))  # the editions' names come first
    data = bag.make(pub, payload, pub.modified, int(build_moment(pub).timestamp()))
    yield "bag", f"{pub.slug}{bag.SUFFIX}", data, None
