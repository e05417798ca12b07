"""Page references computed once per PDF, not once per tagged element.

pydyf's ``PDF.page_references`` builds the tuple of every page's reference
each time it is read, and WeasyPrint reads it for every element of the
structure tree it tags: time grows with the square of the page count
(a fifth of the writing time of a 180-page book). While our PDFs are
written, the tuple is kept until a page is added.
"""

from __future__ import annotations

import contextlib

import pydyf


@contextlib.contextmanager
def page_references_kept():
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
