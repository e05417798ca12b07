"""Book typography in the print edition, measured on the printed pages.

Word positions come from Poppler (``pdftotext -bbox-layout``), links from
the PDF's annotations, rules from a rendering. Checked on the sample article
and, for notes (the article has none), on the long book of test_print.py.
A small publication of its own checks what a character no font has becomes.
"""

from __future__ import annotations

import random
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

import pipeline
from conftest import REPO, SAMPLE, epub_files, make_project, pdf_lines_by_page, source_date_epoch
from test_print import contents_entries, contents_index, heading_page, long_book, sample, sample_pdf  # noqa: F401

XHTML = {"x": "http://www.w3.org/1999/xhtml"}
HYPHENS = ("-", "\u2010", "\u00ad")


@dataclass
class Line:
    words: list[tuple[str, float, float]]  # (text, left, right)
    top: float  # points from the top of the page
    bottom: float
    block: int  # the Poppler block it belongs to, counted over the page

    @property
    def left(self) -> float:
        return self.words[0][1]

    @property
    def right(self) -> float:
        return self.words[-1][2]

    @property
    def text(self) -> str:
        return " ".join(w[0] for w in self.words)


def lines_by_page(path: Path) -> list[list[Line]]:
    """Every printed line of every page, in reading order, with word positions."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True).stdout
    pages = []
    for page in etree.fromstring(out).iterfind(".//x:page", XHTML):
        lines = []
        for number, block in enumerate(page.iterfind(".//x:block", XHTML)):
            for line in block.iterfind("x:line", XHTML):
                words = [(w.text, float(w.get("xMin")), float(w.get("xMax"))) for w in line.iterfind("x:word", XHTML)]
                if words:
                    lines.append(Line(words, float(line.get("yMin")), float(line.get("yMax")), number))
        pages.append(lines)
    return pages


@pytest.fixture(scope="module")
def sample_lines(sample_pdf) -> list[list[Line]]:
    return lines_by_page(sample_pdf)


@pytest.fixture(scope="module")
def body_pages(sample_pdf) -> range:
    """The pages of the article's text, after the title page and the contents."""
    pages = pdf_lines_by_page(sample_pdf)
    return range(contents_index(pages) + 1, len(pages))


def _within_paragraph(lines: list[Line]) -> list[Line]:
    """Lines followed by another line of the same paragraph: same block, same
    size, and the next line not indented (a new paragraph is)."""
    left = min(line.left for line in lines)
    found = []
    for line, after in zip(lines, lines[1:]):
        same_size = abs((line.bottom - line.top) - (after.bottom - after.top)) < 0.5
        if line.block == after.block and same_size and abs(after.left - left) < 0.5 and len(line.words) > 3:
            found.append(line)
    return found


# --- hyphenation and justification ------------------------------------------


def test_text_is_hyphenated_in_the_words_of_the_source(sample_lines, body_pages):
    """A line ends in a hyphen and the next goes on in lower case, and the two
    halves make a word the source writes whole: a break made by hyphenation,
    not a compound's own hyphen."""
    source = (REPO / "source" / SAMPLE / "article.md").read_text(encoding="utf-8")
    words = set(re.findall(r"\w+", source))
    broken = []
    for index in body_pages:
        lines = sample_lines[index]
        for line, after in zip(lines, lines[1:]):
            head, tail = line.words[-1][0], after.words[0][0]
            if head.endswith(HYPHENS) and head[-2:-1].isalpha() and tail[:1].islower():
                whole = re.search(r"\w+$", head[:-1]).group() + re.match(r"\w*", tail).group()
                if whole in words and f"{head[:-1]}-{tail}" not in source:
                    broken.append(whole)
    assert len(broken) >= 10, f"only {broken} are hyphenated across lines"


def test_text_is_justified_to_one_right_edge(sample_lines, body_pages):
    """Every line but a paragraph's last ends at the right edge of the text
    block, on every page (left and right pages have their own edge)."""
    checked = 0
    for index in body_pages:
        inner = _within_paragraph(sample_lines[index])
        if not inner:
            continue
        edge = max(line.right for line in sample_lines[index])
        ragged = [
            f"{line.text[-30:]!r} ends at {line.right:.1f}, the edge is {edge:.1f}"
            for line in inner
            if abs(line.right - edge) > 1.0
        ]
        assert ragged == [], f"page {index + 1}:\n" + "\n".join(ragged)
        checked += len(inner)
    assert checked >= 100, f"only {checked} lines within paragraphs"


# --- the contents page --------------------------------------------------------


@pytest.fixture(scope="module")
def contents(sample_pdf) -> tuple[int, dict[str, str]]:
    pages = pdf_lines_by_page(sample_pdf)
    index = contents_index(pages)
    return index, contents_entries(pages, index)


