"""Bad input through a whole build: a problem is reported with its file and
line through the library (BuildError) and the command (a non-zero exit,
`file:line` on stderr, no traceback), every problem at once, and a failed
build leaves the output folder as it was.

Each end-to-end case is a project that first builds cleanly; then one source
is broken and the build is run again, once through the API and once through
the CLI. Where each mistake is reported is checked at the reading stage, in
test_bad_input.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import pipeline
from pipeline import BuildError, Exit
from pipeline.cli import main
from bad_input import ARTICLE, CASES_BY_ID, Case, article, assert_located, png, write_files
from conftest import make_project, source_date_epoch

# A few representative cases through a whole build and the command: a
# mistake found when loading, one found when reading under --strict, and a
# damaged image. Every case is checked at the reading stage in test_bad_input.py.
END_TO_END = [CASES_BY_ID[name] for name in ("malformed-yaml", "broken-link", "corrupt-image")]


@dataclass
class Broken:
    case: Case
    project: Path
    before: dict  # the output folder after the good build: {name: (bytes, mtime_ns)}
    outcome: BaseException | None  # what the broken build raised through the API


def snapshot(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module", params=END_TO_END, ids=[c.id for c in END_TO_END])
def broken(request, tmp_path_factory) -> Broken:
    case = request.param
    project = make_project(tmp_path_factory.mktemp(case.id), case.good)
    with source_date_epoch():
        pipeline.build(project, strict=case.strict)
    before = snapshot(project / "dist")
    assert {".epub", ".pdf"} <= {Path(n).suffix for n in before}, "the good version did not build"
    write_files(project, case.broken)
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
    assert_located(d, case)


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
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "-C", str(project), "-q", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


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


def test_problems_in_several_chapters_are_all_reported_at_once(tmp_path):
    project = make_project(
        tmp_path,
        {
            "source/piece/publication.yaml": "title: A Fine Book\nlang: en\ncontents: [one.md, two.md, three.md]\n",
            "source/piece/one.md": "# One\n\nText.\n\n![A map](gone.png)\n",
            "source/piece/two.md": "# Two\n\nSee [nothing](#nowhere).\n",
            "source/piece/three.md": "# Three\n\n![](box.png)\n",
            "source/piece/box.png": png(),
        },
    )
    with pytest.raises(BuildError) as caught:
        pipeline.build(project)
    located = {(d.location.path, d.location.line) for d in caught.value.diagnostics if d.location}
    assert {("source/piece/one.md", 5), ("source/piece/two.md", 3), ("source/piece/three.md", 3)} <= located, "\n".join(
        map(str, caught.value.diagnostics)
    )
    assert not (project / "dist").exists() or not any((project / "dist").iterdir())


def test_problems_in_two_publications_are_all_reported_at_once(tmp_path):
    project = make_project(
        tmp_path,
        {
            "source/first/article.md": article("title: First\nlang: english\n"),
            "source/second/article.md": article("title: Second\n", "See [nothing](#nowhere).\n"),
        },
    )
    with pytest.raises(BuildError) as caught:
        pipeline.build(project)
    paths = {d.location.path for d in caught.value.diagnostics if d.location}
    assert paths == {"source/first/article.md", "source/second/article.md"}


def test_cli_reports_every_problem_and_counts_them(tmp_path):
    project = make_project(
        tmp_path,
        {
            "source/piece/publication.yaml": "title: A Fine Book\nlang: en\ncontents: [one.md, two.md]\n",
            "source/piece/one.md": "# One\n\nText.\n\n![A map](gone.png)\n",
            "source/piece/two.md": "# Two\n\nSee ![a chart](chart.png).\n",
        },
    )
    proc = _cli(project)
    assert proc.returncode == Exit.INPUT, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "source/piece/one.md:5:" in proc.stderr
    assert "source/piece/two.md:3:" in proc.stderr
    assert "2 errors" in proc.stderr
    assert not (project / "dist").exists()


def test_unclosed_raw_html_is_a_located_warning_and_the_build_goes_on(tmp_path):
    body = 'Some text.\n\n<div class="box">\n<p>Inside\n<em>never closed\n</div>\n\nAfter.\n'
    project = make_project(tmp_path, {ARTICLE: article("title: A Fine Piece\n", body)})
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
UNSAFE_ARTICLE = article(
    "title: A Fine Piece\n", "Some text.\n\n" + "\n\n".join(written for written, *_ in UNSAFE.values()) + "\n\nAfter.\n"
)


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


def test_a_project_without_fonts_is_told_so_before_anything_is_typeset(tmp_path, capsys):
    project = make_project(
        tmp_path / "project", {"source/article/article.md": "---\ntitle: Alpha\nlang: en\n---\n\nText.\n"}
    )
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
