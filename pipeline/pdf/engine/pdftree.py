"""Engine piece 'PDF objects': the output intents of the PDF WeasyPrint
has built, read in a finisher.

A finisher (``write_pdf(finisher=...)``, public) is given the ``pydyf.PDF``
before it is written; ``catalog`` is pydyf's documented API. How WeasyPrint
fills it is not: press.py relies on the catalog's ``OutputIntents`` being a
list of dictionaries, as WeasyPrint writes them for PDF/X, and structlang.py
on a reference being the bytes ``b"12 0 R"`` (``resolve``). (The pages'
colour spaces are set on the finished file, with pikepdf: pdf/finish.py.)

Upstream (WeasyPrint): a documented way to set the output condition of
``output_intent``, so no finisher is needed; (pydyf) ``PDF.resolve()``.
"""

from __future__ import annotations

PIECE = "PDF objects"


def resolve(pdf, value):
    """The object a reference (b"12 0 R") points at, or the value itself (structlang.py)."""
    if isinstance(value, bytes):
        return pdf.objects[int(value.split()[0])]
    return value


def output_intents(pdf) -> list:
    """The output intent dictionaries of the catalog, none for a PDF that has none."""
    return list(pdf.catalog.get("OutputIntents") or [])