def _entry_lines(sample_lines, contents) -> dict[str, Line]:
    index, entries = contents
    found = {}
    for line in sample_lines[index]:
        text = re.sub(r"[\s.]+\S+$", "", line.text)
        if text in entries:
            found[text] = line
    assert list(found) == list(entries), f"contents lines: {[line.text for line in sample_lines[index]]}"
    return found


def test_contents_has_dotted_leaders_to_right_aligned_page_numbers(sample_lines, contents):
    lines = _entry_lines(sample_lines, contents)
    assert len(lines) == 5
    for title, line in lines.items():
        title_words = len(title.split())
        dots = line.words[title_words:-1]
        assert len(dots) >= 5 and all(w[0] == "." for w in dots), f"{title!r}: no dotted leader in {line.text!r}"
        gaps = [b[1] - a[1] for a, b in zip(dots, dots[1:])]
        assert max(gaps) - min(gaps) < 0.5, f"{title!r}: the leader's dots are unevenly spaced"
        assert line.words[-1][1] - dots[-1][2] < 12, f"{title!r}: the leader stops short of its page number"
        assert line.words[-1][0] == contents[1][title]
    rights = {round(line.right, 1) for line in lines.values()}
    assert max(rights) - min(rights) < 0.5, f"the page numbers are not aligned: {rights}"


def test_contents_entries_are_links_to_their_headings(sample_pdf, sample_lines, contents):
    """Each entry is clickable from its first word: internal links (never
    URIs), and every link over an entry's line goes to the page where that
    heading is printed."""
    index, entries = contents
    reader = PdfReader(str(sample_pdf))
    height = float(reader.pages[index].mediabox.height)
    pages = pdf_lines_by_page(sample_pdf)
    named = reader.named_destinations
    links = [a.get_object() for a in reader.pages[index].get("/Annots") or []]
    links = [a for a in links if a.get("/Subtype") == "/Link"]
    assert links and all("/Dest" in a and "/A" not in a for a in links), "contents links must be internal"
    lines = _entry_lines(sample_lines, contents)
    clickable = set()
    for link in links:
        x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
        middles = {t: height - (line.top + line.bottom) / 2 for t, line in lines.items()}  # PDF y runs up
        [title] = [t for t, y in middles.items() if min(y0, y1) <= y <= max(y0, y1)]
        page = reader.get_destination_page_number(named[str(link["/Dest"])])
        assert page == heading_page(pages, title, index), f"a link on {title!r} goes to page {page + 1}"
        if min(x0, x1) <= lines[title].left + 1 and max(x0, x1) >= lines[title].right - 1:
            clickable.add(title)
    assert clickable == set(entries), f"entries not clickable from title to number: {set(entries) - clickable}"
    assert len({str(a["/Dest"]) for a in links}) == len(entries)


# --- notes ---------------------------------------------------------------------

DPI = 150


