"""The print edition as a printer and a reader see it: book structure, page
numbers, running heads, notes, fonts, tagging, trim sizes, bleed and PDF/X.

Checked on the repository's sample article and on a long book made here
(three chapters of several pages each, with many notes, figures, a wide
table and a long code line). Every page number is read from the PDF as
printed, so front matter in roman and the body from 1 are both checked.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

import pipeline
from conftest import REPO, SAMPLE, make_project, pdf_lines_by_page, source_date_epoch

MM = 72 / 25.4  # PDF points per millimetre
ROMAN = re.compile(r"[ivxlc]+")
ARABIC = re.compile(r"\d+")

# --- a long book -------------------------------------------------------------

SLUG = "long-book"
TITLE = "The Long Test Book"
CHAPTERS = [
    ("The First Chapter", ["Origins", "Early Years"]),
    ("The Second Chapter", ["Tables and Figures", "Code"]),
    ("The Third Chapter", ["Consequences", "A Last Word"]),
]
NOTES_PER_SECTION = 3
WORDS = (
    "the press and the printer set every line of the book in one even colour while readers "
    "turn pages without noticing how margins frame the text block or how notes sit at the foot "
    "of each page that calls them although a careless layout would leave them stranded far away "
    "from their calls and make every reference a small hunt through the volume"
).split()


def _prose(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(9, 22))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def _png(colour: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _chapter(number: int, title: str, sections: list[str], notes: list[int]) -> str:
    rng = random.Random(number)
    parts = [f"# {title}\n", _prose(rng, 6) + "\n"]
    for s, section in enumerate(sections):
        parts.append(f"## {section}\n")
        for paragraph in range(4):
            text = _prose(rng, 5)
            if paragraph < NOTES_PER_SECTION:
                n = len(notes) + 1
                notes.append(n)
                # A no-break space keeps each call's words on one line.
                text += f" So says claim\u00a0{number}.{n}.[^{n}]"
            parts.append(text + "\n")
        if title == "The Second Chapter" and s == 0:
            parts.append(
                "| Quantity | Measured value | Uncertainty | Instrument | Remarks on the method |\n"
                "|---|---|---|---|---|\n"
                + "".join(
                    f"| q{i} | {i * 1.5:.2f} | 0.{i} | gauge{i} | "
                    f"calibrated_against_reference_standard_{i}_before_every_run |\n"
                    for i in range(8)
                )
                + "\n"
            )
            parts.append(
                "![A tall grey block standing for a chart](tall.png)\n\n/// caption\n"
                "A chart taller than the page\n///\n"
            )
            parts.append("![A wide blue band standing for a panorama](wide.png)\n")
        if title == "The Second Chapter" and s == 1:
            parts.append(
                "```python\nresult = compute("
                + ", ".join(f"argument_{i}" for i in range(30))
                + ")\nunbroken = '"
                + "x" * 160
                + "'\n```\n"
            )
    rng2 = random.Random(number * 10)
    for n in notes[-NOTES_PER_SECTION * len(sections) :]:
        long_note = n % 4 == 0
        parts.append(f"[^{n}]: Note\u00a0{number}.{n} begins here. " + _prose(rng2, 4 if long_note else 1) + "\n")
    return "\n".join(parts)


def long_book_files(extra_metadata: str = "") -> dict:
    folder = f"source/{SLUG}"
    files = {
        f"{folder}/publication.yaml": (
            f"title: {TITLE}\nsubtitle: Made by the print tests\nauthor: Ada Q. Lovelace\nlang: en-GB\n"
            "identifier: 978-3-16-148410-0\npublisher: Pressroom Test Press\ndate: 2024-03-15\n"
            "rights: Copyright 2024 Ada Q. Lovelace. All rights reserved.\n"
            "contents: [one.md, two.md, three.md]\n" + extra_metadata
        ),
        f"{folder}/tall.png": _png("grey", (300, 2000)),
        f"{folder}/wide.png": _png("blue", (2400, 300)),
    }
    for number, (name, (title, sections)) in enumerate(zip(("one", "two", "three"), CHAPTERS), 1):
        files[f"{folder}/{name}.md"] = _chapter(number, title, sections, [])
    return files


def _build(tmp_path_factory, name: str, files: dict, formats=("pdf",)) -> tuple[Path, pipeline.BuildResult]:
    project = make_project(tmp_path_factory.mktemp(name), files)
    with source_date_epoch():
        result = pipeline.build(project, formats=formats)
    return project, result


@pytest.fixture(scope="module")
def long_book(tmp_path_factory):
    project, result = _build(tmp_path_factory, "long-book", long_book_files())
    return project / "dist" / f"{SLUG}.pdf", result


@pytest.fixture(scope="module")
def press_book(tmp_path_factory):
    files = long_book_files("print: {trim: us-trade, bleed: true, pdfx: true}\n")
    project, result = _build(tmp_path_factory, "press-book", files)
    return project, project / "dist" / f"{SLUG}.pdf"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The repository's sample article, its print edition alone."""
    out = tmp_path_factory.mktemp("sample-print")
    with source_date_epoch():
        result = pipeline.build(REPO, [SAMPLE], out_dir=out, formats=("pdf",))
    return out / f"{SAMPLE}.pdf", result


