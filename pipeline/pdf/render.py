"""PDF writer: WeasyPrint renders the print document into a tagged PDF (PDF/UA-1),
or for the press a tagged PDF/X-4 that also claims PDF/UA-1.

Returns the PDF bytes and, for each page, the ids that start on it (which
the EPUB page-list and the tests use) and the folio printed on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from ..errors import Diagnostics
from ..model import Publication
from ..pagesize import Press, parse_bleed
from . import assemble, crossrefs, finish, mathsvg, pagelabels, parts, plaincode, press, typeset
from .typeset import Rendered

__all__ = ["Rendered", "render"]


def render(
    pub: Publication,
    project: Path,
    variant: str | None = None,
    attachments=None,
    bleed: bool | None = None,
    pdfx: bool | None = None,
    spread=None,
    also: tuple[str, ...] = (),
    on_page: Callable[[int], None] | None = None,
) -> Rendered:
    """Typeset the publication. Without a variant, the publication's print
    options choose: PDF/UA-1, or PDF/X-4 for the press, with or without bleed,
    marks and a signature (finish.py); with one (e.g. the archival PDF/A) the
    press options are off unless given, and the PDF is as WeasyPrint writes it.

    A book of several chapters is set in parts, one per chapter, ``spread``
    over worker processes (parts.py); ``also``: other variants of the same
    pages that ``Rendered.rewrite`` will be asked for (the archival PDF/A).
    on_page(pages laid out so far) is called as the count grows (a build's progress)."""
    setup = pub.metadata.options.print.press_setup() if variant is None else Press()
    if bleed is not None or pdfx is not None:  # the marks and signature asked for stay
        setup = dataclasses.replace(
            setup,
            pdfx=bool(pdfx) if pdfx is not None else setup.pdfx,
            bleed=parse_bleed(bleed) if bleed is not None else setup.bleed,
        )
    rendered = _render(pub, project, variant, attachments, setup, spread, also, on_page)
    return finish.finish(rendered, setup) if variant is None else rendered


def _render(pub, project, variant, attachments, setup: Press, spread, also, on_page) -> Rendered:
    bleed, pdfx = setup.bleed, setup.pdfx
    variant = variant or (press.VARIANT if pdfx else "pdf/ua-1")
    how = typeset.setting(pub, project, variant, bleed, pdfx)
    if parts.splits(pub):
        return parts.render(pub, how, attachments, spread, () if bleed or pdfx else also, on_page)
    undrawn: list = []  # (chapter, TeX, why) of the last typesetting

    numbers: dict[str, int] | None = None  # the page of each id, once a layout printed a number wrong

    def source(flowing):
        nonlocal numbers
        undrawn.clear()
        html = assemble.document(pub, project, flowing, undrawn, plaincode.styled(how.sheets))
        if numbers is None and html.count(crossrefs.REF) > crossrefs.NAMED:
            numbers = {}  # too many to count in the layout: numbered from the pages of a first one
        return crossrefs.targets_named(html) if numbers is None else crossrefs.numbered(html, numbers)

    # Laid out again, with the numbers in the HTML, when a page reference or
    # contents entry printed a wrong number, or when pages were made up
    # before the numbers printed on them were known (their lines changed since).
    for _ in range(parts.ROUNDS):
        laid = typeset.lay_out(how, source, on_page)
        found = pagelabels.page_numbers(laid.document)
        if laid.settled and not crossrefs.wrong(laid.document, found):
            break
        numbers = found
    pdf = typeset.write(how, laid, attachments=attachments)
    pages = typeset.pages_of(laid)
    # Another variant of the same pages (the archival PDF/A) needs no second
    # layout when the geometry is the same: no bleed, no press colours.
    rewrite = (
        None
        if (bleed or pdfx)
        else (lambda variant, attachments: typeset.write(how, laid, variant, attachments, pdfx=False))
    )
    warnings = Diagnostics(root=project)
    for chapter, tex, why in undrawn:
        mathsvg.undrawn(chapter, tex, why, warnings)
    return Rendered(
        pdf,
        len(pages.anchors),
        pages.anchors,
        pages.positions,
        laid.messages,
        pages.low_resolution,
        pages.notes_apart,
        pages.folios,
        rewrite,
        pages.overflows,
        warnings.items,
    )
