"""Cross-references in print: an internal link prints its target's page.

"see Accessibility, page 12": the link's text, then the language's word for
page and the number (print.css). The number comes from the layout
(``target-counter``), or, in a book set in parts, from parts.py
(``data-page``). The EPUB, which has no pages of its own, keeps the link
alone: only the print HTML is marked here.

In a whole document, WeasyPrint updates a reference to a page further on
only when its target is named in the style sheet itself: a
``target-counter(attr(href), page)`` is never told its target's page once
notes.py's page loop runs (it reads the ``attr()`` as no target), and
prints "page 0". So the document names each target in a rule of its own
(``targets_named``); should a reference or a contents entry still come
out wrong, or a page have been made up (a float deferred, a page break
given) before the numbers printed on it were known, the document is laid
out again with the numbers in the HTML, as a part is. A document
of more than ``NAMED`` references is numbered that way from the start:
WeasyPrint's page-based lookups take a time that grows with the square of
their number (5,000 references to one heading took four times as long).

Every link to a heading, chapter, figure, table, note or other element of
the publication is marked, but not a note's call or its way back, a link
with no text (an image), a link inside a heading (its text is also the
running head's and the outline's) unless asked for with ``{.page}``, or a
link marked ``{.nopage}`` by its author.
"""

from __future__ import annotations

import re
from collections.abc import Container

from lxml import html as lxml_html

from .engine.boxes import page_box, walk

REF = "page-ref"  # the class print.css and parts.py know
NOT_REFERENCES = {"noteref", "backlink", "nopage"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
NAMED = 250  # page references a whole document's layout counts itself, at most


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


def printed(document) -> list[tuple[str, str]]:
    """(target id, number printed after it) of each page reference and
    contents entry laid out, in order."""
    found: dict[int, list] = {}
    for page in document.pages:
        for box, ancestors in walk(page_box(page)):
            element = getattr(box, "element", None)
            if element is None or not (box.element_tag or "").endswith("::after") or not hasattr(box, "text"):
                continue
            if REF in (element.get("class") or "").split() or any(_contents(a) for a in ancestors):
                found.setdefault(id(element), [(element.get("href") or "")[1:], ""])[1] += box.text
    return [(target, _last_number(text)) for target, text in found.values()]


def contents_links(root) -> list:
    """The links of the contents (``nav.toc``) of an lxml or ElementTree tree."""
    return [a for nav in root.iter("nav") if "toc" in (nav.get("class") or "").split() for a in nav.iter("a")]


def _contents(box) -> bool:
    return box.element_tag == "nav" and "toc" in (box.element.get("class") or "").split()


def _last_number(text: str) -> str:
    match = re.search(r"(\d+)\s*$", text)
    return match.group(1) if match else ""


def wrong(document, numbers: dict[str, int]) -> bool:
    """Whether a page reference of the laid-out document prints another number than its target's page."""
    return any(str(numbers.get(target, 0)) != number for target, number in printed(document))


def numbered(html: str, numbers: dict[str, int]) -> str:
    """The print document with each page reference and contents entry given its number (``data-page``)."""
    doc = lxml_html.document_fromstring(html)
    for a in doc.find_class(REF) + contents_links(doc):
        a.set("data-page", str(numbers.get((a.get("href") or "")[1:], 0)))
    return lxml_html.tostring(doc, doctype="<!DOCTYPE html>", encoding="unicode")


def fill(root, numbers: dict[str, int]) -> None:
    """Give each page reference and contents entry of an ElementTree ``root``
    that has no number yet (``data-page``) its target's page in ``numbers``."""
    refs = [a for a in root.iter("a") if REF in (a.get("class") or "").split()]
    for a in refs + contents_links(root):
        target = (a.get("href") or "")[1:]
        if a.get("data-page") is None and target in numbers:
            a.set("data-page", str(numbers[target]))


def targets_named(html: str) -> str:
    """The print document with a rule for each target of its page references
    and of its contents, naming it in a string (print.css names it by ``attr(href)``).
    A reference given its number (``fill``, a galley's) prints that: these
    rules are the document's own, so they would outweigh print.css's."""
    doc = lxml_html.document_fromstring(html)
    refs = {a.get("href") for a in doc.find_class(REF)}
    contents = {a.get("href") for a in contents_links(doc)}
    if len(contents) > NAMED:  # a rule per entry would be tried on every link of the document
        contents = set()
    rules = [
        f'a.{REF}[href="{_css(href)}"]:not([data-page])::after {{ content: ", " attr(data-page-word) "\\00A0" '
        f'target-counter("{_css(href)}", page); }}'
        for href in sorted(h for h in refs if h and h.startswith("#"))
    ] + [
        f'nav.toc a[href="{_css(href)}"]:not([data-page])::after {{ content: leader(". ") target-counter("{_css(href)}", page); }}'
        for href in sorted(h for h in contents if h and h.startswith("#"))
    ]
    if not rules:
        return html
    return html.replace("</head>", "<style>\n" + "\n".join(rules) + "\n</style>\n</head>", 1)


def _css(text: str) -> str:
    """Text inside a CSS string in a style element."""
    return "".join(ch if ch.isalnum() or ch in "#-_." else f"\\{ord(ch):x} " for ch in text)