@pytest.fixture(scope="module")
def sample_pdf(sample) -> Path:
    return sample[0]


# --- reading a printed page --------------------------------------------------


def folio(lines: list[str]) -> str | None:
    """The page number printed at the foot (the last line), arabic or roman."""
    if lines and (ARABIC.fullmatch(lines[-1]) or ROMAN.fullmatch(lines[-1])):
        return lines[-1]
    return None


def margin_texts(path: Path) -> list[tuple[str | None, str | None]]:
    """(running head, folio) of each page: the text above and below the text
    block, found by position (margins as pagesize.py sets them)."""
    found = []
    for page in PdfReader(str(path)).pages:
        trim = page.trimbox
        top = float(trim.top) - 0.085 * float(trim.height)
        bottom = float(trim.bottom) + 0.11 * float(trim.height)
        head, foot = [], []

        def visit(text, cm, tm, font, size):
            if text.strip():
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                (head if y > top else foot if y < bottom else []).append(text.strip())

        page.extract_text(visitor_text=visit)
        found.append((" ".join(head) or None, " ".join(foot) or None))
    return found


def contents_entries(pages, index) -> dict[str, str]:
    found = {}
    for line in pages[index][1:]:
        match = re.fullmatch(r"(?P<title>.+?)[\s.]*\s(?P<page>\d+|[ivxlc]+)", line)
        if match:
            found[" ".join(match.group("title").rstrip(" .").split())] = match.group("page")
    return found


def contents_index(pages) -> int:
    return next(i for i, lines in enumerate(pages[:8]) if lines and lines[0] == "Contents")


def heading_page(pages, title: str, skip: int) -> int:
    found = [i for i, lines in enumerate(pages) if i != skip and title in lines]
    assert found, f"heading {title!r} is on no page"
    return found[0]


def flat(pages) -> list[str]:
    return [" ".join(" ".join(lines).replace("\u00a0", " ").split()) for lines in pages]


# --- contents, bookmarks, folios --------------------------------------------


@pytest.mark.parametrize("which", ["sample", "long book"])
def test_contents_numbers_are_the_printed_folios_of_the_headings(which, sample_pdf, long_book):
    path = sample_pdf if which == "sample" else long_book[0]
    pages = pdf_lines_by_page(path)
    toc = contents_index(pages)
    entries = contents_entries(pages, toc)
    assert len(entries) >= 5, "contents page:\n" + "\n".join(pages[toc])
    for title, number in entries.items():
        where = heading_page(pages, title, toc)
        assert folio(pages[where]) == number, (
            f"contents: {title!r} on page {number}; it is printed on the page numbered {folio(pages[where])}"
        )


def _outline(reader, items, out):
    for item in items:
        if isinstance(item, list):
            _outline(reader, item, out)
        else:
            out.append((item.title, reader.get_destination_page_number(item)))
    return out


@pytest.mark.parametrize("which", ["sample", "long book"])
def test_every_bookmark_points_at_the_page_of_its_heading(which, sample_pdf, long_book):
    path = sample_pdf if which == "sample" else long_book[0]
    reader = PdfReader(str(path))
    pages = pdf_lines_by_page(path)
    marks = _outline(reader, reader.outline, [])
    assert len(marks) >= 5
    toc = contents_index(pages)
    for title, page in marks:
        assert page == heading_page(pages, title, toc), f"bookmark {title!r} points at page index {page}"


@pytest.mark.parametrize("which", ["sample", "long book"])
def test_front_matter_is_roman_and_the_body_counts_from_one(which, sample_pdf, long_book):
    path = sample_pdf if which == "sample" else long_book[0]
    pages = pdf_lines_by_page(path)
    toc = contents_index(pages)
    first_body = next(i for i in range(toc + 1, len(pages)) if pages[i])
    assert folio(pages[toc]) == ["i", "ii", "iii", "iv", "v", "vi", "vii"][toc], "the contents' folio is roman"
    for index in range(toc):
        assert folio(pages[index]) is None, f"display page {index + 1} has a folio"
    assert first_body % 2 == 0, "the text starts on a right-hand (odd) page"
    numbers = [folio(p) for p in pages[first_body:]]
    for offset, number in enumerate(numbers):
        if number is not None:
            assert number == str(offset + 1), f"page {first_body + offset + 1} is numbered {number}"


