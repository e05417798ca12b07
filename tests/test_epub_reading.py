"""The EPUB as a reader meets it: a centred title page, a cover whole on any
screen, numbered notes, colours that survive night and sepia themes, the
glossary and index found by their semantics, an article's documents under
its title, and the metadata a catalogue reads.

The pages are drawn with WeasyPrint from the EPUB's own documents and
stylesheet, at a phone's and a tablet's shapes, and read as pixels."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree, html as lxml_html
from PIL import Image

import pipeline
from conftest import NS, epub_files, epubcheck, format_messages, make_project, source_date_epoch
from pipeline.epub import quotes, semantics
from pipeline.model import Chapter
from pipeline.placement import Placement

EPUB_TYPE = "{%s}type" % NS["epub"]

BOOK = {
    "source/b/publication.yaml": (
        "title: A Book of Terms\nsubtitle: With notes, code and tables\ncreator: Ann Writer\n"
        "publisher: A Small Press\nlang: en\ntype: book\n"
        "description: The writers' \"own\" book, and Ann's.\n"
        "contents:\n  - one.md\n  - code.md\n  - table.md\n"
        "  - file: glossary.md\n    role: back\n  - file: index.md\n    role: back\n"
    ),
    "source/b/one.md": (
        "# One\n\nA claim with a note.[^a] And another.[^b]\n\n"
        "[^a]: The first note.\n[^b]: The second note.\n\n    With a second paragraph.\n"
    ),
    # Only a comment: its grey is the one a night theme would hide.
    "source/b/code.md": "# Code\n\n```python\n# a comment in the code\n# and another comment line\n```\n",
    "source/b/table.md": "# Table\n\n| Name | Value |\n|------|-------|\n| a    | 1     |\n| b    | 2     |\n",
    "source/b/glossary.md": "# Glossary\n\nTerm\n:   Its meaning.\n\nOther\n:   Another meaning.\n",
    "source/b/index.md": "# Index\n\n- claim, [1](one.md#one)\n- note, [1](one.md#one)\n",
}

NIGHT = "html, body { background: #121212 !important; color: #e0e0e0 !important; }"
SEPIA = "html, body { background: #f4ecd8 !important; color: #5b4636 !important; }"


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> tuple[Path, Path]:
    """The book's EPUB, and a folder it is unpacked in."""
    project = make_project(tmp_path_factory.mktemp("reading"), BOOK)
    with source_date_epoch():
        pipeline.build(project, formats=("epub",))
    epub = project / "dist" / "b.epub"
    unpacked = project / "unpacked"
    with zipfile.ZipFile(epub) as z:
        z.extractall(unpacked)
    return epub, unpacked / "EPUB"


def _xml(folder: Path, name: str):
    return etree.fromstring((folder / name).read_bytes())


def _draw(document: Path, page: str, theme: str = "", scale: float = 2) -> list[Image.Image]:
    """The document's pages, drawn at ``page`` (a CSS page size) under a
    reading system's theme, as greyscale images."""
    import pypdfium2
    import weasyprint

    sheet = weasyprint.CSS(string=f"@page {{ size: {page}; margin: 0 }} {theme}")
    pdf = pypdfium2.PdfDocument(weasyprint.HTML(filename=str(document)).write_pdf(stylesheets=[sheet]))
    return [pdf[i].render(scale=scale).to_pil().convert("L") for i in range(len(pdf))]


def _ink_rows(image: Image.Image, background: int) -> list[tuple[int, int, int]]:
    """Each row's (y, first and last x) of the pixels that differ from the background."""
    width, height = image.size
    px = image.load()
    rows = []
    for y in range(height):
        xs = [x for x in range(width) if abs(px[x, y] - background) > 40]
        if xs:
            rows.append((y, xs[0], xs[-1]))
    return rows


def _longest_runs(image: Image.Image, background: int) -> list[int]:
    """For each row, the longest unbroken run of pixels that differ from the background."""
    width, height = image.size
    px = image.load()
    out = []
    for y in range(height):
        best = run = 0
        for x in range(width):
            run = run + 1 if abs(px[x, y] - background) > 40 else 0
            best = max(best, run)
        out.append(best)
    return out


