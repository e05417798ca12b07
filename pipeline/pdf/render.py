"""PDF writer: WeasyPrint renders the print document into a tagged PDF (PDF/UA-1),
or for the press a tagged PDF/X-4 that also claims PDF/UA-1.

Returns the PDF bytes and, for each page, the ids that start on it (which
the EPUB page-list and the tests use) and the folio printed on it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import SubElement

import pydyf
from weasyprint import CSS, HTML

from .. import pagesize, styles
from ..errors import Diagnostic, Diagnostics
from ..model import Publication
from . import assemble, mathsvg, notes, overflow, pagefoot, press
from .engine.boxes import page_box
from .engine.fonts import committed_only
from .engine.metadata import NS, amend_xmp
from .engine.pagerefs import page_references_kept
from .engine.structlang import finish as structure_languages
from .positions import page_positions
from ..pagemarks import print_edition_id
from .fetcher import ProjectFetcher


@dataclass
class Rendered:
    pdf: bytes
    page_count: int
    anchors: list[list[str]]  # ids on each page, in page order
    positions: list[str | None] = field(default_factory=list)  # where each page's text begins (positions.py)
    messages: list[str] = field(default_factory=list)
    low_resolution: list[tuple[str, int, int, int]] = field(default_factory=list)  # render._low_resolution
    notes_apart: list[tuple[str, int]] = field(default_factory=list)  # (note id, page number of its call)
    folios: list[str] = field(default_factory=list)  # the page number printed on each page, "" for none
    rewrite: Callable | None = None  # (variant, attachments) -> the same pages as another PDF variant
    overflows: list[tuple[str | None, str, int]] = field(default_factory=list)  # overflow.overflowing
    warnings: list[Diagnostic] = field(default_factory=list)  # located: formulas not drawn (mathsvg.undrawn)


class _Metadata:
    """WeasyPrint's XMP plus what a library catalogue wants: language,
    publisher, subjects, identifier and rights (Dublin Core)."""

    extra: dict = {}
    document_id: str = ""

    def __call__(self, rdf, variant) -> None:
        if variant == "x":
            self._settle_pdfx(rdf)
        desc = SubElement(rdf, f"{{{NS['rdf']}}}Description", {f"{{{NS['rdf']}}}about": ""})
        for name, values in self.extra.items():
            if not values:
                continue
            el = SubElement(desc, f"{{{NS['dc']}}}{name}")
            if name == "rights":
                alt = SubElement(el, f"{{{NS['rdf']}}}Alt")
                li = SubElement(alt, f"{{{NS['rdf']}}}li", {"xml:lang": "x-default"})
                li.text = values[0]
            elif name == "identifier":
                el.text = values[0]
            else:
                bag = SubElement(el, f"{{{NS['rdf']}}}Bag")
                for value in values:
                    SubElement(bag, f"{{{NS['rdf']}}}li").text = value

    def _settle_pdfx(self, rdf) -> None:
        """WeasyPrint's PDF/X XMP has a random DocumentID: use the print
        edition's identifier, so the bytes are the same every time; and the
        file, still tagged, claims PDF/UA-1 too."""
        for el in rdf.iter(f"{{{NS['xmpMM']}}}DocumentID"):
            el.text = self.document_id
        desc = SubElement(rdf, f"{{{NS['rdf']}}}Description", {f"{{{NS['rdf']}}}about": ""})
        SubElement(desc, f"{{{NS['pdfuaid']}}}part").text = "1"


def _info(m):
    """Document-info entries WeasyPrint does not write (it lowercases custom names)."""

    def finisher(document, pdf):
        if m.publisher:
            pdf.info["Publisher"] = pydyf.String(m.publisher)
        pdf.info["Identifier"] = pydyf.String(m.identifier.text)

    return finisher


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


PRINT_DPI = 300


def _low_resolution(document) -> list[tuple[str, int, int, int]]:
    """(image name, dpi, page number, pixels wide it needs) for each raster
    image that prints below 300 dpi at the size it was set, its first time."""
    found = {}
    for number, page in enumerate(document.pages, 1):
        for box in page_box(page).descendants():
            image = getattr(box, "replacement", None)
            width_px = getattr(image, "width", None)
            if not width_px or not getattr(box, "width", None) or not hasattr(image, "ratio") or box.element is None:
                continue
            inches = box.width / 96  # box sizes are CSS px, 96 to the inch
            dpi = width_px / inches
            name = box.element.get("data-asset") or box.element.get("alt") or ""
            if dpi < PRINT_DPI and name not in found:
                found[name] = (name, round(dpi), number, round(inches * PRINT_DPI))
    return list(found.values())


def _folios(document) -> list[str]:
    """The text of each page's folio box (@bottom-center), "" where none is printed."""
    out = []
    for page in document.pages:
        text = ""
        for box in page_box(page).children:
            if getattr(box, "at_keyword", None) == "@bottom-center":
                text = "".join(b.text for b in box.descendants() if hasattr(b, "text")).strip()
        out.append(text)
    return out