# --- book structure ----------------------------------------------------------


@pytest.fixture(scope="module")
def book_pages(long_book):
    return pdf_lines_by_page(long_book[0])


def test_book_opens_with_half_title_title_imprint_and_contents(book_pages):
    assert book_pages[0] == [TITLE], "page i is the half-title"
    assert book_pages[1] == [], "its verso is blank"
    assert book_pages[2][:2] == [TITLE, "Made by the print tests"], "page iii is the title page"
    imprint = " ".join(book_pages[3])
    for text in (
        "Copyright 2024 Ada Q. Lovelace",
        "Pressroom Test Press",
        "15 March 2024",
        "ISBN 978-3-16-148410-0",
        "Charis SIL",
        "SIL Open Font License 1.1",
        "DejaVu Sans Mono",
        "Bitstream Vera",
    ):
        assert text in imprint, f"the imprint lacks {text!r}: {imprint}"
    assert book_pages[4][0] == "Contents"


def test_sample_is_a_pamphlet_without_half_title(sample_pdf):
    pages = pdf_lines_by_page(sample_pdf)
    assert pages[0][0] == "Mali: Mass protests and coup", "the article opens with its title page"
    assert pages[1][0] == "Contents" and "League for the Fifth International" in pages[1], (
        "the contents and the imprint share the title's verso"
    )
    assert pages[2][0] == "Mali: Mass protests and coup", "and the text starts on page 3, a recto"


def _lines_with_height(path: Path, index: int) -> dict[str, float]:
    """{text: height above the page's foot} of each run of text on one page."""
    found: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.setdefault(text.strip(), tm[5] * cm[3] + cm[5])

    PdfReader(str(path)).pages[index].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("sections", [3, 23, 40])  # 23: the contents end where the imprint stands
def test_the_imprint_stands_at_the_foot_of_the_verso_below_the_contents(tmp_path, sections):
    """Out of the flow when the contents are short; after them, never over
    them, when the contents run down to it."""
    text = "".join(f"## Section {i:02d} of the pamphlet\n\nSome text.\n\n" for i in range(sections))
    project = make_project(
        tmp_path,
        {
            "source/p/article.md": (
                "---\ntitle: A pamphlet\nlang: en\npublisher: Foot Press\nrights: All rights reserved\n---\n\n" + text
            )
        },
    )
    with source_date_epoch():
        pipeline.build(project, formats=("pdf",))
    pdf = project / "dist" / "p.pdf"
    pages = pdf_lines_by_page(pdf)
    [imprint] = [i for i, lines in enumerate(pages[:4]) if "All rights reserved" in lines]
    last = f"Section {sections - 1:02d} of the pamphlet"
    [contents_end] = [
        i
        for i, lines in enumerate(pages[:4])  # its entry: with a dotted leader
        if any(line.startswith(last) and ". ." in line for line in lines)
    ]
    assert imprint == contents_end, "the imprint shares the page where the contents end"
    heights = _lines_with_height(pdf, imprint)
    entries = [h for t, h in heights.items() if t.startswith("Section")]
    assert heights["All rights reserved"] < min(entries) - 10, "the imprint is below the last entry, apart"
    assert heights["All rights reserved"] < 160, "and at the foot of the page (about 55 mm up at most)"


def test_chapters_open_on_right_hand_pages_after_blank_versos(long_book, book_pages):
    toc = contents_index(book_pages)
    margins = margin_texts(long_book[0])
    for title, _ in CHAPTERS:
        index = heading_page(book_pages, title, toc)
        assert index % 2 == 0, f"{title!r} opens on page {index + 1}, a left-hand page"
        head, number = margins[index]
        assert head is None, f"{title!r}: a running head ({head!r}) on the opening page"
        assert number, f"{title!r}: the opening page has no folio"
    blanks = [i for i, lines in enumerate(book_pages) if not lines]
    assert len(blanks) >= 2, "the half-title's verso and at least one verso before a chapter are blank"


def test_running_heads_title_left_chapter_right(long_book, book_pages):
    toc = contents_index(book_pages)
    margins = margin_texts(long_book[0])
    openings = {heading_page(book_pages, title, toc): title for title, _ in CHAPTERS}
    chapter, checked = None, 0
    first_body = min(openings)
    for index in range(first_body, len(book_pages)):
        lines = book_pages[index]
        chapter = openings.get(index, chapter)
        if index in openings or not lines:
            continue
        expected = TITLE if index % 2 else chapter  # index 1 is page 2, a verso
        assert margins[index][0] == expected, f"page {index + 1}: head {margins[index][0]!r}, not {expected!r}"
        checked += 1
    assert checked >= 6, "the book should have pages with running heads on both sides"


