"""Accessibility metadata derived from the content (EPUB Accessibility 1.1).

Nothing here is asserted for its own sake: each feature is claimed only when
the publication's content shows it (images with alternative text, math, a
page-list), and the summary is written from the same facts.
"""

from __future__ import annotations

from ..model import Publication
from . import semantics

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def facts(pub: Publication, has_page_list: bool = False) -> dict:
    images = [img for c in pub.chapters for img in c.body.iter("img")]
    informative = [img for img in images if img.get("role") != "presentation"]
    return {
        "images": bool(informative),
        "all_alt": all((img.get("alt") or "").strip() for img in informative),
        "math": any(True for c in pub.chapters for _ in c.body.iter("math")),
        "tables": any(True for c in pub.chapters for _ in c.body.iter("table")),
        "notes": any(c.body.find_class("footnote") for c in pub.chapters),
        "page_list": has_page_list,
        "index": any(semantics.kind(c) == "index" for c in pub.chapters),
    }


def metadata(pub: Publication, has_page_list: bool = False) -> list[tuple[str, str]]:
    f = facts(pub, has_page_list)
    out = [("schema:accessMode", "textual")]
    if f["images"]:
        out.append(("schema:accessMode", "visual"))
    out.append(("schema:accessModeSufficient", "textual"))
    if f["images"]:
        out.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability"]
    if f["images"] and f["all_alt"]:
        features.append("alternativeText")
    if f["math"]:
        features.append("MathML")
    if f["page_list"]:
        # pageNavigation is the current name of printPageNumbers, which older catalogues still read.
        features += ["pageNavigation", "printPageNumbers", "pageBreakMarkers"]
    if f["index"]:
        features.append("index")
    out += [("schema:accessibilityFeature", name) for name in features]
    out.append(("schema:accessibilityHazard", "none"))
    out.append(("schema:accessibilitySummary", summary(f)))
    out.append(("dcterms:conformsTo", CONFORMS_TO))
    # EPUB Accessibility 1.1 §2.1: a conformance claim names who evaluated it.
    out.append(("a11y:certifiedBy", certifier(pub)))
    return out


def certifier(pub: Publication) -> str:
    """The party answerable for the claim: the publisher, else the authors;
    a publication with neither was evaluated by nobody but its maker, Pressroom
    (whose build checks it with EPUBCheck and Ace)."""
    m = pub.metadata
    return m.publisher or ", ".join(m.authors) or "Pressroom"


def summary(f: dict) -> str:
    parts = [
        "This publication meets EPUB Accessibility 1.1 at WCAG 2.2 Level AA.",
        "Its text can be read aloud and restyled, it follows one logical reading order, "
        "and its table of contents and headings allow navigation by structure.",
    ]
    if f["images"]:
        parts.append(
            "Every image that carries information has a text alternative."
            if f["all_alt"]
            else "Some images lack a text alternative."
        )
    else:
        parts.append("It has no images that carry information.")
    if f["math"]:
        parts.append("Mathematics is given as MathML.")
    if f["notes"]:
        parts.append("Notes are linked to their references in both directions.")
    if f["page_list"]:
        parts.append("Page numbers of the print edition are given as a page list and page-break markers.")
    parts.append("It contains no flashing, sound or motion hazards.")
    return " ".join(parts)
