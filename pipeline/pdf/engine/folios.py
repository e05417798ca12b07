"""Engine piece 'late folios': a document's page numbers given once its pages are made.

A book set in parts (pdf/parts.py) lays each chapter out on its own, at the
same time as the others, so a part does not know, while its pages are
made, on which page of the book it starts: that needs the page counts of
the parts before it. Only the page-margin boxes (the folio) print the page
counter; they are made after every page of the document, from the page
state WeasyPrint keeps for each page (``layout_document`` calls the module
global ``weasyprint.layout.make_margin_boxes(context, page, state)``, where
``state[1]`` holds the counter values, ``state[1]["page"][-1]`` the page's
number). While a part is laid out, that function is replaced by one that,
before the first page's margin boxes, asks on which page the part starts
(``first_page(page count)``, which may wait for the other parts), and then
makes every margin box with the page counter moved on by as much. The
text of the pages is untouched: a page reference inside the text
(target-counter) still counts from the part's first page, which is why
parts.py gives such references their number in the HTML.

Upstream: a way to start the page counter of a document at a number given
after layout, or a public hook to remake the page-margin boxes of laid-out
pages.
"""

from __future__ import annotations

import contextlib
import copy

from weasyprint import layout as weasy_layout

from . import threadwise

PIECE = "late folios"


@contextlib.contextmanager
def folios_from(first_page):
    """While a document is laid out, its folios count from ``first_page(page count)``."""
    offset: list[int] = []

    def make_margin_boxes(context, page, state, original):
        if not offset:
            offset.append(first_page(len(context.page_maker) - 1) - 1)
        if offset[0]:
            state = copy.deepcopy(state)
            counters = state[1].setdefault("page", [0])
            counters[-1] += offset[0]
        return original(context, page, state)

    with threadwise.replaced(weasy_layout, "make_margin_boxes", make_margin_boxes):
        yield
