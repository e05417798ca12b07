"""Hostile sizes and shapes: sources far larger or deeper than any book,
read in a time that grows with their size, ending in a build or a located
error, never a crash. bench/hostile.py shows how the time grows; here each
source is built at a size that took minutes, or crashed, before."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import sources
from pipeline.document import read_publication
from pipeline.errors import Diagnostics
from conftest import make_project

DIALECTS = ["commonmark", "python-markdown"]


def _read(tmp_path: Path, body: str, dialect: str = "commonmark"):
    """The publication read from one article (its body starts on line 7), and what was said."""
    front = f"---\ntitle: Hostile\nlang: en\nmarkdown: {dialect}\n---\n\n"
    project = make_project(tmp_path / "project", {"source/hostile/article.md": front + body})
    diags = Diagnostics(root=project)
    loaded = sources.load(project / "source" / "hostile", diags)
    return read_publication(loaded, project, diags), diags


def _said(diags: Diagnostics) -> list[tuple[str, str, int | None, str]]:
    return [(d.severity, d.location.path, d.location.line, d.message) for d in diags.items]


@pytest.mark.fast
def test_ten_thousand_cross_references_to_one_heading_all_show_its_title(tmp_path):
    pub, diags = _read(tmp_path, "## The target\n\n" + "See [](#the-target). " * 10_000 + "\n")
    assert not diags.errors
    texts = [a.text for a in pub.chapters[0].body.iter("a")]
    assert len(texts) == 10_000 and set(texts) == {"The target"}


@pytest.mark.fast
@pytest.mark.parametrize("dialect", DIALECTS)
def test_raw_html_nested_ten_thousand_deep_is_an_error_at_the_line_it_goes_too_deep(tmp_path, dialect):
    body = "Intro.\n\n" + "<div>\n" * 10_000 + "x\n" + "</div>\n" * 10_000
    pub, diags = _read(tmp_path, body, dialect)
    # Line 7 is the body's first; the 49th <div> opens on line 9 + 48.
    assert [(s, line) for s, _, line, m in _said(diags) if "nested more than 48" in m] == [("error", 57)]


@pytest.mark.fast
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param("*a " * 2_000 + "b" + " a*" * 2_000 + "\n", id="emphasis"),
        pytest.param(">" * 10_000 + " deep\n", id="quotes"),
        pytest.param("".join("    " * i + "- item\n" for i in range(300)), id="lists"),
        pytest.param("[" * 3_000 + "a" + "](b)" * 3_000 + "\n", id="links"),
    ],
)
def test_markdown_nested_past_the_recursion_limit_is_an_error_at_its_line_or_read(tmp_path, dialect, body):
    pub, diags = _read(tmp_path, "Intro.\n\n" + body, dialect)
    errors = [(line, m) for s, _, line, m in _said(diags) if s == "error"]
    assert all(line is not None and line >= 9 for line, _ in errors), errors
    assert errors or pub.chapters[0].body.text_content().strip()


@pytest.mark.fast
@pytest.mark.parametrize(
    "body, line, said",
    [
        ("Intro.\n\n" + "[" * 10_000 + "\n", 9, "holds 10,000 '['"),
        ("Intro.\n\n" + "See[^a]. " * 300 + "\n\n[^a]: The note.\n", 9, "note [^a] is called more than 200 times"),
        ("".join(f"## Heading {i}\n\n" for i in range(6_000)), 7 + 2 * 5_000, "more than 5,000 blocks"),
    ],
)
def test_what_python_markdown_reads_in_quadratic_time_is_refused_at_its_line(tmp_path, body, line, said):
    pub, diags = _read(tmp_path, body, "python-markdown")
    assert [(s, where) for s, _, where, m in _said(diags) if said in m] == [("error", line)], _said(diags)


@pytest.mark.fast
def test_a_long_chapter_of_code_and_links_is_not_refused_by_python_markdown(tmp_path):
    code = "```\n" + "x = [1, 2]\n" * 3_000 + "```\n\n"
    paragraph = "A [link](https://example.org) in a long paragraph. " * 60 + "\n\n"
    pub, diags = _read(tmp_path, code + paragraph * 20, "python-markdown")
    assert not diags.errors, _said(diags)


# --- the print edition: nothing vanishes off the page ------------------------


def _printed(tmp_path: Path, body: str):
    """The print edition's text, one string per page, and the warnings of typesetting it."""
    import io

    from pypdf import PdfReader

    from pipeline.run.make import editions

    pub, diags = _read(tmp_path, body)
    assert not diags.errors, _said(diags)
    project = tmp_path / "project"
    found: list = []
    ((_, _, pdf, _),) = list(editions(pub, project, ("pdf",), warnings=found))
    pages = [_on_page(page) for page in PdfReader(io.BytesIO(pdf)).pages]
    return pages, [(d.location.path, d.location.line, d.message) for d in found]


