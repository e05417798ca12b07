"""Collections, numbered figures, cross-references, quotations and math, in both editions."""

from __future__ import annotations

import io

import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

import pipeline
from conftest import NS, epub_files, epubcheck, format_messages, make_project, pdf_text_by_page, source_date_epoch


def _png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), colour).save(out, "PNG")
    return out.getvalue()


FILES = {
    "source/c/publication.yaml": "title: An Anthology\nlang: en\ntype: collection\npublisher: A Press\n"
                                 "contents:\n  - one.md\n  - two.md\n",
    "source/c/one.md": "---\ntitle: The First Piece\nauthor: Ann Writer\n---\n\n"
                       "See [](#figure-2) and [](two.md#a-section){.page}.\n\n"
                       "![A red box](red.png)\n\n/// figure-caption\nA red box.\n///\n\n"
                       "> We act.\n>\n> --- Ann Other, *A Speech*\n\n"
                       "Energy is $E = mc^2$, and\n\n$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}\n$$\n",
    "source/c/two.md": "---\ntitle: The Second Piece\nauthor:\n  - Bo Author\n  - Ann Writer\n---\n\n"
                       "Text.\n\n![A blue box](blue.png)\n\n/// figure-caption\nA blue box.\n///\n\n"
                       "## A section\n\nMore text.\n",
    "source/c/red.png": _png("red"),
    "source/c/blue.png": _png("blue"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("anthology"), FILES)
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub", "pdf"))
    return project, result


@pytest.fixture(scope="module")
def files(built):
    return epub_files(built[0] / "dist" / "c.epub")


def _doc(files, name):
    return etree.fromstring(files[f"EPUB/text/{name}"])


def test_the_anthology_epub_is_valid(built):
    messages = epubcheck(built[0] / "dist" / "c.epub")
    assert messages == [], format_messages(messages)


def test_every_author_of_a_piece_is_a_creator_once(files):
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert [c.text for c in opf.findall(".//dc:creator", NS)] == ["Ann Writer", "Bo Author"]


def test_the_nav_lists_each_piece_with_its_authors_and_sections(files):
    nav = _doc(files, "nav.xhtml")
    toc = nav.find(".//x:nav[@epub:type='toc']/x:ol", NS)
    pieces = toc.findall("x:li", NS)
    assert [p.find("x:a", NS).text for p in pieces] == [
        "The First Piece (Ann Writer)", "The Second Piece (Bo Author, Ann Writer)"]
    assert [a.text for a in pieces[1].findall("x:ol/x:li/x:a", NS)] == ["A section"]


def test_figures_are_numbered_through_the_publication(files):
    one, two = _doc(files, "one.xhtml"), _doc(files, "two.xhtml")
    assert one.find(".//x:figure[@id='figure-1']//x:span[@class='caption-prefix']", NS).text == "Figure 1."
    assert two.find(".//x:figure[@id='figure-2']//x:span[@class='caption-prefix']", NS).text == "Figure 2."


def test_an_empty_link_shows_its_targets_number_or_title(files):
    links = {a.get("href"): a.text for a in _doc(files, "one.xhtml").iter("{%s}a" % NS["x"])}
    assert links["two.xhtml#figure-2"] == "Figure 2"
    assert links["two.xhtml#a-section"] == "A section"


def test_print_cross_reference_gives_the_page_of_its_target(built):
    pages = pdf_text_by_page(built[0] / "dist" / "c.pdf")
    [page_with_ref] = [t for t in pages if "A section, page" in t]
    number = page_with_ref.split("A section, page")[1].split()[0].strip(".")
    target = [i for i, t in enumerate(pages) if "More text." in t]
    assert target, "the section is in the PDF"
    # The folio printed on the target's page is the number the reference gives.
    assert number in [line.strip() for line in pages[target[0]].splitlines()]


def test_a_quotation_keeps_its_attribution_as_a_caption(files):
    figure = _doc(files, "one.xhtml").find(".//x:figure[@class='quote']", NS)
    assert figure.find("x:blockquote/x:p", NS).text == "We act."
    caption = "".join(figure.find("x:figcaption", NS).itertext())
    assert "Ann Other" in caption and caption.strip().startswith("\u2014")


def test_math_is_mathml_in_the_epub_and_a_described_drawing_in_print(built, files):
    maths = _doc(files, "one.xhtml").findall(".//{http://www.w3.org/1998/Math/MathML}math")
    assert [m.get("display") for m in maths] == ["inline", "block"]
    assert maths[0].get("alttext") == "E = mc^2"
    opf = etree.fromstring(files["EPUB/content.opf"])
    item = opf.find(".//opf:item[@href='text/one.xhtml']", NS)
    assert "mathml" in item.get("properties", "").split()
    features = {m.text for m in opf.findall(".//opf:meta[@property='schema:accessibilityFeature']", NS)}
    assert "MathML" in features
    reader = PdfReader(str(built[0] / "dist" / "c.pdf"))
    assert "E = mc^2" in _alt_texts(reader.trailer["/Root"]["/StructTreeRoot"])


def _alt_texts(node) -> list[str]:
    """Every /Alt in the PDF's structure tree: how a formula is read aloud."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, list):
            stack.extend(item)
        elif hasattr(item, "get"):
            if "/Alt" in item:
                found.append(str(item["/Alt"]))
            if "/K" in item:
                stack.append(item["/K"])
    return found
