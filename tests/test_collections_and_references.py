"""Collections, numbered figures, cross-references, quotations and math, in both editions."""

from __future__ import annotations

import io
import re

import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

import pipeline
from conftest import (
    NS,
    epub_files,
    epubcheck,
    format_messages,
    make_project,
    pdf_lines_by_page,
    pdf_text_by_page,
    printed_folio,
    source_date_epoch,
)
from test_epub_accessibility import ace_report, violations


def _png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), colour).save(out, "PNG")
    return out.getvalue()


def _filler(piece: str, count: int) -> str:
    """Paragraphs enough to run a piece over several pages, each saying whose it is."""
    return "".join(
        f"\n\nParagraph {n} of {piece} goes on for a while, so that the piece runs over "
        "pages of its own and shows its title in the running head of each right-hand one."
        for n in range(1, count + 1)
    )


FILES = {
    "source/c/publication.yaml": "title: An Anthology\nlang: en\ntype: collection\npublisher: A Press\n"
    "contents:\n  - one.md\n  - two.md\n",
    "source/c/one.md": "---\ntitle: The First Piece\nsubtitle: Notes on a Strike\nauthor: Ann Writer\n"
    "date: 2024-03-01\n---\n\n"
    "See [](#figure-2) and [](two.md#a-section){.page}.\n\n"
    "![A red box](red.png)\n\n/// figure-caption\nA red box.\n///\n\n"
    "> We act.\n>\n> --- Ann Other, *A Speech*\n\n"
    "Energy is $E = mc^2$, and\n\n$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}\n$$\n"
    + _filler("the first piece", 40)
    + "\n",
    "source/c/two.md": "---\ntitle: The Second Piece\nauthor:\n  - Bo Author\n  - Ann Writer\ndate: 2024-04\n---\n\n"
    "Text.\n\n![A blue box](blue.png)\n\n/// figure-caption\nA blue box.\n///\n\n"
    "## A section\n\nMore text.\n" + _filler("the second piece", 40) + "\n",
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


def test_the_anthology_passes_ace(built, tmp_path):
    report = ace_report(built[0] / "dist" / "c.epub", tmp_path / "ace")
    assert violations(report) == []


def test_every_author_of_a_piece_is_a_creator_once_in_both_editions(built, files):
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert [c.text for c in opf.findall(".//dc:creator", NS)] == ["Ann Writer", "Bo Author"]
    reader = PdfReader(str(built[0] / "dist" / "c.pdf"))
    assert reader.metadata["/Author"] == "Ann Writer, Bo Author"
    assert reader.xmp_metadata.dc_creator == ["Ann Writer", "Bo Author"]
    # The bookmarks: each piece by its title, its sections under it.
    titles = [[i.title for i in item] if isinstance(item, list) else item.title for item in reader.outline]
    assert titles == ["The First Piece", "The Second Piece", ["A section"]]


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def test_the_nav_lists_each_piece_with_its_subtitle_authors_date_and_sections(files):
    nav = _doc(files, "nav.xhtml")
    toc = nav.find(".//x:nav[@epub:type='toc']/x:ol", NS)
    pieces = toc.findall("x:li", NS)
    assert [_text(p.find("x:a", NS)) for p in pieces] == [
        "The First Piece: Notes on a Strike (Ann Writer, March 1, 2024)",
        "The Second Piece (Bo Author, Ann Writer, April 2024)",
    ]
    assert [a.text for a in pieces[1].findall("x:ol/x:li/x:a", NS)] == ["A section"]
    first = pieces[0].find("x:a", NS)
    assert first.find("x:span[@class='toc-subtitle']", NS) is not None
    assert [t.get("datetime") for t in toc.iter("{%s}time" % NS["x"])] == ["2024-03-01", "2024-04"]


def test_each_nav_entry_is_one_link_then_at_most_one_list(files):
    # EPUB 3 (nav element restrictions): an <li> of the toc holds one <a> or
    # <span>, then optionally one <ol>; what a piece adds goes inside the <a>.
    toc = _doc(files, "nav.xhtml").find(".//x:nav[@epub:type='toc']", NS)
    for li in toc.iter("{%s}li" % NS["x"]):
        tags = [etree.QName(child).localname for child in li]
        assert tags in (["a"], ["a", "ol"]), etree.tostring(li)[:200]
        assert not (li.text or "").strip()


def test_each_piece_opens_with_its_subtitle_and_a_byline_with_its_date(files):
    head = _doc(files, "one.xhtml").find(".//x:header[@class='chapter-head']", NS)
    assert [_text(el) for el in head] == ["The First Piece", "Notes on a Strike", "Ann Writer, March 1, 2024"]
    assert head.find("x:p[@class='byline']/x:time", NS).get("datetime") == "2024-03-01"
    head = _doc(files, "two.xhtml").find(".//x:header[@class='chapter-head']", NS)
    assert [_text(el) for el in head] == ["The Second Piece", "Bo Author, Ann Writer, April 2024"]


def test_print_contents_give_each_piece_its_subtitle_byline_date_and_page(built):
    pages = pdf_lines_by_page(built[0] / "dist" / "c.pdf")
    [contents] = [lines for lines in pages if lines and lines[0] == "Contents"]
    first = contents.index(next(line for line in contents if line.startswith("The First Piece")))
    # The subtitle follows the title on the entry's line, the page after the leader;
    # the authors and date are the line under it.
    title_line, byline = contents[first], contents[first + 1]
    assert title_line.startswith("The First Piece: Notes on a Strike . .")
    assert byline == "Ann Writer, March 1, 2024"
    opening = [
        i
        for i, lines in enumerate(pages)
        if lines[:3] == ["The First Piece", "Notes on a Strike", "Ann Writer, March 1, 2024"]
    ]
    assert len(opening) == 1, "the piece opens with its title, subtitle and byline in print"
    assert title_line.split()[-1] == str(printed_folio(pages[opening[0]]))
    second = contents.index(next(line for line in contents if line.startswith("The Second Piece")))
    assert re.fullmatch(r"The Second Piece[ .]+\d+", contents[second])
    assert contents[second + 1] == "Bo Author, Ann Writer, April 2024"


def test_right_hand_running_heads_show_each_pieces_title(built):
    # A left-hand page's running head is the collection's title, a right-hand
    # one's the title of the piece on it; a piece's opening page has none.
    pages = pdf_lines_by_page(built[0] / "dist" / "c.pdf")
    seen = set()
    for lines in pages:
        piece = next((p for p in ("first", "second") if any(f"of the {p} piece" in line for line in lines)), None)
        folio = printed_folio(lines)
        if piece is None or folio is None or lines[0].startswith("The "):
            continue
        head = lines[-2]  # pypdf gives the running head last, before the folio
        expected = "An Anthology" if folio % 2 == 0 else f"The {piece.title()} Piece"
        assert head == expected, f"page {folio}: {head!r}"
        seen.add((piece, folio % 2))
    assert seen == {("first", 0), ("first", 1), ("second", 0), ("second", 1)}


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


@pytest.mark.fast
@pytest.mark.parametrize(
    "date, lang, shown",
    [
        ("2020-08-18", "en", "August 18, 2020"),
        ("2020-08-18", "en-GB", "18 August 2020"),
        ("2020-08-18", "de", "18. August 2020"),
        ("2020-08", "fr", "août 2020"),
        ("2020", "en", "2020"),
        ("2020-08-18", "zxx", "2020-08-18"),
    ],
)
def test_dates_are_shown_in_words_in_the_language_of_the_text(date, lang, shown):
    """Year, month or day as the metadata gives it; as written when the
    language has no locale data (zxx: no linguistic content)."""
    from pipeline.dates import in_words

    assert in_words(date, lang) == shown


def test_a_piece_in_another_language_writes_its_date_in_that_language(tmp_path):
    project = make_project(
        tmp_path,
        {
            "source/c/publication.yaml": "title: Mixed\nlang: en\ntype: collection\ncontents: [one.md]\n",
            "source/c/one.md": "---\ntitle: Ein Stück\nlang: de\nauthor: Eva Autorin\ndate: 2021-03-05\n---\n\nText.\n",
        },
    )
    with source_date_epoch():
        pipeline.build(project, formats=("epub",))
    head = _doc(epub_files(project / "dist" / "c.epub"), "one.xhtml").find(".//x:p[@class='byline']", NS)
    assert _text(head) == "Eva Autorin, 5. März 2021"
