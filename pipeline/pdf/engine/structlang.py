"""Engine piece 'structure languages': a chapter's own language in the tagged PDF.

WeasyPrint 70 hyphenates each element by its ``lang`` but writes a language
only for the whole document (the catalog's /Lang); a collection's piece in
another language needs its own, on its structure elements (PDF/UA-1 7.2).
WeasyPrint builds the structure tree page by page: one element for each box
at the top of the page (html and body hand theirs to their children, margin
boxes have none), in the order of the boxes. So the top elements of each page
pair with those boxes; a box whose element has a ``lang`` (a chapter's
article, a note of it at the foot of the page) gives it to its element.
Where the two do not pair up, nothing is set.

Relies on: the structure tree WeasyPrint writes for a tagged PDF (the
catalog's /StructTreeRoot, its one /Document element whose kids are the
pages' top elements, each with /Pg), on the order in which it makes them
from the page box's children (``Page._page_box``, html and body boxes
passing theirs on, margin boxes making none, absolutely placed boxes
wrapped in ``AbsolutePlaceholder`` with the box as ``_box``), and on the
footnote area making one element per note.

Why: the public API has no way to give a structure element a language;
``lang`` on an element changes hyphenation only.

Upstream: WeasyPrint could write /Lang on the structure element of any
element whose language differs from its parent's (PDF/UA-1 7.2), as it
does the catalog's /Lang from the root element.
"""

from __future__ import annotations

import pydyf
from weasyprint.layout.absolute import AbsolutePlaceholder

from . import boxes
from .pdftree import resolve

PIECE = "structure languages"


def finish(document, pdf) -> None:
    root = resolve(pdf, pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return
    top = resolve(pdf, root["K"][0])  # the /Document element
    by_page: dict[bytes, list] = {}
    for kid in top["K"]:
        element = resolve(pdf, kid)
        by_page.setdefault(element.get("Pg"), []).append(element)
    for number, page in enumerate(document.pages):
        page_ref = f"{pdf.pages['Kids'][number * 3]} 0 R".encode()
        _pair(pdf, by_page.get(page_ref, []), list(_top_boxes(boxes.page_box(page))))


def _pair(pdf, elements: list, found: list) -> None:
    if len(elements) != len(found):
        return
    for element, box in zip(elements, found):
        lang = box.element.get("lang") if box.element is not None else None
        if lang:
            element["Lang"] = pydyf.String(lang)
        elif isinstance(box, boxes.FootnoteAreaBox):  # the notes of the page, one element each
            kids = [resolve(pdf, k) for k in element["K"] if isinstance(k, bytes)]
            _pair(pdf, kids, [_unwrapped(b) for b in box.children])


def _top_boxes(box):
    """The boxes WeasyPrint makes the top structure elements of a page from."""
    for child in box.children:
        child = _unwrapped(child)
        if isinstance(child, boxes.MarginBox):
            continue
        if child.element is not None and child.element_tag in ("html", "body"):
            if isinstance(child, boxes.ParentBox) and not isinstance(child, boxes.LineBox):
                yield from _top_boxes(child)
            continue
        yield child


def _unwrapped(box):
    return box._box if isinstance(box, AbsolutePlaceholder) else box
