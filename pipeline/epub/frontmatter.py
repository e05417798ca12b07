"""Generated front matter for the EPUB: title page and colophon, from the metadata."""

from __future__ import annotations

import html

from ..dates import in_words
from ..model import Publication
from ..titles import title_lines


def pagebreak(number: int | None) -> str:
    """A page-break marker for the page-list (EPUB 3.3 §7.4.2)."""
    if number is None:
        return ""
    return f'<span id="page-{number}" epub:type="pagebreak" role="doc-pagebreak" aria-label="{number}"></span>'


def title_page(pub: Publication, page: int | None = None) -> str:
    return (f'<section class="titlepage" epub:type="titlepage" aria-label="Title page">{pagebreak(page)}\n'
            f"{title_lines(pub)}\n</section>")


FONT_NOTICE = ("Set in Charis SIL (SIL Open Font License 1.1) and DejaVu "
               "(Bitstream Vera licence).")


def colophon(pub: Publication, fonts_embedded: bool) -> str:
    m = pub.metadata
    out = ['<section class="colophon" epub:type="colophon" role="doc-colophon" aria-label="Colophon">']
    out.append(f"<p><i>{html.escape(m.title)}</i>"
               + (f": {html.escape(m.subtitle)}" if m.subtitle else "") + "</p>")
    if m.authors:
        out.append(f"<p>{html.escape(', '.join(m.authors))}</p>")
    if m.rights:
        out.append(f"<p>{html.escape(m.rights)}</p>")
    if m.publisher:
        out.append(f"<p>Published by {html.escape(m.publisher)}.</p>")
    edition = in_words(m.date or pub.modified[:10], m.lang)
    out.append(f"<p>This edition: {html.escape(edition)}.</p>")
    ident = m.identifier
    label = f"{ident.scheme} " if ident.scheme and ident.scheme != "UUID" else ""
    out.append(f"<p>Identifier: {html.escape(label + ident.text)}</p>")
    if fonts_embedded:
        out.append(f"<p>{FONT_NOTICE}</p>")
    out.append("</section>")
    return "\n".join(out)