def _bands(rows: list[int]) -> list[list[int]]:
    """Consecutive row numbers grouped."""
    bands: list[list[int]] = []
    for y in rows:
        if bands and y == bands[-1][-1] + 1:
            bands[-1].append(y)
        else:
            bands.append([y])
    return bands


# --- metadata and structure ------------------------------------------------


def test_the_book_is_clean_for_epubcheck_and_ace(book):
    from test_epub_accessibility import ace_report, violations

    epub, _ = book
    messages = epubcheck(epub)
    assert messages == [], format_messages(messages)
    report = ace_report(epub, epub.parent / "ace")
    assert violations(report) == []


def test_end_notes_are_numbered_as_their_calls(book):
    _, folder = book
    doc = _xml(folder, "text/one.xhtml")
    calls = {a.get("href").lstrip("#"): a.text for a in doc.iterfind(".//x:a[@class='noteref']", NS)}
    notes = doc.findall(".//x:aside[@role='doc-footnote']", NS)
    assert len(notes) == 2 == len(calls)
    for note in notes:
        [number] = note.findall(".//x:span[@class='note-number']", NS)
        assert number.text == f"{calls[note.get('id')]}."
        # The number opens the note's first paragraph, before its words.
        first = note.find("x:p", NS)
        assert first[0] is number and number.tail.strip().startswith("The ")


def test_the_glossary_and_the_index_carry_their_semantics_and_landmarks(book):
    _, folder = book
    for name, kind in (("glossary", "glossary"), ("index", "index")):
        section = _xml(folder, f"text/{name}.xhtml").find(".//x:body/x:section", NS)
        assert section.get(EPUB_TYPE) == kind and section.get("role") == f"doc-{kind}"
    chapter = _xml(folder, "text/one.xhtml").find(".//x:body/x:section", NS)
    assert chapter.get(EPUB_TYPE) == "chapter"
    nav = _xml(folder, "text/nav.xhtml")
    landmarks = {a.get(EPUB_TYPE): a.get("href") for a in nav.findall(".//x:nav[@epub:type='landmarks']//x:a", NS)}
    assert landmarks["glossary"] == "glossary.xhtml" and landmarks["index"] == "index.xhtml"
    opf = _xml(folder, "content.opf")
    features = {m.text for m in opf.findall(".//opf:meta[@property='schema:accessibilityFeature']", NS)}
    assert "index" in features


def test_the_conformance_claim_names_its_certifier_and_the_description_is_typeset(book):
    _, folder = book
    opf = _xml(folder, "content.opf")
    [claim] = opf.findall(".//opf:meta[@property='dcterms:conformsTo']", NS)
    [certifier] = opf.findall(".//opf:meta[@property='a11y:certifiedBy']", NS)
    assert claim.text.startswith("EPUB Accessibility 1.1") and certifier.text == "A Small Press"
    assert opf.find(".//dc:description", NS).text == "The writers\u2019 \u201cown\u201d book, and Ann\u2019s."


def test_an_articles_documents_bear_the_articles_title(tmp_path):
    project = make_project(
        tmp_path,
        {
            "source/a/a.md": "---\ntitle: The Article\ntype: article\n---\n\n## First section\n\nText.\n\n## Second\n\nMore.\n"
        },
    )
    with source_date_epoch():
        pipeline.build(project, formats=("epub",))
    files = epub_files(project / "dist" / "a.epub")
    titles = {
        name: etree.fromstring(data).findtext(".//x:title", namespaces=NS)
        for name, data in files.items()
        if name.startswith("EPUB/text/") and name not in ("EPUB/text/nav.xhtml", "EPUB/text/colophon.xhtml")
    }
    assert set(titles.values()) == {"The Article"}, titles


# --- pages as drawn --------------------------------------------------------


def test_every_line_of_the_title_page_is_centred(book):
    _, folder = book
    [page] = _draw(folder / "text/titlepage.xhtml", "600px 900px")
    rows = _ink_rows(page, 255)
    lines = _bands([y for y, _, _ in rows])
    assert len(lines) >= 4  # title, subtitle, author, publisher
    spans = {y: (left, right) for y, left, right in rows}
    for line in lines:
        left = min(spans[y][0] for y in line)
        right = max(spans[y][1] for y in line)
        assert abs((left + right) / 2 - page.width / 2) <= 3, f"a line at {line[0]} is off the axis"


