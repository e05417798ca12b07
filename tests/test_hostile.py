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


def test_ten_thousand_cross_references_to_one_heading_all_show_its_title(tmp_path):
    pub, diags = _read(tmp_path, "## The target\n\n" + "See [](#the-target). " * 10_000 + "\n")
    assert not diags.errors
    texts = [a.text for a in pub.chapters[0].body.iter("a")]
    assert len(texts) == 10_000 and set(texts) == {"The target"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_raw_html_nested_ten_thousand_deep_is_an_error_at_the_line_it_goes_too_deep(tmp_path, dialect):
    body = "Intro.\n\n" + "<div>\n" * 10_000 + "x\n" + "</div>\n" * 10_000
    pub, diags = _read(tmp_path, body, dialect)
    # Line 7 is the body's first; the 49th <div> opens on line 9 + 48.
    assert [(s, line) for s, _, line, m in _said(diags) if "nested more than 48" in m] == [("error", 57)]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("body", [
    pytest.param("*a " * 2_000 + "b" + " a*" * 2_000 + "\n", id="emphasis"),
    pytest.param(">" * 10_000 + " deep\n", id="quotes"),
    pytest.param("".join("    " * i + "- item\n" for i in range(300)), id="lists"),
    pytest.param("[" * 3_000 + "a" + "](b)" * 3_000 + "\n", id="links"),
])
def test_markdown_nested_past_the_recursion_limit_is_an_error_at_its_line_or_read(tmp_path, dialect, body):
    pub, diags = _read(tmp_path, "Intro.\n\n" + body, dialect)
    errors = [(line, m) for s, _, line, m in _said(diags) if s == "error"]
    assert all(line is not None and line >= 9 for line, _ in errors), errors
    assert errors or pub.chapters[0].body.text_content().strip()


@pytest.mark.parametrize("body, line, said", [
    ("Intro.\n\n" + "[" * 10_000 + "\n", 9, "holds 10,000 '['"),
    ("Intro.\n\n" + "See[^a]. " * 300 + "\n\n[^a]: The note.\n", 9, "note [^a] is called more than 200 times"),
    ("".join(f"## Heading {i}\n\n" for i in range(6_000)), 7 + 2 * 5_000, "more than 5,000 blocks"),
])
def test_what_python_markdown_reads_in_quadratic_time_is_refused_at_its_line(tmp_path, body, line, said):
    pub, diags = _read(tmp_path, body, "python-markdown")
    assert [(s, where) for s, _, where, m in _said(diags) if said in m] == [("error", line)], _said(diags)


def test_a_long_chapter_of_code_and_links_is_not_refused_by_python_markdown(tmp_path):
    code = "```\n" + "x = [1, 2]\n" * 3_000 + "```\n\n"
    paragraph = "A [link](https://example.org) in a long paragraph. " * 60 + "\n\n"
    pub, diags = _read(tmp_path, code + paragraph * 20, "python-markdown")
    assert not diags.errors, _said(diags)
