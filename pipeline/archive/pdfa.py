"""The archival PDF: the print edition typeset again as PDF/A-3u, tagged,
with the publication's Markdown sources and metadata file embedded as
associated files (relationship Source), so the text can be recovered
without this software."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

from weasyprint import Attachment, URLFetcher

from .. import confine
from ..model import Publication
from ..pdf import render
from ..pdf.render import Rendered

# The file is tagged either way (render() asks WeasyPrint for tags). It claims
# 3u, not 3a: WeasyPrint 70 marks the running heads and folios as content
# with no place in the structure tree (rather than as artifacts), which level
# A's logical structure does not allow. Claim 3a once that is fixed.
VARIANT = "pdf/a-3u"
# Given explicitly: WeasyPrint would otherwise ask the machine's mime.types,
# and a different answer on another machine changes the bytes.
MEDIA_TYPES = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
}
METADATA = {".yaml", ".yml", ".toml"}  # publication.yaml, mkdocs.yml, book.toml


def build_moment(pub: Publication) -> dt.datetime:
    return dt.datetime.fromisoformat(pub.modified.replace("Z", "+00:00"))


def source_files(pub: Publication) -> list[Path]:
    """The metadata file and the Markdown files, once each, in reading order
    (an article's metadata file is its Markdown file)."""
    return list(dict.fromkeys(pub.sources))


def relative_name(pub: Publication, path: Path) -> str:
    return path.resolve().relative_to(pub.folder.resolve()).as_posix()


def attachments(pub: Publication) -> list[Attachment]:
    # New objects for every render: an Attachment's source can be read once only.
    when = build_moment(pub)
    fetcher = URLFetcher(allowed_protocols={"data"})
    found = []
    for path in source_files(pub):
        media = MEDIA_TYPES.get(path.suffix.lower(), "text/plain")
        url = f"data:{media};charset=utf-8;base64,{base64.b64encode(confine.read_bytes(path, pub.folder, confine.FOLDER)).decode('ascii')}"
        what = (
            "Markdown source"
            if media == "text/markdown"
            else "publication metadata"
            if path.suffix.lower() in METADATA
            else "included file"
        )
        found.append(
            Attachment(
                url=url,
                url_fetcher=fetcher,
                name=relative_name(pub, path),
                description=f"{what}: {path.name}",
                created=when,
                modified=when,
                relationship="Source",
            )
        )
    return found


def render_archival(pub: Publication, project: Path, printed: Rendered | None = None) -> Rendered:
    """The archival PDF; from the print edition's own layout when it allows it."""
    if printed is not None and printed.rewrite is not None:
        pdf = printed.rewrite(VARIANT, attachments(pub))
        return Rendered(pdf, printed.page_count, printed.anchors, printed.positions, folios=printed.folios)
    return render(pub, project, variant=VARIANT, attachments=attachments(pub))
