"""Cross-references print their target's page, the EPUB keeps the link; the
PDF's page labels are the folios its pages print.

A book of two parts and three chapters (set in parts, as any book of
several chapters is) links from one chapter to a heading, a figure, a table
and a note of another; each printed page number must be the folio printed on
the page where the target stands, whole and in parts alike.
"""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from lxml import etree
from lxml import html as lxml_html
from PIL import Image
from pypdf import PdfReader

import pipeline
from conftest import NS, REPO, epub_files, make_project, pdf_lines_by_page, printed_folio, source_date_epoch
from pipeline.errors import Diagnostics
from pipeline.pdf import crossrefs, pagelabels, parts, render, typeset
from pipeline.run.task import Task
from pipeline.run.work import read


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 400), "red").save(out, "PNG")
    return out.getvalue()


def _filler(piece: str, count: int) -> str:
    return "\n\n".join(
        f"Paragraph {n} of {piece} runs on for a while, so that the chapter fills several pages of its own."
        for n in range(count)
    )


FILES = {
    "source/b/publication.yaml": "title: A Book of References\nauthor: Test Author\nlang: en\ndate: 2024-01-01\n"
    "contents:\n  - part: Part One\n    contents:\n      - one.md\n      - two.md\n"
    "  - part: Part Two\n    contents:\n      - three.md\n",
    "source/b/one.md": "# One\n\nSee [](two.md#the-strike), [](two.md#figure-1), [](two.md#table-1) and "
    "[](two.md#fn:wage). Also [the strike again](two.md#the-strike){.nopage}.\n\n"
    "## About [the strike](two.md#the-strike)\n\n" + _filler("one", 30) + "\n",
    "source/b/two.md": "# Two\n\n" + _filler("two", 25) + "\n\n## The strike\n\nA claim.[^wage]\n\n"
    "![A box](box.png)\n\n/// figure-caption\nA box.\n///\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n"
    "/// table-caption\nNumbers.\n///\n\n[^wage]: The note on wages.\n",
    "source/b/three.md": "# Three\n\nBack to [](one.md).\n\n" + _filler("three", 10) + "\n",
    "source/b/box.png": _png(),
}
# The text each reference prints before its page, and the named destination of its target.
REFERENCES = {
    "The strike": "the-strike",
    "Figure 1": "figure-1",
    "Table 1": "table-1",
    "note 1": "fn-wage",
    "One": "one",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("xrefs"), FILES)
    with source_date_epoch():
        pipeline.build(project)
    return project


def _printed_pages(data: bytes, words: str) -> dict[str, int]:
    """The page number printed after each reference's text: "Figure 1, page 9"."""
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
    found = {}
    for words_before in REFERENCES:
        match = re.search(rf"\b{re.escape(words_before)}, {words}\s(\d+)", text)
        assert match, f"no page printed after {words_before!r}"
        found[words_before] = int(match.group(1))
    return found