def test_sample_running_heads(sample_pdf):
    margins = margin_texts(sample_pdf)
    assert margins[0] == (None, None) and margins[1] == (None, "ii") and margins[2] == (None, "1")
    sections = {
        "Mass Movement",
        "2012: Tuareg uprising and Islamic Caliphate",
        "The coup of 2012",
        "Conflict in Central Mali",
        "Strategy and programme",
    }
    for index in range(3, len(margins)):
        head = margins[index][0]
        if index % 2:
            assert head == "Mali: Mass protests and coup", f"page {index + 1}: {head!r}"
        else:
            assert head in sections, f"page {index + 1}: the right-hand head {head!r} is no section"


def _collection_files() -> dict:
    rng = random.Random(7)
    files = {"source/essays/publication.yaml": "title: Essays\ntype: collection\ncontents: [a.md, b.md]\n"}
    for name, title, author in (("a", "First Essay", "Ann Author"), ("b", "Second Essay", "Bob Writer")):
        files[f"source/essays/{name}.md"] = (
            f"---\ntitle: {title}\nauthor: {author}\n---\n\n{_prose(rng, 8)}\n\n"
            f"## Section of the {title}\n\n" + "\n\n".join(_prose(rng, 6) for _ in range(6)) + "\n"
        )
    return files


def test_a_collection_lists_its_pieces_with_authors_and_pages(tmp_path_factory):
    project, result = _build(tmp_path_factory, "essays", _collection_files())
    path = project / "dist" / "essays.pdf"
    pages = pdf_lines_by_page(path)
    toc = contents_index(pages)
    entries = contents_entries(pages, toc)
    assert list(entries) == [
        "First Essay",
        "Section of the First Essay",
        "Second Essay",
        "Section of the Second Essay",
    ], pages[toc]
    assert "Ann Author" in pages[toc] and "Bob Writer" in pages[toc]
    for title, number in entries.items():
        where = heading_page(pages, title, toc)
        assert where % 2 == 0 or title.startswith("Section"), f"{title!r} opens on a left-hand page"
        assert folio(pages[where]) == number
    reader = PdfReader(str(path))
    tree = [item.title if not isinstance(item, list) else [i.title for i in item] for item in reader.outline]
    assert tree == ["First Essay", ["Section of the First Essay"], "Second Essay", ["Section of the Second Essay"]]
    heads = {head for head, _ in margin_texts(path) if head}
    assert heads == {"Essays", "First Essay", "Second Essay"}, "left: the collection; right: the piece"


# --- notes -------------------------------------------------------------------


def test_each_note_starts_on_the_page_of_its_call(book_pages):
    text = flat(book_pages)
    calls = [(m.group(1), i) for i, t in enumerate(text) for m in re.finditer(r"claim (\d+\.\d+)", t)]
    assert len(calls) == NOTES_PER_SECTION * 6
    for label, page in calls:
        starts = [i for i, t in enumerate(text) if f"Note {label} begins here" in t]
        assert starts == [page], f"note {label} starts on page {starts}, its call is on page {page + 1}"


def test_a_note_sent_on_costs_one_block_a_page_break_and_nothing_else(tmp_path, monkeypatch):
    """The page loop of notes.py breaks the page before the block that made
    WeasyPrint send a note on, and only there: elements alike share one
    computed style in WeasyPrint, so a break given to the shared style would
    push every paragraph like it to a new page."""
    from pipeline.errors import Diagnostics
    from pipeline.pagemarks import ATTRIBUTE
    from pipeline.pdf import notes
    from pipeline.pdf.engine.boxes import page_box
    from pipeline.run.task import Task
    from pipeline.run.work import read

    kept = {}
    keep = notes.keep_with_calls

    def keep_and_look(typeset, on_page=None):
        pushed = []
        real = notes.notes_kept

        def watching(into, on_page=None):
            return real(pushed, on_page)

        monkeypatch.setattr(notes, "notes_kept", watching)
        kept["document"], apart, settled = keep(typeset, on_page)
        kept["pushed"] = pushed
        return kept["document"], apart, settled

    monkeypatch.setattr(notes, "keep_with_calls", keep_and_look)
    # One layout, its paragraphs as the sheet sets them: setting some again
    # (linebreak.py) would move the note this test needs.
    monkeypatch.setattr(pipeline.pdf.linebreak, "compose", lambda lay_out: lay_out({}, None)[0])
    # The book laid out whole, not chapter by chapter: one document holds every box.
    monkeypatch.setattr(pipeline.pdf.parts, "splits", lambda pub: False)
    # Two chapters of the benchmark book: a paragraph there sends a note on.
    project = make_project(tmp_path, {})
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "make_book.py"), str(project / "source" / "book"), "--chapters", "2"],
        check=True,
        capture_output=True,
    )
    with source_date_epoch():
        pub = read(Task(project, project / "source" / "book", ("pdf",)), Diagnostics(root=project))
        pipeline.pdf.render(pub, project)
    document, pushed = kept["document"], kept["pushed"]
    assert pushed, "the long book has a note WeasyPrint sends on: the test would prove nothing"
    assert notes.separated(document) == {}
    # No style sheet asks for "break-before: page"; only the loop gives it.
    broken = {
        box.element
        for page in document.pages
        for box in page_box(page).descendants()
        if box.element is not None and box.style["break_before"] == "page"
    }
    assert len(broken) == len(pushed), (
        f"page breaks before {[(e.tag, e.get(ATTRIBUTE)) for e in broken]}, given for {pushed}"
    )