def _on_page(page) -> str:
    """The page's text that starts inside its trim box: what is set past its
    edge is in the file but not on the paper."""
    width = float(page.trimbox.right)
    kept = []

    def visit(text, cm, tm, font, size):
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        if 0 <= x < width:
            kept.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(kept)


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"\w+", text)


def _table(columns: int, rows: int, cell) -> str:
    return (
        "| "
        + " | ".join(f"Heading{c}" for c in range(columns))
        + " |\n|"
        + "---|" * columns
        + "\n"
        + "".join("| " + " | ".join(cell(r, c) for c in range(columns)) + " |\n" for r in range(rows))
    )


def _joined(pages: list[str]) -> str:
    """The printed text with line ends taken out: a narrow cell wraps a word where it must."""
    import re

    return re.sub(r"\s+", "", " ".join(pages))


def test_a_twelve_column_table_keeps_every_column_on_an_a5_page(tmp_path):
    pages, warnings = _printed(tmp_path, "Intro.\n\n" + _table(12, 3, lambda r, c: f"cell{r}x{c} value"))
    assert not warnings  # nothing reaches past the text area
    printed = _joined(pages)
    assert all(f"cell{r}x{c}value" in printed for r in range(3) for c in range(12))
    assert all(f"Heading{c}" in printed for c in range(12))


def test_a_ten_thousand_character_heading_is_printed_whole(tmp_path):
    heading = " ".join(f"word{i}" for i in range(1_400))
    pages, warnings = _printed(tmp_path, f"Intro.\n\n## {heading}\n\nText.\n")
    printed = set(_words(" ".join(pages)))
    assert not warnings
    assert set(_words(heading)) <= printed


def test_a_long_code_line_breaks_at_the_edge_of_the_page(tmp_path):
    pages, warnings = _printed(tmp_path, "Intro.\n\n```\nstart" + "x" * 600 + " end\n```\n")
    assert not warnings
    assert "end" in _words(pages[-1]) or "end" in " ".join(pages)


def test_what_cannot_fit_the_page_is_a_warning_at_its_line(tmp_path):
    # Two hundred columns cannot fit an A5 page even in the smallest type.
    pages, warnings = _printed(tmp_path, "Intro.\n\n" + _table(200, 2, lambda r, c: "w"))
    assert len(warnings) == 1, warnings
    path, line, message = warnings[0]
    assert path == "source/hostile/article.md" and line in (9, 11) and "does not fit" in message


