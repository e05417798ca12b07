"""Engine piece 'PDF objects': the pages and output intents of the PDF
WeasyPrint has built, read in a finisher.

A finisher (``write_pdf(finisher=...)``, public) is given the ``pydyf.PDF``
before it is written; ``catalog``, ``objects`` and ``add_object`` are
pydyf's documented API. How WeasyPrint and pydyf lay the document out in it
is not: press.py relies on ``pdf.pages["Kids"]`` holding each page as the
three items of a reference (number, 0, "R"), on each page's ``Resources``
being the bytes of a reference (``b"12 0 R"``) or the dictionary itself,
with a ``ColorSpace`` dictionary (or a reference to one) in it, and on the
catalog's ``OutputIntents`` being a list of dictionaries, as WeasyPrint
writes them for PDF/X.

Upstream (pydyf): a documented way to go from a reference to its object
(``PDF.resolve()``) and an iterator over the page dictionaries; (WeasyPrint)
a documented way to set the output condition of ``output_intent`` and a
``DefaultRGB`` colour space on every page, so no finisher is needed.
"""

from __future__ import annotations

PIECE = "PDF objects"


def resolve(pdf, value):
    """The object a reference (b"12 0 R") points at, or the value itself."""
    if isinstance(value, bytes):
        return pdf.objects[int(value.split()[0])]
    return value


def page_resources(pdf):
    """Each page's resource dictionary, in page order."""
    for number in pdf.pages["Kids"][::3]:
        yield resolve(pdf, pdf.objects[number]["Resources"])


def output_intents(pdf) -> list:
    """The output intent dictionaries of the catalog, none for a PDF that has none."""
    return list(pdf.catalog.get("OutputIntents") or [])
