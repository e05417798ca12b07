"""Generated front matter for the EPUB: title page and colophon, from the metadata."""

from __future__ import annotations

import html

from ..dates import in_words
from ..model import Publication
from ..terms import term
from ..titles import title_lines


def pagebreak(number: str | None) -> str:
    """A page-break marker for the page-list (EPUB 3.3 §7.4.2)."""
    if number is None:
        return ""
    return f'<span id="page-{number}" epub:type="pagebreak" role="doc-pagebreak" aria-label="{number}"></span>'


def title_page(pub: Publication, page: str | None = None) -> str:
    return (
        f'<section class="titlepage" epub:type="titlepage" aria-label="{term("title page", pub.metadata.lang)}">{pagebreak(page)}\n'
        f"{title_lines(pub)}\n</section>"
    )


FONTS = "Charis SIL (SIL Open Font License 1.1), DejaVu (Bitstream Vera licence)"


def colophon(pub: Publication, fonts_embedded: bool) -> str:
    m = pub.metadata
    out = [
        f'<section class="colophon" epub:type="colophon" role="doc-colophon" aria-label="{term("colophon", m.lang)}">'
    ]
    out.append(f"<p><i>{html.escape(m.title)}</i>" + (f": {html.escape(m.subtitle)}" if m.subtitle else "") + "</p>")
    if m.authors:
        out.append(f"<p>{html.escape(', '.join(m.authors))}</p>")
    if m.rights:
        out.append(f"<p>{html.escape(m.rights)}</p>")
    if m.publisher:
        out.append(f"<p>{html.escape(term('published by', m.lang, m.publisher))}</p>")
    edition = in_words(m.date or pub.modified[:10], m.lang)
    out.append(f"<p>{html.escape(term('this edition', m.lang, edition))}</p>")
    # The EPUB's own identifier, then the other editions' (each named).
    own = m.identifier_of("epub")
    for ident in [own] + [i for i in m.identifiers if i.format and i is not own]:
        label = f"{ident.scheme} " if ident.scheme and ident.scheme != "UUID" else ""
        named = f" ({term('edition ' + ident.format, m.lang)})" if ident.format else ""
        out.append(f"<p>{html.escape(term('identifier', m.lang, label + ident.text + named))}</p>")
    if fonts_embedded:
        out.append(f"<p>{html.escape(term('set in', m.lang, FONTS))}</p>")
    out.append("</section>")
    return "\n".join(out)
