"""One print document through WeasyPrint: its style sheets, its layout
(notes kept with their calls), what the pages say of themselves, and the
PDF written from it. The whole book (render.py) and each of its parts
(parts.py) are set by the same steps.

The sheets travel as plain text (``Setting``), so that a part can be set
in another process or on another machine.
"""

from __future__ import annotations

import functools
import threading
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import SubElement

import pydyf
from weasyprint import CSS, HTML

from .. import cache, pagesize, styles
from ..errors import Diagnostic
from ..model import Publication
from . import crossrefs, linebreak, notes, overflow, pagefoot, pagelabels, press
from .engine.boxes import page_box
from .engine.fonts import committed_only
from .engine.metadata import NS, amend_xmp
from .engine.pagerefs import page_references_kept
from .engine.patterns import hyphenate_as
from .engine.structlang import finish as structure_languages
from .fetcher import ProjectFetcher
from .positions import page_positions


@dataclass(frozen=True)
class Setting:
    """What a layout needs beside its HTML, as plain data."""

    project: Path
    styles: str  # cache.styles_digest: the style files, fonts included
    base_url: str  # the publication's folder
    sheets: tuple[tuple[str, str | None], ...]  # (CSS text, base URL), in cascade order
    variant: str  # the PDF variant of the edition
    pdfx: bool
    other_languages: bool  # a chapter in another language than the publication's
    meta: tuple  # _Metadata's fields: (extra as tuples, document id), and the Info entries
    ident: bytes
    compose: bool = True  # paragraphs composed as a whole (linebreak.py)


def setting(pub: Publication, project: Path, variant: str, bleed: float, pdfx: bool) -> Setting:
    options = pub.metadata.options.print
    # The page geometry first, so a publication's own print.css may change it.
    sheets: list[tuple[str, str | None]] = [(pagesize.page_css(options.trim, bleed, options.margins()), None)]
    own = set(styles.own_sheets(pub.folder))  # loaded without their references, as in the EPUB
    # Every layered sheet is read as if it were in the project's styles/, and
    # the fetcher finds what it names there or in the house styles.
    for s in styles.stack(project, "print", pub.folder, True):
        if s in own:
            sheets.append((styles.without_urls(s.read_text(encoding="utf-8", errors="replace")), s.as_uri()))
        else:
            base = (project / styles.STYLES / styles.relative(project, s)).as_uri()
            sheets.append((styles.sheet_text(project, s), base))
    if pdfx:
        sheets.append((press.sheet(project), None))
    m = pub.metadata
    edition_id, print_ident = m.print_id, m.identifier_of("print").text
    extra = (
        ("language", (m.lang,)),
        ("publisher", (m.publisher,) if m.publisher else ()),
        ("subject", tuple(m.subjects)),
        ("identifier", (edition_id,)),
        ("rights", (m.rights,) if m.rights else ()),
    )
    info = (("Publisher", m.publisher), ("Identifier", print_ident))
    return Setting(
        project=project,
        styles=cache.styles_digest(project),
        base_url=pub.folder.as_uri() + "/",
        sheets=tuple(sheets),
        variant=variant,
        pdfx=pdfx,
        other_languages=any(ch.lang != m.lang for ch in pub.chapters),
        meta=(extra, edition_id.replace("urn:uuid:", "uuid:"), info),
        ident=hashlib.md5(print_ident.encode()).hexdigest().encode(),
        compose=options.compose,
    )


class _Metadata:
    """WeasyPrint's XMP plus what a library catalogue wants: language,
    publisher, subjects, identifier and rights (Dublin Core)."""

    def __init__(self, extra, document_id: str):
        self.extra, self.document_id = extra, document_id

    def __call__(self, rdf, variant) -> None:
        if variant == "x":
            self._settle_pdfx(rdf)
        desc = SubElement(rdf, f"{{{NS['rdf']}}}Description", {f"{{{NS['rdf']}}}about": ""})
        for name, values in self.extra:
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


