"""Engine piece 'XMP metadata': the RDF WeasyPrint writes, amended.

Pressroom's PDFs carry in their XMP what a library catalogue wants
(language, publisher, subjects, identifier, rights, as Dublin Core), and a
PDF/X edition must be the same bytes each time. WeasyPrint's public
``DocumentMetadata`` holds title, authors, dates and ``lang`` but writes no
other Dublin Core; its ``xmp_metadata`` option appends whole RDF
descriptions but cannot change what WeasyPrint writes itself, and for
PDF/X-4 it writes a random ``xmpMM:DocumentID`` (``uuid4``, its own TODO
says so). So the document's metadata is replaced by a subclass of
``weasyprint.pdf.metadata.DocumentMetadata`` whose
``generate_rdf_metadata(variant, version, conformance)`` returns
WeasyPrint's RDF after an ``amend(rdf, variant)`` function has changed it;
the subclass is made from the public attributes of the document's own
metadata (``vars()``). The namespaces (``NS``) are WeasyPrint's.

Upstream: an option giving the PDF/X DocumentID (or deriving it from
``pdf_identifier``, as the file identifier is), and a documented hook to
add elements to the RDF description WeasyPrint writes (or Dublin Core
fields on ``DocumentMetadata``: language list, publisher, subjects,
identifier, rights).
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import fromstring, tostring

from weasyprint.pdf.metadata import NS, DocumentMetadata

PIECE = "XMP metadata"
__all__ = ["NS", "amend_xmp"]  # NS: the namespaces, for the amending function


class _Amended(DocumentMetadata):
    amend: Callable | None = None

    def generate_rdf_metadata(self, variant, version, conformance):
        rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
        if self.amend is not None:
            self.amend(rdf, variant)
        return tostring(rdf, encoding="utf-8")


def amend_xmp(document, amend: Callable) -> None:
    """Have ``amend(rdf element, pdf variant letter or None)`` change the RDF
    of the document's XMP each time a PDF of it is written."""
    metadata = _Amended(**vars(document.metadata))
    metadata.amend = amend
    document.metadata = metadata
