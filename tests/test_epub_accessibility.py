"""The EPUB edition passes Ace by DAISY, and its page-list matches the print edition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import NS, epub_files, pdf_lines_by_page


def ace_report(epub: Path, out: Path) -> dict:
    """Ace's report (the pipeline's runner), written into out."""
    from pipeline.checks import Failed
    from pipeline.checks import ace_report as run

    try:
        return run(epub, out)
    except Failed as exc:
        pytest.fail(f"Ace failed:\n{str(exc)[-3000:]}")


def violations(report: dict) -> list[str]:
    found = []
    for doc in report.get("assertions", []):
        for item in doc.get("assertions", []):
            if item["earl:result"]["earl:outcome"] != "pass":
                test = item["earl:test"]
                found.append(
                    f"{doc['earl:testSubject']['url']}: {test['earl:impact']} "
                    f"{test['dct:title']}: {item['earl:result'].get('dct:description', '')}"
                )
    return found


def test_ace_passes_the_sample_with_no_violation(sample_build, tmp_path):
    report = ace_report(sample_build.epub, tmp_path / "ace")
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"


def _only_letters(text: str) -> str:
    """Letters only: the contents' page numbers and leaders fall out too."""
    return re.sub(r"[^a-z]", "", text.lower())


PAGE_REF = re.compile(r",\s\w+\u00a0[0-9ivxlcdm]+")


def check_page_list(epub: Path, pdf: Path) -> int:
    """Every page-list entry points at a page-break marker, and the words after
    that marker open the PDF page that prints the entry's folio: they are
    among its first lines, below the running head. Returns the entries checked."""
    files = epub_files(epub)
    nav = etree.fromstring(files["EPUB/text/nav.xhtml"])
    page_list = nav.find(".//x:nav[@epub:type='page-list']", NS)
    entries = [(a.text, a.get("href")) for a in page_list.iter("{%s}a" % NS["x"])]
    lines = pdf_lines_by_page(pdf)
    # Every page of the body (arabic folios) is in the page-list; of the front
    # matter, the first page of the contents at least.
    labels = [label for label, _ in entries]
    body = [ln for page in lines for ln in page[-1:] + page[:1] if re.fullmatch(r"\d+", ln)]
    assert set(body) <= set(labels), f"body pages missing from the page-list: {sorted(set(body) - set(labels))}"
    assert any(re.fullmatch(r"[ivxlc]+", label) for label in labels)
    for label, href in entries:
        name, fragment = href.split("#")
        doc = etree.fromstring(files[f"EPUB/text/{name}"])
        marker = doc.find(f".//*[@id='{fragment}']")
        assert marker is not None, f"page-list entry {label} points at nothing ({href})"
        assert marker.get("{%s}type" % NS["epub"]) == "pagebreak"
        assert marker.get("aria-label") == label
        # The first words with letters: a page may open on a line of figures and bars.
        following = [w for w in " ".join(marker.xpath("following::text()")[:12]).split() if _only_letters(w)][:3]
        words = _only_letters(" ".join(following))
        # The PDF pages that print this folio (a folio is a line of its own).
        candidates = [i for i, page in enumerate(lines) if label in page]
        assert candidates, f"no PDF page prints the folio {label}"
        # A cross-reference prints its page (", page\u00a012"), the EPUB does not.
        opening = [_only_letters(PAGE_REF.sub("", " ".join(lines[i][:4]))) for i in candidates]
        assert words and any(words in text for text in opening), (
            f"page {label}: {following} does not open the PDF page printed {label}: {lines[candidates[0]][:4]}"
        )
    return len(entries)


def test_page_list_points_at_the_words_where_each_print_page_begins(sample_build):
    assert check_page_list(sample_build.epub, sample_build.pdf) >= 5


def test_page_break_source_names_the_print_edition(sample_build):
    files = epub_files(sample_build.epub)
    opf = etree.fromstring(files["EPUB/content.opf"])
    source = opf.find(".//opf:meta[@property='pageBreakSource']", NS)
    assert source is not None and source.text.startswith("urn:uuid:")
    features = {m.text for m in opf.findall(".//opf:meta[@property='schema:accessibilityFeature']", NS)}
    assert {"printPageNumbers", "pageBreakMarkers", "tableOfContents"} <= features
    # The print edition carries the same identifier in its XMP.
    from pypdf import PdfReader

    xmp = PdfReader(str(sample_build.pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert source.text.encode() in xmp