@pytest.mark.fast
def test_a_note_called_many_times_is_set_once_in_print_and_its_later_calls_show_its_number(tmp_path):
    from lxml import html as lxml_html

    from pipeline.pdf import assemble

    body = "Intro[^a] and[^b].\n\n" + "Again[^a]. " * 2_000 + "\n\nLast[^c].\n\n[^a]: A.\n[^b]: B.\n[^c]: C.\n"
    pub, diags = _read(tmp_path, body)
    _, inner = assemble._content(pub, pub.chapters[0])
    tree = lxml_html.fragment_fromstring(inner, create_parent="div")
    # One float per note (each is laid out on its page: two thousand copies took minutes).
    assert [span.text_content().strip() for span in tree.find_class("footnote-body")] == ["A.", "B.", "C."]
    assert {a.text for a in tree.find_class("noteref")} == {"1"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_source_nested_just_within_the_limit_makes_both_editions(tmp_path, dialect):
    # Every stage after the reader walks the tree (transforms, the EPUB's
    # serialiser, the print layout): the limit leaves them all room.
    body = (
        "".join("    " * i + "- item\n" for i in range(20))
        + "\n"
        + "> " * 40
        + "quote\n\n"
        + "<div>" * 44
        + "deep"
        + "</div>" * 44
        + "\n"
    )
    pub, diags = _read(tmp_path, body, dialect)
    assert not diags.errors, _said(diags)
    from pipeline.run.make import editions

    made = {edition for edition, *_ in editions(pub, tmp_path / "project", ("pdf", "epub"))}
    assert made == {"pdf", "epub"}


def test_a_contents_of_hundreds_of_headings_is_shortened_in_print_with_a_warning(tmp_path):
    # Four hundred sections, each with two subsections: the print contents
    # lists the sections alone (WeasyPrint took minutes over a contents this long).
    body = "".join(f"## Section {i}\n\nText.\n\n### Part a\n\nText.\n\n### Part b\n\nText.\n\n" for i in range(120))
    pages, warnings = _printed(tmp_path, body)
    said = [(path, m) for path, _, m in warnings if "contents" in m]
    assert said == [
        (
            "source/hostile/article.md",
            "the print edition's contents would list more than 300 headings, so it lists only the top "
            "level of headings; the PDF's bookmarks list them all",
        )
    ]
    contents = next(p for p in pages if "Section 0" in p)
    assert "Section 119" in " ".join(pages) and "Part a" not in contents


@pytest.mark.fast
def test_a_chapter_of_hundreds_of_notes_is_not_refused_by_python_markdown(tmp_path):
    calls = "".join(f"A claim.[^n{i}] " for i in range(400))
    notes = "".join(f"[^n{i}]: The source of claim {i}, with [a link](https://example.org/{i}).\n" for i in range(400))
    pub, diags = _read(tmp_path, f"{calls}\n\n{notes}", "python-markdown")
    assert not diags.errors, _said(diags)
    assert len(pub.chapters[0].body.find_class("footnote")) == 400


@pytest.mark.fast
def test_a_contents_too_long_even_at_its_top_level_is_left_out_whole():
    from types import SimpleNamespace

    from pipeline.pdf.frontmatter import MAX_ENTRIES, contents

    def heading(n):
        return SimpleNamespace(id=f"h{n}", title=f"Heading {n}", children=[])

    def pub(count):
        return SimpleNamespace(
            toc=[heading(n) for n in range(count)],
            metadata=SimpleNamespace(toc_depth=2, toc_title="Contents", kind="book"),
        )

    assert "Heading 3" in contents(pub(5))
    # No "Contents" heading over an empty page.
    assert contents(pub(MAX_ENTRIES + 1)) == ""


def test_a_table_of_ordinary_words_keeps_them_whole_in_print(tmp_path):
    # Cells that may break anywhere let the table squeeze a column to a few
    # letters ("Ope/rato/r"): that is kept for tables that need it.
    import pipeline
    from conftest import pdf_text_by_page, source_date_epoch

    rows = "".join(
        f"| `x{i} %= y` | `var %= expr` | Arithmetic remainder and assignment, row {i} | RemAssign |\n"
        for i in range(6)
    )
    table = "| Operator | Example | Explanation | Overloadable? |\n|---|---|---|---|\n" + rows
    project = make_project(
        tmp_path / "project", {"source/ops/article.md": "---\ntitle: Ops\nlang: en\n---\n\n# Operators\n\n" + table}
    )
    with source_date_epoch():
        pipeline.build(project, ["ops"], formats=("pdf",), out_dir=tmp_path / "dist")
    words = " ".join(pdf_text_by_page(tmp_path / "dist" / "ops.pdf")).split()
    for word in ("Operator", "Overloadable?", "RemAssign", "Explanation"):
        assert word in words, word