def render(
    pub: Publication,
    project: Path,
    variant: str | None = None,
    attachments=None,
    bleed: bool | None = None,
    pdfx: bool | None = None,
    *,
    on_page: Callable[[int], None] | None = None,
) -> Rendered:
    """Typeset the publication. Without a variant, the publication's print
    options choose: PDF/UA-1, or PDF/X-4 for the press, with or without bleed;
    with one (e.g. the archival PDF/A) the press options are off unless given.
    on_page(pages laid out so far) is called as the count grows (a build's progress)."""
    options = pub.metadata.options.print
    press_options = variant is None
    bleed = options.bleed if bleed is None and press_options else bool(bleed)
    pdfx = options.pdfx if pdfx is None and press_options else bool(pdfx)
    variant = variant or (press.VARIANT if pdfx else "pdf/ua-1")
    fetcher = ProjectFetcher(project)
    # One font configuration for every sheet and the document: without it
    # WeasyPrint ignores @font-face, and the machine's fonts set the text.
    fonts = committed_only()
    profiles: dict = {}  # @color-profile rules land here, for the document
    sheet = functools.partial(CSS, url_fetcher=fetcher, font_config=fonts, color_profiles=profiles)
    # The page geometry first, so a publication's own print.css may change it.
    sheets = [sheet(string=pagesize.page_css(options.trim, bleed, options.margins()))]
    own = set(styles.own_sheets(pub.folder))  # loaded without their references, as in the EPUB
    # Every layered sheet is read as if it were in the project's styles/, and
    # the fetcher finds what it names there or in the house styles.
    sheets += [
        sheet(string=styles.without_urls(s.read_text(encoding="utf-8", errors="replace")), base_url=s.as_uri())
        if s in own
        else sheet(
            string=styles.sheet_text(project, s),
            base_url=(project / styles.STYLES / styles.relative(project, s)).as_uri(),
        )
        for s in styles.stack(project, "print", pub.folder, True)
    ]
    if pdfx:
        sheets.append(sheet(string=press.sheet(project)))
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    undrawn: list = []  # (chapter, TeX, why) of the last typesetting
    try:

        def typeset(flowing=False):
            undrawn.clear()
            source = assemble.document(pub, project, flowing, undrawn)
            return HTML(string=source, base_url=pub.folder.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=sheets, font_config=fonts, color_profiles=profiles
            )

        document, apart = notes.keep_with_calls(typeset, on_page)
        if pagefoot.runs_into_foot(document):  # rare: a long contents on a pamphlet's verso
            document, apart = notes.keep_with_calls(lambda: typeset(flowing=True), on_page)
        meta = _Metadata()
        m = pub.metadata
        edition_id = print_edition_id(m.identifier.text)
        meta.extra = {
            "language": [m.lang],
            "publisher": [m.publisher] if m.publisher else [],
            "subject": m.subjects,
            "identifier": [edition_id],
            "rights": [m.rights] if m.rights else [],
        }
        meta.document_id = edition_id.replace("urn:uuid:", "uuid:")
        amend_xmp(document, meta)
        ident = hashlib.md5(m.identifier.text.encode()).hexdigest().encode()

        # Structure elements need a language of their own only where a chapter has another.
        other_languages = any(ch.lang != m.lang for ch in pub.chapters)

        def write(variant, attachments, pdfx):
            finishers = (
                [_info(m)] + ([structure_languages] if other_languages else []) + ([press.finish] if pdfx else [])
            )
            with page_references_kept():
                return document.write_pdf(
                    pdf_variant=variant,
                    pdf_identifier=ident,
                    attachments=attachments,
                    pdf_tags=True,
                    finisher=lambda doc, out: [f(doc, out) for f in finishers],
                )

        pdf = write(variant, attachments, pdfx)
    finally:
        logger.removeHandler(collector)
    anchors = [sorted(page.anchors) for page in document.pages]
    messages = collector.messages + [f"refused: {u}" for u in fetcher.refused]
    # Another variant of the same pages (the archival PDF/A) needs no second
    # layout when the geometry is the same: no bleed, no press colours.
    rewrite = None if (bleed or pdfx) else (lambda variant, attachments: write(variant, attachments, False))
    warnings = Diagnostics(root=project)
    for chapter, tex, why in undrawn:
        mathsvg.undrawn(chapter, tex, why, warnings)
    return Rendered(
        pdf,
        len(document.pages),
        anchors,
        page_positions(document),
        messages,
        _low_resolution(document),
        sorted((n, p + 1) for n, p in apart.items()),
        _folios(document),
        rewrite,
        overflow.overflowing(document),
        warnings.items,
    )