def test_a_note_too_long_for_the_page_of_its_call_is_a_warning_at_the_call(tmp_path):
    rng = random.Random(1)
    paragraphs = [_prose(rng, 6) for _ in range(6)]
    paragraphs[3] += " A claim.[^big]"
    text = "\n\n".join(paragraphs) + "\n\n[^big]: " + _prose(rng, 60) + "\n"
    project = make_project(tmp_path, {"source/t/article.md": f"---\ntitle: A long note\n---\n\n## Text\n\n{text}"})
    with source_date_epoch():
        result = pipeline.build(project, formats=("pdf",))
    [warning] = result.diagnostics
    line = f"---\ntitle: A long note\n---\n\n## Text\n\n{text}".split("\n").index(paragraphs[3]) + 1
    assert (warning.severity, str(warning.location)) == ("warning", f"source/t/article.md:{line}"), str(warning)
    assert "note 1 does not fit on page" in warning.message and "shorten the note" in warning.hint


def test_notes_are_numbered_per_chapter(book_pages):
    text = flat(book_pages)
    for number, _ in enumerate(CHAPTERS, 1):
        markers = [
            int(m.group(1)) for t in text for m in re.finditer(rf"(\d+)\.\u2002?\s*Note {number}\.\d+ begins", t)
        ]
        assert markers == list(range(1, NOTES_PER_SECTION * 2 + 1)), f"chapter {number}'s notes: {markers}"


# --- typography ----------------------------------------------------------------


def _ink_outside_text_block(path: Path, pages: range, inner_mm: float, outer_mm: float) -> list[str]:
    """Pages with ink in the side margins (beyond 1 mm of slack), from a rendering."""
    import tempfile

    found = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "50",
                "-gray",
                "-png",
                "-f",
                str(pages.start + 1),
                "-l",
                str(pages.stop),
                str(path),
                f"{tmp}/p",
            ],
            check=True,
        )
        for png in sorted(Path(tmp).glob("p-*.png")):
            number = int(png.stem.split("-")[1])
            image = Image.open(png).convert("L")
            px_per_mm = image.width / 148
            left_mm, right_mm = (outer_mm, inner_mm) if number % 2 == 0 else (inner_mm, outer_mm)
            left = image.crop((0, 0, int((left_mm - 1) * px_per_mm), image.height))
            right = image.crop((image.width - int((right_mm - 1) * px_per_mm), 0, image.width, image.height))
            if min(left.getextrema()[0], right.getextrema()[0]) < 128:
                found.append(f"page {number}")
    return found


def test_figures_tables_and_code_stay_inside_the_text_block(long_book):
    path = long_book[0]
    pages = pdf_lines_by_page(path)
    first = heading_page(pages, "The Second Chapter", contents_index(pages))
    last = heading_page(pages, "The Third Chapter", contents_index(pages))
    assert _ink_outside_text_block(path, range(first, last), 148 * 0.12, 148 * 0.16) == []
    text = " ".join(flat(pages[first:last]))
    assert "calibrated_" in text and "argument_29" in text and "x" * 40 in text


def test_long_code_lines_wrap(book_pages):
    lines = [line for page in book_pages for line in page if "xxxxxxxxxx" in line]
    assert len(lines) >= 2, "the 170-character code line should wrap onto several lines"
    assert any(("unbroken = '" + "x" * 20) in t for t in flat(book_pages))