def _info(entries):
    """Document-info entries WeasyPrint does not write (it lowercases custom names)."""

    def finisher(document, pdf):
        for name, value in entries:
            if value:
                pdf.info[name] = pydyf.String(value)

    return finisher


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@dataclass
class Laid:
    """A laid-out document and what setting it found."""

    document: object
    apart: dict[str, int]  # notes.separated
    messages: list[str] = field(default_factory=list)
    settled: bool = True  # pages made up only once their page numbers were printed (pageloop.Runs)


_KEPT = threading.local()  # (project, sheets): what _styles gives, for the parts of a book in one thread
_SHEETS_LOCK = threading.Lock()


def _styles(setting: Setting):
    """The fetcher, font configuration, colour profiles and parsed sheets of a setting.
    Kept for the next document of the same setting: parsing the sheets and
    loading their fonts costs a part a quarter of a second."""
    with _SHEETS_LOCK:  # Dask lays chapters out in threads; committed_only sets the environment
        return _styles_of(setting)


def _styles_of(setting: Setting):
    key = (setting.project, setting.styles, setting.sheets)
    kept = _KEPT.__dict__.setdefault("sheets", {})
    if key not in kept:
        fetcher = ProjectFetcher(setting.project)
        # One font configuration for every sheet and the document: without it
        # WeasyPrint ignores @font-face, and the machine's fonts set the text.
        fonts = committed_only()
        profiles: dict = {}  # @color-profile rules land here, for the document
        sheet = functools.partial(CSS, url_fetcher=fetcher, font_config=fonts, color_profiles=profiles)
        parsed = [sheet(string=text, base_url=base) for text, base in setting.sheets]
        found = (fetcher, fonts, profiles, parsed, list(fetcher.refused))
        if profiles:
            # A colour profile (the press's) is not the same bytes once a
            # document has used it: each document has its own.
            return found
        kept.clear()
        kept[key] = found
    return kept[key]


def lay_out(setting: Setting, source, on_page: Callable[[int], None] | None = None) -> Laid:
    """Lay out ``source(flowing) -> HTML`` keeping notes with their calls; when
    the flow runs into the foot of a display page, again as flex columns.
    on_page(pages laid out so far) is called as the count grows."""
    fetcher, fonts, profiles, sheets, refused_by_sheets = _styles(setting)
    refused = len(fetcher.refused)
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:

        def typeset(flowing=False, looks=None, found=None, copies=None, numbers=None):
            html = HTML(string=source(flowing), base_url=setting.base_url, url_fetcher=fetcher)
            hyphenate_as(html)
            linebreak.restyle(html, looks or {})  # paragraphs set again (linebreak.py)
            if copies is not None:
                # A galley holds few targets: its page references print the
                # first layout's numbers, as a part's print those it is given.
                crossrefs.fill(html.etree_element, numbers or {})
                found.update(linebreak.galleys(html, copies))
            elif found is not None:
                found.update(linebreak.elements(html))
            return html.render(
                # A dict of its own: writing a PDF/A adds its sRGB profile to it.
                stylesheets=sheets,
                font_config=fonts,
                color_profiles=dict(profiles),
            )

        pages_so_far = linebreak.rising(on_page)

        def composed(flowing):
            numbers: dict[str, int] = {}  # the page of each id in the first layout
            settles: list[bool] = []  # pageloop.Runs.settled of each layout but the galleys

            def lay(looks, copies):
                index: dict[int, int] = {}
                if copies is not None:  # a galley of paragraphs: no notes to keep, no pages to count
                    heard = len(collector.messages)
                    document = typeset(flowing, looks, index, copies, numbers)
                    # What a galley says, the layouts say too, but for its copies' ids "defined twice".
                    del collector.messages[heard:]
                    return (document, {}, True), document, index
                document, apart, settled = notes.keep_with_calls(lambda: typeset(flowing, looks, index), pages_so_far)
                if not numbers:
                    numbers.update(pagelabels.page_numbers(document))
                # The paragraphs were judged on the first layout: it too was made up on its final text, or not.
                settles.append(settled)
                return (document, apart, all(settles)), document, index

            return linebreak.compose(lay) if setting.compose else lay({}, None)[0]

        document, apart, settled = composed(False)
        if pagefoot.runs_into_foot(document):  # rare: a long contents on a pamphlet's verso
            document, apart, settled = composed(True)
        amend_xmp(document, _Metadata(*setting.meta[:2]))
    finally:
        logger.removeHandler(collector)
    return Laid(
        document,
        apart,
        collector.messages + [f"refused: {u}" for u in refused_by_sheets + fetcher.refused[refused:]],
        settled,
    )