def _destination_pages(data: bytes) -> dict[str, int]:
    """The index of the page of each named destination."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        index = {page.objgen: n for n, page in enumerate(pdf.pages)}
        names = pdf.Root.Names.Dests.Names
        return {str(name): index[dest[0].objgen] for name, dest in zip(names[::2], names[1::2])}


def test_each_reference_prints_the_folio_of_the_page_its_target_stands_on(built):
    pdf = built / "dist" / "b.pdf"
    lines = pdf_lines_by_page(pdf)
    dests = _destination_pages(pdf.read_bytes())
    for words, page in _printed_pages(pdf.read_bytes(), "page").items():
        target = dests[REFERENCES[words]]
        assert printed_folio(lines[target]) == page, (words, target)


def test_a_reference_opted_out_or_inside_a_heading_prints_no_page(built):
    text = " ".join(" ".join(lines) for lines in pdf_lines_by_page(built / "dist" / "b.pdf"))
    assert "the strike again." in text and "the strike again, page" not in text
    assert "About the strike" in text and "About the strike, page" not in text


def test_the_epub_keeps_the_link_alone(built):
    doc = etree.fromstring(epub_files(built / "dist" / "b.epub")["EPUB/text/one.xhtml"])
    links = {"".join(a.itertext()): a.get("href") for a in doc.iter(f"{{{NS['x']}}}a")}
    assert {words: links.get(words) for words in ("The strike", "Figure 1", "Table 1", "note 1")} == {
        "The strike": "two.xhtml#the-strike",
        "Figure 1": "two.xhtml#figure-1",
        "Table 1": "two.xhtml#table-1",
        "note 1": "two.xhtml#fn-wage",
    }
    assert not re.search(r"page\s*\d", "".join(doc.find(f".//{{{NS['x']}}}body", NS).itertext()))


@pytest.mark.parametrize("name", ["b.pdf", "b.archival.pdf"])
def test_the_page_labels_are_the_printed_folios(built, name):
    pdf = built / "dist" / name
    labels = PdfReader(pdf).page_labels
    lines = pdf_lines_by_page(pdf)
    printed = {n: lines[n][-1] for n in range(len(lines)) if lines[n] and re.fullmatch(r"\d+|[ivx]+", lines[n][-1])}
    assert {"v", "3", "4", "5"} <= set(printed.values())
    assert {n: labels[n] for n in printed} == printed
    first_chapter = _destination_pages(pdf.read_bytes())["part-1"]
    assert labels[:first_chapter] == ["i", "ii", "iii", "iv", "v", "vi"][:first_chapter]
    assert labels[first_chapter:] == [str(n) for n in range(1, len(labels) - first_chapter + 1)]


def test_a_part_title_page_prints_neither_folio_nor_running_head_but_counts(built):
    pdf = built / "dist" / "b.pdf"
    lines = pdf_lines_by_page(pdf)
    dests = _destination_pages(pdf.read_bytes())
    for part, title in (("part-1", "Part One"), ("part-2", "Part Two")):
        assert [line.strip() for line in lines[dests[part]]] == [title]
    # The book opens with a part: its title page is page 1, unprinted.
    labels = PdfReader(pdf).page_labels
    assert labels[dests["part-1"]] == "1" and printed_folio(lines[dests["one"]]) == 3


def test_whole_and_in_parts_the_references_and_labels_are_the_same(built, monkeypatch):
    diags = Diagnostics(root=built)
    pub = read(Task(built, built / "source" / "b", ("pdf",)), diags)
    assert pub is not None and not diags.errors
    with source_date_epoch():
        in_parts = render(pub, built)
        monkeypatch.setattr(parts, "splits", lambda pub: False)
        whole = render(pub, built)
    assert _printed_pages(in_parts.pdf, "page") == _printed_pages(whole.pdf, "page")
    assert PdfReader(io.BytesIO(in_parts.pdf)).page_labels == PdfReader(io.BytesIO(whole.pdf)).page_labels
    assert in_parts.folios == whole.folios


def _referring(title: str, lang: str, chapter: str, see: str, filler: str, heading: str) -> dict[str, str]:
    """A one-chapter publication whose first line refers to a section some pages on."""
    target = heading.lower().replace(" ", "-")
    return {
        "source/d/publication.yaml": f"title: {title}\nauthor: A\nlang: {lang}\ndate: 2024-01-01\n",
        "source/d/text.md": f"# {chapter}\n\n{see} [](#{target}).\n\n"
        + _filler(filler, 40)
        + f"\n\n## {heading}\n\nText.\n",
    }


@pytest.mark.parametrize("named", [crossrefs.NAMED, 0])
def test_the_word_for_page_is_the_texts_language(tmp_path, monkeypatch, named):
    # named 0: a document of more references than its layout counts itself, numbered from a first layout.
    monkeypatch.setattr(crossrefs, "NAMED", named)
    project = make_project(tmp_path, _referring("Ein Buch", "de", "Kapitel", "Siehe", "eins", "Der Streik"))
    with source_date_epoch():
        pipeline.build(project, formats=("pdf",))
    lines = pdf_lines_by_page(project / "dist" / "d.pdf")
    text = " ".join(" ".join(page) for page in lines)
    printed = re.search(r"Siehe Der Streik, Seite\s(\d+)\.", text)
    assert printed
    target = next(n for n, page in enumerate(lines) if "Der Streik" in page)
    reference = next(n for n, page in enumerate(lines) if "Siehe Der Streik," in " ".join(page))
    assert target > reference and printed_folio(lines[target]) == int(printed.group(1))


def test_the_manuals_glossary_sends_the_reader_to_a_page(tmp_path):
    with source_date_epoch():
        pipeline.build(REPO, ["pressroom-manual"], out_dir=tmp_path, formats=("pdf",))
    lines = pdf_lines_by_page(tmp_path / "pressroom-manual.pdf")
    heading = next(n for n, page in enumerate(lines) if "Accessibility" in page and printed_folio(page))
    text = " ".join(" ".join(page) for page in lines)
    assert re.search(rf"See accessibility, page\s{printed_folio(lines[heading])}\.", text)
    # Nearly every internal link of the manual prints a page (two of 64 did).
    assert len(re.findall(r", page\s\d+", text)) >= 55


@pytest.mark.fast
def test_links_marked_for_a_page_and_those_left_alone():
    body = lxml_html.fragment_fromstring(
        '<p><a href="#h">heading</a> <a href="#fig">Figure 1</a> <a href="#fn" class="noteref">1</a>'
        ' <a href="#h" class="nopage">again</a> <a href="#gone">nowhere</a> <a href="https://example.org/#h">web</a>'
        ' <a href="#fig"><img src="x.png" alt=""></a> <a href="#note">note 2</a></p>'
        '<h2><a href="#h">in a heading</a> <a href="#fig" class="page-ref">asked for</a></h2>',
        create_parent="div",
    )
    crossrefs.mark(body, {"h", "fig", "fn", "note"}, "Seite")
    marked = [
        (a.text_content(), a.get("data-page-word")) for a in body.iter("a") if "page-ref" in (a.get("class") or "")
    ]
    assert marked == [("heading", "Seite"), ("Figure 1", "Seite"), ("note 2", "Seite"), ("asked for", "Seite")]


@pytest.mark.fast
@pytest.mark.parametrize(
    "folios, expected",
    [
        # Display pages, roman contents, a blank, then arabic from 1.
        (["", "", "", "", "v", "", "1", "2", "", "4"], [(0, "r", 1), (6, "D", 1)]),
        # An article numbered from its first page, which prints none.
        (["", "2", "3"], [(0, "D", 1)]),
        # A book opening with a part whose title page prints no folio.
        (["", "", "iii", "", "", "", "3", "4"], [(0, "r", 1), (4, "D", 1)]),
        # Upper-case roman, and numbering that jumps.
        (["I", "II", "1", "2", "10", "11"], [(0, "R", 1), (2, "D", 1), (4, "D", 10)]),
        (["", "", ""], []),
        (["", "A-1", "xiv"], [(0, "r", 12)]),
    ],
)
def test_page_label_ranges_follow_the_printed_folios(folios, expected):
    assert pagelabels.ranges(folios) == expected


@pytest.mark.fast
def test_the_labels_written_give_each_page_its_folio():
    import pydyf

    pdf = pydyf.PDF()
    for _ in range(5):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page", "MediaBox": pydyf.Array([0, 0, 10, 10])}))
    pagelabels.write(pdf, ["", "ii", "", "1", "2"])
    out = io.BytesIO()
    pdf.write(out)
    assert PdfReader(io.BytesIO(out.getvalue())).page_labels == ["i", "ii", "iii", "1", "2"]


@pytest.mark.parametrize("printed, wrong", [("7", True), ("3", False)])
@pytest.mark.parametrize("where", ["reference", "contents"])
def test_a_whole_document_knows_when_a_reference_printed_the_wrong_page(printed, wrong, where):
    from weasyprint import HTML

    link = f'<a class="page-ref" href="#x" data-page="{printed}">a long reference</a>'
    if where == "contents":
        link = f'<nav class="toc"><a href="#x" data-page="{printed}">X</a></nav>'
    html = (
        "<style>a[data-page]::after { content: ', page\\00A0' attr(data-page); } p, nav { break-after: page; }</style>"
        f'<p>{link}</p><p>b</p><h1 id="x">X</h1>'
    )
    document = HTML(string=html).render()
    assert crossrefs.printed(document) == [("x", printed)]
    assert crossrefs.wrong(document, {"x": 3}) is wrong


def test_a_whole_document_made_up_before_its_numbers_were_known_is_laid_out_again_with_them(tmp_path, monkeypatch):
    # The first layout says its pages were made up on numbers still to
    # change (pageloop.Runs): the next is given every number from the first.
    project = make_project(tmp_path, _referring("A Book", "en", "Chapter", "See", "one", "The Strike"))
    real, sources = typeset.lay_out, []

    def lay_out(setting, source, on_page=None):
        laid = real(setting, lambda flowing: sources.append(source(flowing)) or sources[-1], on_page)
        laid.settled = len(sources) > 1
        return laid

    monkeypatch.setattr(typeset, "lay_out", lay_out)
    diags = Diagnostics(root=project)
    pub = read(Task(project, project / "source" / "d", ("pdf",)), diags)
    assert pub is not None and not diags.errors
    with source_date_epoch():
        render(pub, project)
    assert len(sources) == 2
    assert 'data-page="' not in sources[0].split("<body")[1]
    assert re.search(r'<a [^>]*class="page-ref"[^>]*data-page="\d+"', sources[1])


@pytest.mark.fast
def test_each_page_counts_as_its_label_printed_or_not():
    assert pagelabels.numbers(["", "", "iii", "", "1", "", "3"]) == [1, 2, 3, 4, 1, 2, 3]
    assert pagelabels.numbers(["", ""]) == [1, 2]