def test_headings_are_never_the_last_line_of_a_page(long_book, book_pages):
    toc = contents_index(book_pages)
    margins = margin_texts(long_book[0])
    for _, sections in CHAPTERS:
        for title in sections:
            index = heading_page(book_pages, title, toc)
            body = book_pages[index][:-2] if margins[index][0] else book_pages[index][:-1]
            position = body.index(title)
            assert position < len(body) - 2, f"{title!r} ends page {index + 1} with no text under it"


def test_no_justified_line_stops_short_after_a_word_or_two(sample_pdf):
    """Regression: an empty inline element in a hyphenated paragraph made
    WeasyPrint 70 end lines after a word ('par-', 'tially', 'invalid...')."""
    short = []
    for lines in pdf_lines_by_page(sample_pdf)[2:]:
        for line, after in zip(lines, lines[1:]):
            if len(line) < 25 and after[:1].islower():
                short.append(f"{line!r} / {after!r}")
    assert short == []


# --- fonts ---------------------------------------------------------------------


def _pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@pytest.mark.parametrize("which", ["sample", "long book"])
def test_all_fonts_embedded_and_all_committed(which, sample_pdf, long_book):
    path = sample_pdf if which == "sample" else long_book[0]
    fonts = _pdffonts(path)
    assert fonts
    for row in fonts:
        name, emb = row[0], row[-5]
        assert emb == "yes", f"{name} is not embedded"
        family = name.split("+", 1)[-1]
        assert family.startswith(("Charis-SIL", "DejaVu-Serif", "DejaVu-Sans-Mono")), f"{name} is no committed font"


def test_only_the_committed_fonts_are_used_whatever_the_machine_has(tmp_path, sample_pdf):
    """Built where Fontconfig knows no font at all, the sample is the same
    PDF, byte for byte, as here: the fonts come from styles/fonts/ only."""
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n')
    out = tmp_path / "out"
    script = "import pipeline, sys; pipeline.build(sys.argv[1], [sys.argv[3]], out_dir=sys.argv[2], formats=('pdf',))"
    env = {"FONTCONFIG_FILE": str(config), "SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-c", script, str(REPO), str(out), SAMPLE], check=True, env=env, cwd=REPO, timeout=300
    )
    names = [row[0].split("+", 1)[-1] for row in _pdffonts(out / f"{SAMPLE}.pdf")]
    assert "Charis-SIL" in names, names
    assert (out / f"{SAMPLE}.pdf").read_bytes() == sample_pdf.read_bytes()


def test_a_character_no_font_has_is_reported_with_name_and_place(tmp_path):
    files = {
        "source/glyphs/article.md": "---\ntitle: Glyphs\n---\n\nPlain text.\n\nThe sign \u2603 and "
        "the word \u6f22 are not in the fonts.\n\n```\ncode = 'ok'\n```\n"
    }
    project = make_project(tmp_path, files)
    result = pipeline.build(project, formats=("pdf",))
    messages = [str(d) for d in result.diagnostics]
    assert any("source/glyphs/article.md:7:10: warning:" in m and "U+2603 SNOWMAN" in m for m in messages), messages
    assert any(":7:" in m and "U+6F22 CJK UNIFIED IDEOGRAPH-6F22" in m for m in messages), messages
    with pytest.raises(pipeline.BuildError) as failed:
        pipeline.build(project, formats=("pdf",), strict=True)
    assert any(d.severity == "error" and "SNOWMAN" in d.message for d in failed.value.diagnostics)


def test_the_sample_and_the_book_need_no_missing_glyph(sample, long_book):
    assert sample[1].diagnostics == []
    assert long_book[1].diagnostics == []


# --- accessibility -------------------------------------------------------------


@pytest.mark.parametrize("which", ["sample", "long book", "press"])
def test_tagged_pdf_identifies_as_pdf_ua(which, sample_pdf, long_book, press_book):
    path = {"sample": sample_pdf, "long book": long_book[0], "press": press_book[1]}[which]
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert root.get("/Lang")
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part(>|=\")1", xmp), "no PDF/UA identification in the XMP"


# --- trim sizes, bleed, PDF/X --------------------------------------------------

TRIMS = {
    "A4": (210, 297),
    "A5": (148, 210),
    "US Letter": (215.9, 279.4),
    "us-trade": (152.4, 228.6),
    "Royal": (156, 234),
    "6x9in": (152.4, 228.6),
    "140x216mm": (140, 216),
    "5.5 x 8.5 in": (139.7, 215.9),
}


@pytest.mark.fast
@pytest.mark.parametrize("trim", list(TRIMS))
def test_each_trim_sets_its_page_size(trim):
    from pipeline.pagesize import page_css

    width, height = TRIMS[trim]
    size = re.search(r"@page \{ size: ([\d.]+)mm ([\d.]+)mm;", page_css(trim))
    assert size, page_css(trim)
    assert (round(float(size[1]), 1), round(float(size[2]), 1)) == (round(width, 1), round(height, 1))


