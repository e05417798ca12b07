"""PDF writer: WeasyPrint renders the print document into a tagged PDF (PDF/UA-1).

Returns the PDF bytes and, for each page, the ids that start on it, which
the EPUB page-list and the tests use.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import SubElement, fromstring, tostring

import pydyf
from weasyprint import CSS, HTML
from weasyprint.pdf.metadata import NS, DocumentMetadata

from .. import styles
from ..model import Publication
from . import assemble, geometry
from ..pagemarks import print_edition_id
from .fetcher import ProjectFetcher


@dataclass
class Rendered:
    pdf: bytes
    page_count: int
    anchors: list[list[str]]  # ids on each page, in page order
    markers: list[str] = field(default_factory=list)  # page-position markers, in reading order
    messages: list[str] = field(default_factory=list)


class _Metadata(DocumentMetadata):
    """WeasyPrint's XMP plus what a library catalogue wants: language,
    publisher, subjects, identifier and rights (Dublin Core)."""

    extra: dict = {}

    def generate_rdf_metadata(self, variant, version, conformance):
        rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
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
        return tostring(rdf, encoding="utf-8")


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


def render(pub: Publication, project: Path, variant: str = "pdf/ua-1", trim: str = geometry.DEFAULT_TRIM,
           attachments=None) -> Rendered:
    fetcher = ProjectFetcher([project])
    sheets = [CSS(filename=str(s), url_fetcher=fetcher) for s in styles.stack(project, "print", pub.folder, True)]
    sheets.append(CSS(string=geometry.page_css(trim)))
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        source, markers = assemble.document(pub)
        document = HTML(string=source, base_url=pub.folder.as_uri() + "/",
                        url_fetcher=fetcher).render(stylesheets=sheets)
        meta = _Metadata(**vars(document.metadata))
        m = pub.metadata
        meta.extra = {"language": [m.lang], "publisher": [m.publisher] if m.publisher else [],
                      "subject": m.subjects, "identifier": [print_edition_id(m.identifier.text)],
                      "rights": [m.rights] if m.rights else []}
        document.metadata = meta
        ident = hashlib.md5(m.identifier.text.encode()).hexdigest().encode()
        pdf = document.write_pdf(pdf_variant=variant, pdf_identifier=ident, attachments=attachments,
                                 finisher=_info(m))
    finally:
        logger.removeHandler(collector)
    anchors = [sorted(page.anchors) for page in document.pages]
    messages = collector.messages + [f"refused: {u}" for u in fetcher.refused]
    return Rendered(pdf, len(document.pages), anchors, markers, messages)