def _rules(path: Path, index: int) -> list[tuple[float, float, float]]:
    """(top, left, length) in points of each horizontal rule drawn on a page:
    an unbroken dark run of pixels at least half an inch long."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(DPI),
                "-gray",
                "-png",
                "-f",
                str(index + 1),
                "-l",
                str(index + 1),
                str(path),
                f"{tmp}/p",
            ],
            check=True,
        )
        image = Image.open(next(Path(tmp).glob("p-*.png"))).convert("L")
    pixels, found = image.load(), []
    for y in range(image.height):
        run = 0
        for x in range(image.width + 1):
            if x < image.width and pixels[x, y] < 200:
                run += 1
                continue
            if run >= DPI // 2:
                found.append((y * 72 / DPI, (x - run) * 72 / DPI, run * 72 / DPI))
            run = 0
    return found


def test_a_rule_separates_the_notes_from_the_text(long_book):
    """On a page with notes a short rule (1 in) stands at the text's left
    edge, between the last line of text and the first note; a page of text
    without notes has none."""
    path = long_book[0]
    pages = lines_by_page(path)
    with_notes = [i for i, lines in enumerate(pages) if any("begins here" in line.text for line in lines)]
    assert with_notes, "the long book has no page with notes"
    index = with_notes[0]
    lines = pages[index]
    first_note = next(i for i, line in enumerate(lines) if "begins here" in line.text)
    rules = [r for r in _rules(path, index) if 60 < r[2] < 84]
    assert rules, f"page {index + 1} has notes but no separator rule"
    top, left, _ = rules[0]
    assert lines[first_note - 1].bottom <= top <= lines[first_note].top, (
        f"the rule at {top:.1f} pt is not between the text and the notes"
    )
    assert abs(left - min(line.left for line in lines)) < 2, "the rule does not start at the text's edge"
    plain = next(i for i in range(index + 1, len(pages)) if i not in with_notes and len(pages[i]) > 20)
    assert [r for r in _rules(path, plain) if 60 < r[2] < 84] == [], f"page {plain + 1} has no notes but a rule"


# --- no blank boxes ------------------------------------------------------------

GLYPHS_SOURCE = (
    "---\ntitle: Glyphs\nlang: en\n---\n\nPlain text.\n\nThe sign \u2603 is in no font.\n\n```\ncode = '\u6f22'\n```\n"
)


def test_a_character_no_font_has_prints_as_a_replacement_character(tmp_path):
    """Reported by name, code point and place; printed as U+FFFD, visible,
    where a font would have drawn it; kept as itself in the EPUB."""
    project = make_project(tmp_path, {"source/glyphs/article.md": GLYPHS_SOURCE})
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub", "pdf"))
    messages = [str(d) for d in result.diagnostics]
    assert any(
        "source/glyphs/article.md:8:10: warning:" in m and "U+2603 SNOWMAN" in m and "U+FFFD REPLACEMENT CHARACTER" in m
        for m in messages
    ), messages
    assert any(":11:9: warning:" in m and "U+6F22 CJK UNIFIED IDEOGRAPH-6F22" in m for m in messages), messages
    text = subprocess.run(
        ["pdftotext", str(project / "dist" / "glyphs.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "The sign \ufffd is in no font." in text
    assert "code = '\ufffd'" in text
    assert "\u2603" not in text and "\u6f22" not in text
    files = epub_files(project / "dist" / "glyphs.epub")
    chapter = next(data.decode() for name, data in files.items() if "The sign" in data.decode(errors="ignore"))
    assert "The sign \u2603 is in no font." in chapter and "\u6f22" in chapter and "\ufffd" not in chapter


def test_a_character_no_font_has_in_the_metadata_or_a_pieces_head_prints_as_a_replacement_character(tmp_path):
    """The title page, the imprint, the contents, a piece's head and the
    running heads show U+FFFD; the PDF's own metadata keeps the character."""
    project = make_project(
        tmp_path,
        {
            "source/c/publication.yaml": "title: Snow \u2603 Book\nlang: en\ntype: collection\n"
            "publisher: The \u2603 Press\ncontents:\n  - one.md\n",
            "source/c/one.md": "---\ntitle: A piece \u2603\nauthor: Ann Author\n---\n\nSome text of the piece.\n",
        },
    )
    with source_date_epoch():
        result = pipeline.build(project, formats=("pdf",))
    messages = [str(d) for d in result.diagnostics]
    assert any(
        m.startswith("source/c/publication.yaml:1:13: warning:")
        and "U+2603 SNOWMAN" in m
        and "U+FFFD REPLACEMENT CHARACTER" in m
        for m in messages
    ), messages
    assert any(m.startswith("source/c/one.md:2:16: warning:") for m in messages), messages
    pdf = project / "dist" / "c.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "\u2603" not in text
    for shown in ("Snow \ufffd Book", "The \ufffd Press", "A piece \ufffd"):
        assert shown in text, f"{shown!r} is not printed: {text}"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Snow \u2603 Book" in info


def test_characters_no_font_has_first_met_on_one_line_make_one_warning(tmp_path):
    """A word in a script the fonts lack is one warning, not one per letter."""
    project = make_project(
        tmp_path,
        {
            "source/hello/article.md": "---\ntitle: Greetings\n---\n\nIn Hindi: नमस्ते, and again नमस्ते.\n\nA snowman: \u2603.\n"
        },
    )
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub",))
    messages = [str(d) for d in result.diagnostics]
    assert len(messages) == 2, messages
    assert messages[0].startswith(
        "source/hello/article.md:5:11: warning: no committed font has 6 characters "
        "first met here, नमस्ते (U+0928, U+092E, U+0938, U+094D, ...)"
    ), messages
    assert "U+2603 SNOWMAN" in messages[1]


def test_compose_false_in_the_metadata_breaks_lines_one_by_one(tmp_path):
    """print: compose: false lays the text out once, greedily: its loose
    lines stay, where the composed edition has none."""
    from pipeline.preflight import measure

    from test_linebreak import WORDS

    rng = random.Random(7)
    text = "\n\n".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 110))).capitalize() + "." for _ in range(14)
    )
    loose = {}
    for compose in (True, False):
        meta = f"---\ntitle: Composed\nlang: en\nprint:\n  compose: {str(compose).lower()}\n---\n\n"
        project = make_project(tmp_path / str(compose), {"source/a/a.md": meta + text + "\n"})
        with source_date_epoch():
            result = pipeline.build(project, ["a"], formats=("pdf",), out_dir=project / "dist")
        assert not result.failed, result.failed
        loose[compose] = len(measure(project / "dist" / "a.pdf").loose_lines())
    assert loose[False] > 0, "the greedy layout of this text has loose lines"
    assert loose[True] < loose[False]
