"""EPUB navigation document (EPUB 3.3 §7): contents, landmarks, page-list."""

from __future__ import annotations

import html

from ..model import Heading, Publication
from ..terms import term
from ..titles import byline, piece
from .frontmatter import pagebreak


def _ol(items: list[Heading], depth: int, limit: int) -> str:
    if not items or depth > limit:
        return ""
    out = ["<ol>"]
    for h in items:
        href = h.href.removeprefix("text/")
        out.append(f'<li><a href="{href}">{html.escape(h.title)}</a>{_ol(h.children, depth + 1, limit)}</li>')
    out.append("</ol>")
    return "".join(out)


def _pieces(pub: Publication) -> str:
    """A collection lists each piece by title and subtitle, authors and date,
    its sections under it. All of it is inside the one <a>: EPUB 3 allows an
    <li> of the toc only one link or span, then an optional <ol>."""
    out = ["<ol>"]
    for chapter in pub.chapters:
        sections = [h for h in pub.toc if h.chapter is chapter]
        if not chapter.meta.get("title"):
            out.append(_ol(sections, 1, pub.metadata.toc_depth)[4:-5])
            continue
        title, subtitle, authors, date = piece(chapter)
        label = html.escape(title)
        if subtitle:
            label += f'<span class="toc-subtitle">: {html.escape(subtitle)}</span>'
        if authors or date:
            label += f' <span class="toc-byline">({byline(authors, date, chapter.lang)})</span>'
        href = chapter.file_name.removeprefix("text/")
        out.append(f'<li><a href="{href}">{label}</a>{_ol(sections, 2, pub.metadata.toc_depth)}</li>')
    out.append("</ol>")
    # No piece with a title or a section: the contents fall back to the publication's title.
    return "".join(out) if "".join(out[1:-1]) else ""


def nav_body(
    pub: Publication,
    landmarks: list[tuple[str, str, str]],
    pages: list[tuple[str, str]] | None = None,
    toc_page: str | None = None,
) -> str:
    """Nav markup; hrefs are relative to text/, where the nav document lives."""
    meta = pub.metadata
    entries = (_pieces(pub) if meta.kind == "collection" else _ol(pub.toc, 1, meta.toc_depth)) or (
        f'<ol><li><a href="{pub.chapters[0].file_name.removeprefix("text/")}">{html.escape(meta.title)}</a></li></ol>'
    )
    parts = [
        f'<nav epub:type="toc" id="toc" role="doc-toc" aria-labelledby="toc-title">'
        f'<h1 id="toc-title">{pagebreak(toc_page)}{html.escape(meta.toc_title)}</h1>{entries}</nav>'
    ]
    marks = "".join(
        f'<li><a epub:type="{kind}" href="{href}">{html.escape(label)}</a></li>' for kind, href, label in landmarks
    )
    parts.append(
        f'<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-title" hidden="hidden">'
        f'<h2 id="landmarks-title">{term("landmarks", meta.lang)}</h2><ol>{marks}</ol></nav>'
    )
    if pages:
        items = "".join(f'<li><a href="{href}">{html.escape(label)}</a></li>' for label, href in pages)
        parts.append(
            f'<nav epub:type="page-list" id="page-list" role="doc-pagelist" aria-labelledby="pages-title" hidden="hidden">'
            f'<h2 id="pages-title">{term("pages", meta.lang)}</h2><ol>{items}</ol></nav>'
        )
    return "\n".join(parts)