@pytest.mark.parametrize("screen", ["600px 1000px", "1000px 600px", "800px 800px"])
def test_the_cover_is_seen_whole_on_any_screen(book, screen):
    _, folder = book
    pages = _draw(folder / "text/cover.xhtml", screen, scale=1)
    assert len(pages) == 1, "the cover runs onto a second screen"
    [page] = pages
    # The generated cover is dark; the screen around it is white.
    left, top, right, bottom = Image.eval(page, lambda v: 255 if v < 200 else 0).getbbox()
    width, height = right - left, bottom - top
    assert abs(width / height - 2 / 3) < 0.02, "the cover is cut or stretched"
    assert abs((left + right) / 2 - page.width / 2) <= 2, "the cover is not centred on the screen"
    assert width >= 0.9 * page.width or height >= 0.9 * page.height, "the cover is smaller than the screen allows"


@pytest.mark.parametrize("theme, background", [(NIGHT, 0x12), (SEPIA, 236)], ids=["night", "sepia"])
def test_code_and_table_rules_survive_reader_themes(book, theme, background):
    _, folder = book
    [code] = _draw(folder / "text/code.xhtml", "600px 900px", theme)
    runs = _longest_runs(code, background)
    # No box of another colour behind the code: nothing but thin rules runs wide.
    wide = _bands([y for y, run in enumerate(runs) if run > 100])
    assert all(len(band) <= 4 for band in wide), "the code sits on a box the theme did not colour"
    # Below the heading (the first band of ink), past the rule at the code's left.
    heading_end = _bands([y for y, run in enumerate(runs) if run > 0])[0][-1]
    rows = [(y, left) for y, left, _ in _ink_rows(code, background) if y > heading_end]
    words_start = min(left for _, left in rows) + 6
    ink = sum(
        1 for y, _ in rows for x in range(words_start, code.width) if abs(code.getpixel((x, y)) - background) > 40
    )
    assert ink > 500, "the code's words vanish into the theme's background"

    [table] = _draw(folder / "text/table.xhtml", "600px 900px", theme)
    runs = _longest_runs(table, background)
    rules = _bands([y for y, run in enumerate(runs) if run > 150])
    assert len(rules) == 3, "a rule of the table (under its head, under each row) vanished"


# --- units -----------------------------------------------------------------


@pytest.mark.fast
@pytest.mark.parametrize(
    "lang, text, expected",
    [
        (
            "en",
            "The users' manual, 'quoted' and \"double\"",
            "The users\u2019 manual, \u2018quoted\u2019 and \u201cdouble\u201d",
        ),
        ("en", "Don't ask about the '90s.", "Don\u2019t ask about the \u201990s."),
        ("de", "Er sagte \"ja\" und 'nein'.", "Er sagte \u201eja\u201c und \u201anein\u2018."),
        ("fr", 'Il dit "oui" : l\'accord.', "Il dit \u00ab\u202foui\u202f\u00bb : l\u2019accord."),
        ("en", "No straight quotes \u2014 as it is.", "No straight quotes \u2014 as it is."),
    ],
)
def test_descriptions_get_the_languages_quotation_marks(lang, text, expected):
    assert quotes.typographic(text, lang) == expected


def _chapter(title: str | None, lang: str = "en", role: str = "back") -> Chapter:
    return Chapter(
        "c", Path("c.md"), lxml_html.fromstring("<div></div>"), title=title, lang=lang, place=Placement(role)
    )


@pytest.mark.fast
@pytest.mark.parametrize(
    "title, lang, expected",
    [
        ("Glossary", "en", "glossary"),
        ("  glossary ", "en-GB", "glossary"),
        ("Index", "en", "index"),
        ("Glossaire", "fr", "glossary"),
        ("Stichwortverzeichnis", "de", "index"),
        ("Índice", "es", None),  # the contents, in Spanish
        ("Índice alfabético", "es", "index"),
        ("A glossary of my own making", "en", None),
        (None, "en", None),
    ],
)
def test_a_glossary_or_an_index_is_known_by_its_title(title, lang, expected):
    assert semantics.kind(_chapter(title, lang)) == expected


@pytest.mark.fast
def test_a_part_is_never_taken_for_an_index():
    assert semantics.kind(_chapter("Index", role="part")) is None