def test_a_named_trim_and_one_given_by_its_sides_give_their_media_boxes(tmp_path):
    """The page size above is the PDF's media box: one build, two trims."""
    chosen = ["US Letter", "5.5 x 8.5 in"]
    files = {
        f"source/t{n}/article.md": f"---\ntitle: Trim\nprint: {{trim: {trim}}}\n---\n\nSome text.\n"
        for n, trim in enumerate(chosen)
    }
    project = make_project(tmp_path, files)
    pipeline.build(project, formats=("pdf",))
    for n, trim in enumerate(chosen):
        box = PdfReader(str(project / "dist" / f"t{n}.pdf")).pages[0].mediabox
        width, height = TRIMS[trim]
        assert (round(float(box.width) / MM, 1), round(float(box.height) / MM, 1)) == (
            round(width, 1),
            round(height, 1),
        ), trim


def test_margins_given_in_the_metadata_set_the_text_block_mirrored_for_binding(tmp_path):
    """Inner 30 mm and outer 12 mm: the text starts 30 mm from the left on
    right-hand pages and 12 mm on left-hand ones; top 25 mm."""
    from test_typography import lines_by_page

    text = "\n\n".join(_prose(random.Random(3), 12) for _ in range(12))
    files = {
        "source/t/article.md": "---\ntitle: Margins\nprint:\n  trim: a5\n  margin-inner: 30mm\n"
        "  margin-outer: 1.2cm\n  margin-top: 25mm\n  margin-bottom: 20mm\n---\n\n"
        f"## Text\n\n{text}\n"
    }
    project = make_project(tmp_path, files)
    pipeline.build(project, formats=("pdf",))
    pages = lines_by_page(project / "dist" / "t.pdf")
    body = [n for n, lines in enumerate(pages) if n >= 2 and len(lines) > 20]
    assert len(body) >= 3, "the article should fill several pages"
    for n in body:
        expected = 30 if n % 2 == 0 else 12  # index 0 is a right-hand page
        left = min(line.left for line in pages[n]) / MM
        assert abs(left - expected) < 1.5, f"page {n + 1}: text starts {left:.1f} mm from the left"
        # The running head is centred in the top margin; the text's lines start at the left edge.
        top = min(line.top for line in pages[n] if abs(line.left / MM - expected) < 1.5) / MM
        if n != body[0]:  # the opening page sets its head lower down
            assert 25 - 1 < top < 25 + 6, f"page {n + 1}: the text starts {top:.1f} mm from the top"


def test_a_bad_margin_is_an_error_on_its_line_and_margins_that_leave_no_room_are_refused(tmp_path):
    files = {
        "source/t/article.md": "---\ntitle: Margins\nprint:\n  trim: a5\n  margin-inner: 18\n---\n\nText.\n",
        "source/u/article.md": "---\ntitle: Margins\nprint: {margin-inner: 70mm, margin-outer: 40mm}\n---\n\nText.\n",
    }
    project = make_project(tmp_path, files)
    with pytest.raises(pipeline.BuildError) as failed:
        pipeline.build(project, formats=("pdf",))
    errors = {str(d.location): d for d in failed.value.diagnostics if d.severity == "error"}
    assert set(errors) == {"source/t/article.md:5", "source/u/article.md:3"}, errors
    assert "'18' is not a length" in errors["source/t/article.md:5"].message
    assert "18mm" in errors["source/t/article.md:5"].hint
    assert "text block of 38 x" in errors["source/u/article.md:3"].message


def test_a_bad_trim_is_an_error_on_its_line(tmp_path):
    files = {"source/t/article.md": "---\ntitle: Trim\nprint:\n  bleed: true\n  trim: 6 by 9\n---\n\nText.\n"}
    project = make_project(tmp_path, files)
    with pytest.raises(pipeline.BuildError) as failed:
        pipeline.build(project, formats=("pdf",))
    [error] = [d for d in failed.value.diagnostics if d.severity == "error"]
    assert str(error.location) == "source/t/article.md:5"
    assert "'6 by 9' is not a trim size" in error.message and "us-trade" in error.hint