def write(
    setting: Setting, laid: Laid, variant: str | None = None, attachments=None, pdfx: bool | None = None
) -> bytes:
    """The PDF of a laid-out document: the setting's variant, or another of the same pages."""
    pdfx = setting.pdfx if pdfx is None else pdfx
    # Structure elements need a language of their own only where a chapter has another.
    finishers = (
        [_info(setting.meta[2]), lambda document, pdf: pagelabels.write(pdf, pagelabels.folios(document))]
        + ([structure_languages] if setting.other_languages else [])
        + ([press.finish] if pdfx else [])
    )
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        with page_references_kept():
            pdf = laid.document.write_pdf(  # type: ignore[attr-defined]
                pdf_variant=variant or setting.variant,
                pdf_identifier=setting.ident,
                attachments=attachments,
                pdf_tags=True,
                finisher=lambda doc, out: [f(doc, out) for f in finishers],
            )
    finally:
        logger.removeHandler(collector)
    laid.messages += collector.messages
    return pdf


PRINT_DPI = 300


def low_resolution(document) -> list[tuple[str, int, int, int]]:
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


@dataclass
class Pages:
    """What a laid-out document's pages say of themselves, page by page (as plain data)."""

    anchors: list[list[str]]  # ids on each page
    positions: list[str | None]  # where each page's text begins (positions.py)
    folios: list[str]  # the page number printed on each page, "" for none
    low_resolution: list[tuple[str, int, int, int]]  # (name, dpi, page number, pixels needed)
    notes_apart: list[tuple[str, int]]  # (note id, page number of its call)
    overflows: list[tuple[str | None, str, int]]  # overflow.overflowing
    outline: list[tuple[int, str, int]]  # (level, open or closed, page number) of each bookmark, in order


def pages_of(laid: Laid) -> Pages:
    document = laid.document
    return Pages(
        [sorted(page.anchors) for page in document.pages],  # type: ignore[attr-defined]
        page_positions(document),
        pagelabels.folios(document),
        low_resolution(document),
        sorted((n, p + 1) for n, p in laid.apart.items()),
        overflow.overflowing(document),
        [
            (level, state, number)
            for number, page in enumerate(document.pages, 1)  # type: ignore[attr-defined]
            for level, _, _, state in page.bookmarks
        ],
    )


@dataclass
class Rendered:
    pdf: bytes
    page_count: int
    anchors: list[list[str]]  # ids on each page, in page order
    positions: list[str | None] = field(default_factory=list)  # where each page's text begins (positions.py)
    messages: list[str] = field(default_factory=list)
    low_resolution: list[tuple[str, int, int, int]] = field(default_factory=list)  # typeset.low_resolution
    notes_apart: list[tuple[str, int]] = field(default_factory=list)  # (note id, page number of its call)
    folios: list[str] = field(default_factory=list)  # the page number printed on each page, "" for none
    rewrite: Callable | None = None  # (variant, attachments) -> the same pages as another PDF variant
    overflows: list[tuple[str | None, str, int]] = field(default_factory=list)  # overflow.overflowing
    warnings: list[Diagnostic] = field(default_factory=list)  # located: formulas not drawn (mathsvg.undrawn)
