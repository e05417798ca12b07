"""A chapter's own language in the tagged PDF.

WeasyPrint 70 hyphenates each element by its ``lang`` but writes a language
only for the whole document (the catalog's /Lang); a collection's piece in
another language needs its own, on its structure elements (PDF/UA-1 7.2).
WeasyPrint builds the structure tree page by page: one element for each box
at the top of the page (html and body hand theirs to their children, margin
boxes have none), in the order of the boxes. So the top elements of each page
pair with those boxes; a box whose element has a ``lang`` (a chapter's
article, a note of it at the foot of the page) gives it to its element.
Where the two do not pair up, nothing is set.
"""

from __future__ import annotations

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder


def finish(document, pdf) -> None:
    root = _object(pdf, pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return
    top = _object(pdf, root["K"][0])  # the /Document element
    by_page: dict[bytes, list] = {}
    for kid in top["K"]:
        element = _object(pdf, kid)
        by_page.setdefault(element.get("Pg"), []).append(element)
    for number, page in enumerate(document.pages):
        page_ref = f"{pdf.pages['Kids'][number * 3]} 0 R".encode()
        _pair(pdf, by_page.get(page_ref, []), list(_top_boxes(page._page_box)))


def _pair(pdf, elements: list, found: list) -> None:
    if len(elements) != len(found):
        return
    for element, box in zip(elements, found):
        lang = box.element.get("lang") if box.element is not None else None
        if lang:
            element["Lang"] = pydyf.String(lang)
        elif isinstance(box, boxes.FootnoteAreaBox):  # the notes of the page, one element each
            kids = [_object(pdf, k) for k in element["K"] if isinstance(k, bytes)]
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


def _object(pdf, value):
    """The object a reference (b"12 0 R") points at, or the value itself."""
    if isinstance(value, bytes):
        return pdf.objects[int(value.split()[0])]
    return value
