"""Engine piece 'page references': computed once per PDF, not once per tagged element.

pydyf's ``PDF.page_references`` (a property, not in pydyf's documented
API) builds the tuple of every page's reference each time it is read, and
WeasyPrint reads it for every element of the structure tree it tags: time
grows with the square of the page count (a fifth of the writing time of a
180-page book). Neither library offers a way to keep it, so while our PDFs
are written the property is replaced on ``pydyf.PDF`` by one that keeps the
tuple until a page is added (the length of ``pages["Kids"]`` changes). The
tuple is the same, so the bytes are too.

Upstream (pydyf): keep the references in a list that ``add_page`` extends,
and make ``page_references`` return it (or a tuple of it, cached until the
next ``add_page``).
"""

from __future__ import annotations

import contextlib

import pydyf

PIECE = "page references"


@contextlib.contextmanager
def page_references_kept():
    """While PDFs are written, each keeps its tuple of page references until a page is added."""
    original = pydyf.PDF.page_references

    def kept(pdf):
        count = len(pdf.pages["Kids"])
        memo = pdf.__dict__.get("_references_kept")
        if memo is None or memo[0] != count:
            memo = pdf.__dict__["_references_kept"] = (count, original.fget(pdf))
        return memo[1]

    pydyf.PDF.page_references = property(kept)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original
