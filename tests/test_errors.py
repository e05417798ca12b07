"""Bad input: every problem is reported with its file and line, through the
library (BuildError) and the command (a non-zero exit, `file:line` on stderr,
no traceback), and a failed build leaves the output folder as it was.

Each case is a project that first builds cleanly; then one source is broken
and the build is run again, once through the API and once through the CLI.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
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


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "PNG")
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
         ARTICLE, 10, "#nowhere"),
    Case("broken-link-across-files",
         {"source/piece/one.md": "# One\n\nThe first chapter, see [two](two.md#no-such-heading).\n"},
         "source/piece/one.md", 3, "two.md#no-such-heading", good=BOOK),
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
        pipeline.build(project)
    before = snapshot(project / "dist")
    assert {".epub", ".pdf"} <= {Path(n).suffix for n in before}, "the good version did not build"
    _write(project, case.broken)
    outcome = None
    try:
        with source_date_epoch():
            pipeline.build(project)
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
    proc = _cli(broken.project)
    case = broken.case
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
        "source/piece/two.md": "# Two\n\nSee [nothing](#nowhere).\n",
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
    assert (warning.location.path, warning.location.line) == (ARTICLE, 7)
    with source_date_epoch(), pytest.raises(BuildError):
        pipeline.build(project, formats=("epub",), strict=True)


def test_a_project_without_fonts_is_told_so_before_anything_is_typeset(tmp_path, capsys):
    project = make_project(tmp_path / "project", {"source/article/article.md": "---\ntitle: Alpha\nlang: en\n---\n\nText.\n"})
    shutil.rmtree(project / "styles" / "fonts")
    out = tmp_path / "out"
    for edition in ("epub", "pdf"):  # the EPUB's page-list comes from the print layout too
        assert main(["build", "-C", str(project), "-o", str(out), "-q", "--format", edition]) == Exit.INPUT
        err = capsys.readouterr().err
        assert "styles/fonts: error: there are no fonts in styles/fonts/" in err, err
        assert "copy styles/" in err and "Traceback" not in err
        assert not out.exists()
