"""Title blocks shared by both editions: the title page and a piece's own head."""

from __future__ import annotations

import html

from .model import Chapter, Publication


def title_lines(pub: Publication) -> str:
    """Title, subtitle, authors and publisher, as the title page sets them."""
    m = pub.metadata
    out = [f'<h1 class="title">{html.escape(m.title)}</h1>']
    if m.subtitle:
        out.append(f'<p class="subtitle">{html.escape(m.subtitle)}</p>')
    if m.authors:
        out.append(f'<p class="authors">{html.escape(", ".join(m.authors))}</p>')
    if m.publisher:
        out.append(f'<p class="publisher">{html.escape(m.publisher)}</p>')
    return "\n".join(out)


def chapter_head(pub: Publication, chapter: Chapter) -> str:
    """The head an article, or a piece of a collection, opens with; "" for a book chapter."""
    if not (pub.metadata.kind == "article" or chapter.meta.get("title")):
        return ""
    meta = chapter.meta if chapter.meta.get("title") else {}
    title = meta.get("title") or pub.metadata.title
    subtitle = meta.get("subtitle") if meta else pub.metadata.subtitle
    authors = names(meta.get("author")) if meta else pub.metadata.authors
    out = f'<header class="chapter-head">\n<h1>{html.escape(str(title))}</h1>\n'
    if subtitle:
        out += f'<p class="subtitle">{html.escape(str(subtitle))}</p>\n'
    if authors:
        out += f'<p class="byline">{html.escape(", ".join(authors))}</p>\n'
    return out + "</header>\n"


def names(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(i.get("name")) if isinstance(i, dict) else str(i) for i in items]
