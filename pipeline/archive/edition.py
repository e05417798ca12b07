"""The archive edition of one publication: the archival PDF and the bag.

The bag's payload mirrors a project: the editions at the top of data/ and
the publication's folder under data/source/<slug>/ (Markdown, metadata,
images, its own style sheets), so what was published and what it was made
from travel together.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Publication
from . import bag
from .pdfa import build_moment, render_archival

ARCHIVAL_SUFFIX = ".archival.pdf"


def folder_files(folder: Path) -> list[Path]:
    """Every file of the publication's folder, hidden ones and links leading
    outside it left out, in name order."""
    root = folder.resolve()
    return sorted((p for p in folder.rglob("*")
                   if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
                   and p.resolve().is_relative_to(root)),
                  key=lambda p: p.relative_to(folder).as_posix())


def archive_edition(pub: Publication, project: Path, printed, epub: bytes):
    """Yield (edition, file name, bytes, pages) for the archival PDF and the bag."""
    archival = render_archival(pub, project, printed)
    print_pdf = printed.pdf
    yield "pdf/a", f"{pub.slug}{ARCHIVAL_SUFFIX}", archival.pdf, archival.page_count
    payload = {f"{pub.slug}.epub": epub, f"{pub.slug}.pdf": print_pdf,
               f"{pub.slug}{ARCHIVAL_SUFFIX}": archival.pdf}
    for path in folder_files(pub.folder):
        payload[f"source/{pub.slug}/{path.relative_to(pub.folder).as_posix()}"] = path.read_bytes()
    data = bag.make(pub, payload, pub.modified, int(build_moment(pub).timestamp()))
    yield "bag", f"{pub.slug}{bag.SUFFIX}", data, None