def test_bleed_sets_trim_and_bleed_boxes_and_draws_crop_marks(press_book):
    path = press_book[1]
    reader = PdfReader(str(path))
    bleed = 3 * MM
    for page in reader.pages:
        trim, media, box = page.trimbox, page.mediabox, page.bleedbox
        assert (round(float(trim.width), 1), round(float(trim.height), 1)) == (432.0, 648.0), "6 x 9 in"
        # bleed: true keeps its meaning, bleed and marks: the paper holds the marks beyond the bleed
        assert float(media.width) - float(trim.width) >= 2 * (bleed + 5 * MM)
        assert float(media.height) - float(trim.height) >= 2 * (bleed + 5 * MM)
        assert round(float(box.width), 1) == round(float(trim.width) + 2 * bleed, 1)
    # Crop marks: ink beyond the bleed, at the corners, on a blank page too.
    pages = pdf_lines_by_page(path)
    blank = next(i for i, lines in enumerate(pages) if not lines)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-gray",
                "-png",
                "-f",
                str(blank + 1),
                "-l",
                str(blank + 1),
                str(path),
                f"{tmp}/p",
            ],
            check=True,
        )
        image = Image.open(next(Path(tmp).glob("p-*.png"))).convert("L")
    # The marks stop 3 mm short of the trim, outside the bleed; nothing inside the bleed box.
    page = reader.pages[blank]
    media, box = page.mediabox, page.bleedbox
    margin = int((float(box.left) - float(media.left)) / 72 * 150)
    assert image.crop((0, 0, margin, image.height)).getextrema()[0] < 160, "no crop mark beyond the bleed"
    inside = image.crop((margin + 1, margin + 1, image.width - margin - 1, image.height - margin - 1))
    assert inside.getextrema()[0] > 250, "the blank page prints nothing inside the bleed"


def test_default_edition_has_no_bleed(long_book):
    page = PdfReader(str(long_book[0])).pages[0]
    assert page.trimbox == page.mediabox


def test_pdfx_has_an_output_intent_and_identifies_itself(press_book):
    reader = PdfReader(str(press_book[1]))
    root = reader.trailer["/Root"]
    [intent] = [i.get_object() for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/OutputConditionIdentifier"] == "FOGRA39"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4, "a CMYK output profile"
    assert profile.get_data()[36:40] == b"acsp" and profile.get_data()[12:16] == b"prtr"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert reader.trailer["/Info"]["/Trapped"] == "/False"
    assert reader.pdf_header == "%PDF-1.6"
    for page in reader.pages:
        assert "/DefaultRGB" in page["/Resources"]["/ColorSpace"], "RGB without a defined colour space"
    # A book set in parts: its parts share one copy of the press's profile.
    with pikepdf.open(press_book[1]) as pdf:
        assert sum(isinstance(o, pikepdf.Stream) and o.get("/N") == 4 for o in pdf.objects) == 1


def test_pdfx_is_byte_identical_twice(press_book, tmp_path):
    project, first = press_book
    with source_date_epoch():
        pipeline.build(project, formats=("pdf",), out_dir=tmp_path)
    assert (tmp_path / first.name).read_bytes() == first.read_bytes()


def test_committed_icc_profile_has_its_licence():
    icc = REPO / "styles" / "icc"
    assert (icc / "FOGRA39.icc").read_bytes()[36:40] == b"acsp"
    assert "zlib/libpng License" in (icc / "README.md").read_text(encoding="utf-8")


def test_rendered_folios_are_the_printed_page_numbers(sample_pdf):
    """render() also returns each page's folio, for the EPUB page-list to name
    pages as the print edition numbers them."""
    from pipeline import sources
    from pipeline.document import read_publication
    from pipeline.errors import Diagnostics
    from pipeline.pdf import render

    diags = Diagnostics(root=REPO)
    with source_date_epoch():
        pub = read_publication(sources.load(REPO / "source" / SAMPLE, diags), REPO, diags)
        rendered = render(pub, REPO)
    assert rendered.folios == [number or "" for _, number in margin_texts(sample_pdf)]
    assert rendered.folios[:3] == ["", "ii", "1"]
    assert rendered.messages == []


def test_page_references_kept_while_writing_change_no_byte():
    """pdf/engine/pagerefs.py only saves time: a tagged PDF of several pages comes out the same."""
    import pydyf
    from weasyprint import HTML

    from pipeline.pdf.engine.pagerefs import page_references_kept

    html = "".join(f"<h1>Part {n}</h1><p>{'Text that fills a page. ' * 200}</p>" for n in range(4))
    document = HTML(string=f"<html lang='en'><title>T</title><body>{html}</body></html>").render()
    assert len(document.pages) > 4
    plain = document.write_pdf(pdf_tags=True, pdf_identifier=b"x")
    original = pydyf.PDF.page_references
    with page_references_kept():
        kept = document.write_pdf(pdf_tags=True, pdf_identifier=b"x")
    assert pydyf.PDF.page_references is original
    assert kept == plain
