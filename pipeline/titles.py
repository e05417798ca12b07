"""Title blocks shared by both editions: the title page and a piece's own head."""

from __future__ import annotations

import html

from .dates import in_words
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
    if chapter.meta.get("title"):
        title, subtitle, authors, date = piece(chapter)
    else:  # an article: the publication's own title block (its date is on the imprint)
        title, subtitle, authors, date = pub.metadata.title, pub.metadata.subtitle, pub.metadata.authors, None
    out = f'<header class="chapter-head">\n<h1>{html.escape(title)}</h1>\n'
    if subtitle:
        out += f'<p class="subtitle">{html.escape(subtitle)}</p>\n'
    if authors or date:
        out += f'<p class="byline">{byline(authors, date, chapter.lang)}</p>\n'
    return out + "</header>\n"


def piece(chapter: Chapter) -> tuple[str, str | None, list[str], str | None]:
    """A collection piece's own title, subtitle, authors and date, from its front matter."""
    meta = chapter.meta
    subtitle, date = meta.get("subtitle"), meta.get("date")
    return (
        str(meta["title"]),
        str(subtitle) if subtitle else None,
        names(meta.get("author")),
        str(date) if date else None,
    )


def byline(authors: list[str], date: str | None, lang: str) -> str:
    """Authors, then the date in words as a <time>: markup for one line of a head or contents entry."""
    parts = [html.escape(name) for name in authors]
    if date:
        parts.append(f'<time datetime="{html.escape(date)}">{html.escape(in_words(date, lang))}</time>')
    return ", ".join(parts)


def names(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(i.get("name")) if isinstance(i, dict) else str(i) for i in items]
