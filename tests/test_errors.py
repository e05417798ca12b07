"""Bad input: every problem is reported with its file and line, through the
library (BuildError) and the command (a non-zero exit, `file:line` on stderr,
no traceback), and a failed build leaves the output folder as it was.

Each case is a project that first builds cleanly; then one source is broken
and the build is run again, once through the API and once through the CLI.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

import pipeline
from pipeline import BuildError, Exit
from pipeline.cli import main
from conftest import make_project, source_date_epoch

ARTICLE = "source/piece/article.md"
GOOD_ARTICLE = """\
---
title: A Fine Piece
lang: en
---

Some text.

## Somewhere

More text, and [a link](#somewhere).
"""


def _png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Case:
    id: str
    broken: dict  # files that replace (or, with None, remove) good ones
    path: str  # where the error must point, relative to the project
    line: int
    message: str  # a fragment of the error's message
    column: int | None = None
    hint: str | None = None  # a fragment of the hint
    good: dict = field(default_factory=lambda: {ARTICLE: GOOD_ARTICLE})
    strict: bool = False  # built with --strict: what would otherwise be a warning fails the build


def _article(front: str, body: str = "Some text.\n") -> str:
    return f"---\n{front}---\n\n{body}"


def _tiff() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "TIFF")
    return buffer.getvalue()


IMAGE_ARTICLE = _article("title: A Fine Piece\n", "Some text.\n\n![A blue box](box.png)\n")

BOOK = {
    "source/piece/publication.yaml": "title: A Fine Book\nlang: en\ncontents:\n  - one.md\n  - two.md\n",
    "source/piece/one.md": "# One\n\nThe first chapter.\n",
    "source/piece/two.md": "# Two\n\nThe second chapter.\n",
}

COLLECTION = {
    "source/piece/publication.yaml": "title: A Fine Collection\nlang: en\ntype: collection\n"
                                     "contents:\n  - one.md\n  - two.md\n",
    "source/piece/one.md": _article("title: The First Piece\nauthor: Ann Writer\n", "The first piece.\n"),
    "source/piece/two.md": _article("title: The Second Piece\nauthor: Bo Author\n", "The second piece.\n"),
}

XREF_ARTICLE = _article("title: A Fine Piece\n",
                        "See [](#figure-1).\n\n![A blue box](box.png)\n\n/// figure-caption\nA blue box.\n///\n")
XREF_BOOK = {**BOOK, "source/piece/one.md": "# One\n\nThe first chapter; see [](two.md#a-section).\n",
             "source/piece/two.md": "# Two\n\nThe second chapter.\n\n## A section\n\nMore.\n"}

CASES = [
    Case("malformed-yaml",
         {ARTICLE: "---\ntitle: A Fine Piece\nlang: en\ndescription: one: two\n---\n\nSome text.\n"},
         ARTICLE, 4, "malformed YAML", column=17),
    Case("unknown-key", {ARTICLE: _article("titel: A Fine Piece\nlang: en\n")},
         ARTICLE, 2, "unknown metadata key 'titel'", hint="did you mean 'title'"),
    Case("invalid-language", {ARTICLE: _article("title: A Fine Piece\nlang: english please\n")},
         ARTICLE, 3, "english please"),
    Case("isbn-check-digit", {ARTICLE: _article("title: A Fine Piece\nidentifier: 978-3-16-148410-1\n")},
         ARTICLE, 3, "978-3-16-148410-1"),
    Case("impossible-date", {ARTICLE: _article("title: A Fine Piece\nlang: en\ndate: 2021-02-30\n")},
         ARTICLE, 4, "2021-02-30"),
    Case("missing-title", {ARTICLE: _article("lang: en\n")}, ARTICLE, 1, "no title"),
    Case("missing-image", {ARTICLE: _article("title: A Fine Piece\n", "Some text.\n\n![A blue box](gone.png)\n")},
         ARTICLE, 7, "gone.png",
         good={ARTICLE: IMAGE_ARTICLE, "source/piece/box.png": _png()}),
    Case("image-without-alt", {ARTICLE: _article("title: A Fine Piece\n", "Some text.\n\n![](box.png)\n")},
         ARTICLE, 7, "alternative text", hint="decorative",
         good={ARTICLE: IMAGE_ARTICLE, "source/piece/box.png": _png()}),
    Case("broken-link", {ARTICLE: GOOD_ARTICLE.replace("(#somewhere)", "(#nowhere)")},
         ARTICLE, 10, "'#nowhere': nothing in the publication has the id 'nowhere'", strict=True),
    Case("broken-link-across-files",
         {"source/piece/one.md": "# One\n\nThe first chapter, see [two](two.md#no-such-heading).\n"},
         "source/piece/one.md", 3, "'two.md#no-such-heading': nothing in that file has the id", good=BOOK,
         strict=True),
    Case("link-to-a-missing-file",
         {"source/piece/one.md": "# One\n\nThe first chapter, see [three](three.md).\n"},
         "source/piece/one.md", 3, "'three.md': no such file in the publication", hint="check the file name",
         good=BOOK, strict=True),
    Case("not-utf8", {ARTICLE: "---\ntitle: A Fine Piece\n---\n\nSome text.\nCaf\xe9 au lait.\n".encode("latin-1")},
         ARTICLE, 6, "not UTF-8", column=4),
    Case("missing-cover-image", {ARTICLE: _article("title: A Fine Piece\nlang: en\ncover-image: gone.png\n")},
         ARTICLE, 4, "gone.png"),
    Case("empty-source", {"source/piece/two.md": ""}, "source/piece/two.md", 1, "empty", good=BOOK),
    Case("wrong-type", {ARTICLE: _article("title: A Fine Piece\ntoc-depth: deep\n")},
         ARTICLE, 3, "toc-depth"),
    Case("unknown-edition-option", {ARTICLE: _article("title: A Fine Piece\nprint:\n  trimm: a4\n")},
         ARTICLE, 3, "unknown option 'trimm'", hint="did you mean 'trim'"),
    Case("corrupt-image", {"source/piece/box.png": b"\x89PNG\r\n\x1a\n but then nothing of a picture"},
         ARTICLE, 7, "damaged", good={ARTICLE: IMAGE_ARTICLE, "source/piece/box.png": _png()}),
    Case("unsupported-image", {ARTICLE: IMAGE_ARTICLE.replace("box.png", "box.tiff"),
                               "source/piece/box.tiff": _tiff()},
         ARTICLE, 7, "not a PNG, JPEG, GIF or SVG", good={ARTICLE: IMAGE_ARTICLE, "source/piece/box.png": _png()}),
    Case("duplicate-id", {ARTICLE: _article("title: A Fine Piece\n",
                                            'Some text.\n\n<p id="twice">One.</p>\n\n<p id="twice">Two.</p>\n')},
         ARTICLE, 7, "'twice' is used twice"),
    Case("deeply-nested", {ARTICLE: _article("title: A Fine Piece\n", "Some text.\n\n" + ">" * 200 + " deep\n")},
         ARTICLE, 7, "nested more than"),
    Case("huge-source", {ARTICLE: _article("title: A Fine Piece\n", "word " * 4_300_000)},
         ARTICLE, 1, "over the limit", hint="split it into chapters"),
    Case("malformed-manifest",
         {"source/piece/publication.yaml": "title: A Fine Book\nsubtitle: one: two\nlang: en\n"
                                           "contents:\n  - one.md\n  - two.md\n"},
         "source/piece/publication.yaml", 2, "malformed YAML", column=14, hint="quote values", good=BOOK),
    Case("broken-cross-reference", {ARTICLE: XREF_ARTICLE.replace("#figure-1", "#figure-9")},
         ARTICLE, 5, "'#figure-9': nothing in the publication has the id", hint="figure-1, figure-2",
         # Large enough for print: under --strict a low-resolution image fails the build too.
         good={ARTICLE: XREF_ARTICLE, "source/piece/box.png": _png((1600, 1200))}, strict=True),
    Case("broken-cross-reference-across-files",
         {"source/piece/one.md": XREF_BOOK["source/piece/one.md"].replace("#a-section", "#a-sektion")},
         "source/piece/one.md", 3, "two.md#a-sektion", good=XREF_BOOK, strict=True),
    # Chapters' and pieces' own front matter is checked like the publication's.
    Case("piece-unknown-key", {"source/piece/two.md": _article("titel: The Second Piece\n")},
         "source/piece/two.md", 2, "unknown metadata key 'titel'", hint="did you mean 'title'", good=COLLECTION),
    Case("chapter-impossible-date", {"source/piece/two.md": _article("date: 2021-02-30\n", "# Two\n\nText.\n")},
         "source/piece/two.md", 2, "'2021-02-30' is not a date that exists", good=BOOK),
    # Raw HTML that a normal build repairs or removes with a warning is refused under --strict.
    Case("unclosed-raw-html-strict",
         {ARTICLE: _article("title: A Fine Piece\n", 'Some text.\n\n<div class="box">\n<p>Inside\n'
                                                    '<em>never closed\n</div>\n')},
         ARTICLE, 9, "<em> is not closed", hint="close every HTML element", strict=True),
    Case("invalid-raw-html-strict",
         {ARTICLE: _article("title: A Fine Piece\n", 'Some text.\n\n<div class="box">\n<p>Inside</span> the box.</p>\n'
                                                    '</div>\n')},
         ARTICLE, 8, "</span> closes an element that is not open", strict=True),
    Case("script-strict", {ARTICLE: _article("title: A Fine Piece\n", 'Some text.\n\n<script>alert("hi")</script>\n')},
         ARTICLE, 7, "<script> is not allowed", hint="remove it", strict=True),
    Case("event-handler-strict",
         {ARTICLE: _article("title: A Fine Piece\n", 'Some text.\n\n<p onclick="alert(1)">Press here.</p>\n')},
         ARTICLE, 7, "event handler 'onclick' on <p> is not allowed", hint="no edition runs scripts", strict=True),
    Case("iframe-strict",
         {ARTICLE: _article("title: A Fine Piece\n", 'Some text.\n\n<iframe src="page.html" title="A page"></iframe>\n')},
         ARTICLE, 7, "<iframe> is not allowed", hint="remove it", strict=True),
    Case("form-strict",
         {ARTICLE: _article("title: A Fine Piece\n", 'Some text.\n\n<form action="send.php">\n<input name="email">\n'
                                                    '</form>\n')},
         ARTICLE, 7, "<form> is not allowed", hint="remove it", strict=True),
]


@dataclass
class Broken:
    case: Case
    project: Path
    before: dict  # the output folder after the good build: {name: (bytes, mtime_ns)}
    outcome: BaseException | None  # what the broken build raised through the API


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _write(project: Path, files: dict) -> None:
    for name, content in files.items():
        path = project / name
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture(scope="module", params=CASES, ids=[c.id for c in CASES])
def broken(request, tmp_path_factory) -> Broken:
    case = request.param
    project = make_project(tmp_path_factory.mktemp(case.id), case.good)
    with source_date_epoch():
        pipeline.build(project, strict=case.strict)
    before = snapshot(project / "dist")
    assert {".epub", ".pdf"} <= {Path(n).suffix for n in before}, "the good version did not build"
    _write(project, case.broken)
    outcome = None
    try:
        with source_date_epoch():
            pipeline.build(project, strict=case.strict)
    except Exception as exc:  # noqa: BLE001 - anything but BuildError is itself the failure
        outcome = exc
    return Broken(case, project, before, outcome)


def _matching(diagnostics, case: Case):
    return [d for d in diagnostics if d.severity == "error" and case.message in d.message]


def test_api_raises_build_error_located_at_the_problem(broken):
    case, outcome = broken.case, broken.outcome
    assert outcome is not None, "the broken source built without error"
    assert isinstance(outcome, BuildError), f"the build raised {type(outcome).__name__}: {outcome}"
    assert outcome.exit_code == Exit.INPUT
    found = _matching(outcome.diagnostics, case)
    assert found, f"no error mentions {case.message!r}:\n{outcome}"
    d = found[0]
    assert d.location is not None, f"error without location: {d}"
    assert (d.location.path, d.location.line) == (case.path, case.line), str(d)
    if case.column is not None:
        assert d.location.column == case.column, str(d)
    if case.hint is not None:
        assert d.hint and case.hint in d.hint, str(d)
    expected = f"{case.path}:{case.line}:" + (f"{case.column}:" if case.column else "")
    assert str(d).startswith(expected) and " error: " in str(d), str(d)
    if d.hint:
        assert str(d).endswith(f" ({d.hint})"), str(d)


def test_every_diagnostic_points_at_a_file_that_exists(broken):
    """A message that names a file the user does not have sends them looking for it."""
    if not isinstance(broken.outcome, BuildError):
        pytest.fail(f"the build raised {type(broken.outcome).__name__}: {broken.outcome}")
    for d in broken.outcome.diagnostics:
        if d.location is not None:
            assert (broken.project / d.location.path).exists(), f"diagnostic names a missing file: {d}"


def test_output_folder_is_unchanged_after_a_failed_build(broken):
    after = snapshot(broken.project / "dist")
    assert sorted(after) == sorted(broken.before)
    for name, (data, mtime) in broken.before.items():
        assert after[name][0] == data, f"{name} was rewritten"
        assert after[name][1] == mtime, f"{name} was touched"


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "pipeline", "build", "-C", str(project), "-q", *args],
                          capture_output=True, text=True, env=env, timeout=300, check=False)


def test_cli_exits_non_zero_with_file_and_line_and_no_traceback(broken):
    before = snapshot(broken.project / "dist")
    case = broken.case
    proc = _cli(broken.project, *(["--strict"] if case.strict else []))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == Exit.INPUT, f"exit status {proc.returncode}\n{proc.stderr}"
    assert f"{case.path}:{case.line}:" in proc.stderr, proc.stderr
    assert proc.stdout == ""
    assert snapshot(broken.project / "dist") == before


# --- several problems at once --------------------------------------------

def test_malformed_front_matter_is_not_also_reported_as_a_missing_title(tmp_path):
    """The title is there, on line 2; only the YAML on line 4 is wrong."""
    project = make_project(tmp_path, {
        ARTICLE: "---\ntitle: A Fine Piece\nlang: en\ndescription: one: two\n---\n\nSome text.\n"})
    with pytest.raises(BuildError) as caught:
        pipeline.build(project, formats=("epub",))
    assert [str(d) for d in caught.value.diagnostics if "title" in d.message] == []


def test_problems_in_several_chapters_are_all_reported_at_once(tmp_path):
    project = make_project(tmp_path, {
        "source/piece/publication.yaml": "title: A Fine Book\nlang: en\ncontents: [one.md, two.md, three.md]\n",
        "source/piece/one.md": "# One\n\nText.\n\n![A map](gone.png)\n",
        "source/piece/two.md": "# Two\n\nSee [nothing](#nowhere).\n",
        "source/piece/three.md": "# Three\n\n![](box.png)\n",
        "source/piece/box.png": _png(),
    })
    with pytest.raises(BuildError) as caught:
        pipeline.build(project)
    located = {(d.location.path, d.location.line) for d in caught.value.diagnostics if d.location}
    assert {("source/piece/one.md", 5), ("source/piece/two.md", 3), ("source/piece/three.md", 3)} <= located, \
        "\n".join(map(str, caught.value.diagnostics))
    assert not (project / "dist").exists() or not any((project / "dist").iterdir())


def test_metadata_and_content_problems_are_all_reported_at_once(tmp_path):
    """A wrong metadata key must not hide the missing image and the broken
    link: the user should see every problem in one run, not one per run."""
    project = make_project(tmp_path, {
        "source/piece/publication.yaml": "titel: A Fine Book\nlang: english\ncontents: [one.md, two.md]\n",
        "source/piece/one.md": "# One\n\nText.\n\n![A map](gone.png)\n",
        "source/piece/two.md": "# Two\n\nSee [nothing](#nowhere).\n",
    })
    with pytest.raises(BuildError) as caught:
        pipeline.build(project)
    located = {(d.location.path, d.location.line) for d in caught.value.diagnostics if d.location}
    expected = {("source/piece/publication.yaml", 1), ("source/piece/publication.yaml", 2),
                ("source/piece/one.md", 5), ("source/piece/two.md", 3)}
    assert expected <= located, "reported:\n" + "\n".join(map(str, caught.value.diagnostics))


def test_problems_in_two_publications_are_all_reported_at_once(tmp_path):
    project = make_project(tmp_path, {
        "source/first/article.md": _article("title: First\nlang: english\n"),
        "source/second/article.md": _article("title: Second\n", "See [nothing](#nowhere).\n"),
    })
    with pytest.raises(BuildError) as caught:
        pipeline.build(project)
    paths = {d.location.path for d in caught.value.diagnostics if d.location}
    assert paths == {"source/first/article.md", "source/second/article.md"}


def test_cli_reports_every_problem_and_counts_them(tmp_path):
    project = make_project(tmp_path, {
        "source/piece/publication.yaml": "title: A Fine Book\nlang: en\ncontents: [one.md, two.md]\n",
        "source/piece/one.md": "# One\n\nText.\n\n![A map](gone.png)\n",
        "source/piece/two.md": "# Two\n\nSee ![a chart](chart.png).\n",
    })
    proc = _cli(project)
    assert proc.returncode == Exit.INPUT, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "source/piece/one.md:5:" in proc.stderr
    assert "source/piece/two.md:3:" in proc.stderr
    assert "2 errors" in proc.stderr
    assert not (project / "dist").exists()


def test_unclosed_raw_html_is_a_located_warning_and_the_build_goes_on(tmp_path):
    body = 'Some text.\n\n<div class="box">\n<p>Inside\n<em>never closed\n</div>\n\nAfter.\n'
    project = make_project(tmp_path, {ARTICLE: _article("title: A Fine Piece\n", body)})
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub",))
    [warning] = [d for d in result.diagnostics if "raw HTML" in d.message]
    assert warning.severity == "warning" and "<em> is not closed" in warning.message
    # At the <em> itself, line 9 column 1, not at the start of the HTML block.
    assert (warning.location.path, warning.location.line, warning.location.column) == (ARTICLE, 9, 1)
    with source_date_epoch(), pytest.raises(BuildError):
        pipeline.build(project, formats=("epub",), strict=True)


# --- raw HTML that must not run: removed with a located warning ---------

UNSAFE = {  # what is written, on which line of UNSAFE_ARTICLE, the warning, what must not reach the EPUB
    "script": ('<script>alert("hi")</script>', 7, "<script> is not allowed", b"<script"),
    "event-handler": ('<p onclick="alert(1)">Press here.</p>', 9, "event handler 'onclick'", b"onclick"),
    "iframe": ('<iframe src="page.html" title="A page"></iframe>', 11, "<iframe> is not allowed", b"<iframe"),
    "form": ('<form action="send.php">\n<input name="email">\n</form>', 13, "<form> is not allowed", b"<form"),
}
UNSAFE_ARTICLE = _article("title: A Fine Piece\n", "Some text.\n\n" + "\n\n".join(
    written for written, *_ in UNSAFE.values()) + "\n\nAfter.\n")


@pytest.fixture(scope="module")
def unsafe_build(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("unsafe"), {ARTICLE: UNSAFE_ARTICLE})
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub",))
    with zipfile.ZipFile(project / "dist" / "piece.epub") as z:
        text = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xhtml"))
    return result, text


@pytest.mark.parametrize("kind", UNSAFE)
def test_unsafe_raw_html_is_removed_with_a_located_warning_and_the_build_goes_on(kind, unsafe_build):
    result, text = unsafe_build
    _, line, message, trace = UNSAFE[kind]
    found = [d for d in result.diagnostics if message in d.message]
    assert found, "\n".join(map(str, result.diagnostics))
    assert found[0].severity == "warning", str(found[0])
    assert (found[0].location.path, found[0].location.line) == (ARTICLE, line), str(found[0])
    assert [o.edition for o in result.outputs] == ["epub"]
    assert trace not in text, f"{trace!r} reached the EPUB"
    assert b"After." in text, "the text after it was kept"


# --- a chapter's or a piece's own front matter ----------------------------

BAD_FRONT = {  # front matter lines, the line of the problem, a fragment of the message
    "unknown-key": ("titel: A Piece\n", 2, "unknown metadata key 'titel'"),
    "wrong-type": ("title: A Piece\nsubtitle: [one, two]\n", 3, "'subtitle' must be text, not a list"),
    "impossible-date": ("title: A Piece\ndate: 2021-02-30\n", 3, "'2021-02-30' is not a date that exists"),
    "invalid-language": ("title: A Piece\nlang: english please\n", 3, "'english please' is not a valid BCP 47"),
}


def _loaded(project: Path, slug: str = "piece") -> list:
    from pipeline.errors import Diagnostics
    from pipeline.sources import load

    diags = Diagnostics(project)
    load(project / "source" / slug, diags)
    return diags.items


@pytest.mark.parametrize("kind", BAD_FRONT)
def test_a_pieces_front_matter_is_checked_like_the_publications(kind, tmp_path):
    """The same mistake gets the same message whether it is in an article's
    front matter, which is the publication's metadata, or in a piece's own."""
    front, line, message = BAD_FRONT[kind]
    body = "Some text.\n"
    article = _loaded(make_project(tmp_path / "article", {ARTICLE: _article(front, body)}))
    files = {**COLLECTION, "source/piece/two.md": _article(front, body)}
    piece = _loaded(make_project(tmp_path / "collection", files))
    [from_article] = [d for d in article if message in d.message]
    [from_piece] = [d for d in piece if message in d.message]
    assert (from_piece.severity, from_piece.message, from_piece.hint) == \
        (from_article.severity, from_article.message, from_article.hint)
    assert from_piece.severity == "error"
    assert (from_piece.location.path, from_piece.location.line) == ("source/piece/two.md", line)
    assert str(from_piece).startswith(f"source/piece/two.md:{line}: error: ")


def test_the_first_file_of_a_book_without_a_manifest_is_checked_once(tmp_path):
    """Its front matter is the book's metadata: one message, not two; the
    other chapters' front matter is checked as their own."""
    project = make_project(tmp_path, {
        "source/piece/one.md": _article("titel: A Book\nlang: en\n", "# One\n\nText.\n"),
        "source/piece/two.md": _article("lang: english please\n", "# Two\n\nText.\n"),
    })
    found = [(d.location.path, d.location.line, d.message) for d in _loaded(project)]
    assert [f for f in found if "titel" in f[2]] == [("source/piece/one.md", 2, "unknown metadata key 'titel'")]
    assert [f[:2] for f in found if "english please" in f[2]] == [("source/piece/two.md", 2)]


def test_good_front_matter_in_chapters_parts_and_back_matter_gives_no_message(tmp_path):
    """What the manifest adds to a file (its role, its part) is not taken for the writer's keys."""
    project = make_project(tmp_path, {
        "source/piece/publication.yaml": "title: A Fine Book\nlang: en\ncontents:\n  - part: The First\n"
                                         "    contents: [one.md]\n  - {file: two.md, role: back}\n",
        "source/piece/one.md": _article("title: One\nsubtitle: The start\nauthor: [Ann Writer, Bo Author]\n"
                                        "lang: fr\ndate: 2021-02-28\n", "# One\n\nText.\n"),
        "source/piece/two.md": _article("title: Two\nauthor: {name: Ann Writer, role: edt}\n", "# Two\n\nText.\n"),
    })
    assert [str(d) for d in _loaded(project)] == []


def test_a_project_without_fonts_is_told_so_before_anything_is_typeset(tmp_path, capsys):
    project = make_project(tmp_path / "project", {"source/article/article.md": "---\ntitle: Alpha\nlang: en\n---\n\nText.\n"})
    # Its own fonts.css, naming a font file it does not have.
    (project / "styles").mkdir()
    (project / "styles" / "fonts.css").write_text('@font-face { font-family: "X"; src: url(fonts/x/X.ttf); }\n')
    out = tmp_path / "out"
    for edition in ("epub", "pdf"):  # the EPUB's page-list comes from the print layout too
        assert main(["build", "-C", str(project), "-o", str(out), "-q", "--format", edition]) == Exit.INPUT
        err = capsys.readouterr().err
        assert "styles/fonts.css: error: the fonts.css in use declares no font that can be read" in err, err
        assert "remove styles/fonts.css to use the house fonts" in err and "Traceback" not in err
        assert not out.exists()
