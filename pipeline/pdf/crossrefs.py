"""Cross-references in print: an internal link prints its target's page.

"see Accessibility, page 12": the link's text, then the language's word for
page and the number (print.css). The number comes from the layout
(``target-counter``), or, in a book set in parts, from parts.py
(``data-page``). The EPUB, which has no pages of its own, keeps the link
alone: only the print HTML is marked here.

Every link to a heading, chapter, figure, table, note or other element of
the publication is marked, but not a note's call or its way back, a link
with no text (an image), a link inside a heading (its text is also the
running head's and the outline's) unless asked for with ``{.page}``, or a
link marked ``{.nopage}`` by its author.
"""

from __future__ import annotations

from collections.abc import Container

REF = "page-ref"  # the class print.css and parts.py know
NOT_REFERENCES = {"noteref", "backlink", "nopage"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def mark(body, ids: Container[str], word: str) -> None:
    """Mark each link of ``body`` to one of ``ids`` that prints its page,
    with ``word`` ("page" in the text's language) to print before the number."""
    for a in body.iter("a"):
        href = a.get("href") or ""
        if not href.startswith("#") or href[1:] not in ids:
            continue
        classes = (a.get("class") or "").split()
        if REF not in classes:
            if NOT_REFERENCES.intersection(classes) or not a.text_content().strip():
                continue
            if any(el.tag in HEADINGS for el in a.iterancestors()):
                continue
            a.set("class", " ".join(classes + [REF]))
        a.set("data-page-word", word)
