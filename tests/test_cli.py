"""The `pressroom` command, called in-process through pipeline.cli.main."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline import Exit
from pipeline.cli import main
from conftest import make_project, source_date_epoch

ALPHA = "---\ntitle: Alpha\nlang: en\n---\n\nThe first article.\n\n## A section\n\nMore text.\n"
BETA = "---\ntitle: Beta\nlang: en\n---\n\nThe second article.\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(
        tmp_path_factory.mktemp("cli"),
        {
            "source/alpha/article.md": ALPHA,
            "source/beta/article.md": BETA,
        },
    )


@pytest.fixture(autouse=True)
def _reproducible():
    with source_date_epoch():
        yield


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_version_prints_the_package_version(capsys):
    assert main(["--version"]) == Exit.OK
    assert capsys.readouterr().out.strip() == f"pressroom {pipeline.__version__}"


def test_the_installed_command_writes_all_its_output_and_its_status_before_it_ends(tmp_path):
    """The console script ends the process at once after main(): what it
    printed must be all there, and its status the command's."""
    import subprocess

    command = Path(sys.executable).with_name("pressroom")
    good = make_project(tmp_path / "good", {"source/alpha/article.md": ALPHA})
    done = subprocess.run([str(command), "build", "-C", str(good), "--format", "epub"], capture_output=True, text=True)
    assert done.returncode == Exit.OK, done.stderr
    assert "alpha.epub" in done.stdout and done.stdout.endswith("\n"), "the summary table, whole"
    assert (good / "dist" / "alpha.epub").is_file()
    bad = make_project(tmp_path / "bad", {"source/alpha/article.md": "---\ntitle: [unclosed\n---\n\nText.\n"})
    failed = subprocess.run([str(command), "build", "-C", str(bad)], capture_output=True, text=True)
    assert failed.returncode == Exit.INPUT
    assert "source/alpha/article.md:2:17: error: malformed YAML" in failed.stderr
    assert failed.stderr.splitlines()[-1].startswith("pressroom: build failed with 1 error"), failed.stderr


def test_help_exits_zero_and_names_the_build_command(capsys):
    assert main(["--help"]) == Exit.OK
    out = capsys.readouterr().out
    assert out.startswith("usage: pressroom")
    assert "build" in out


def test_build_help_lists_its_options(capsys):
    assert main(["build", "--help"]) == Exit.OK
    out = capsys.readouterr().out
    for option in ("--project", "--format", "--output", "--strict", "--quiet"):
        assert option in out


def test_no_command_prints_help_and_exits_zero(capsys):
    assert main([]) == Exit.OK
    assert "usage: pressroom" in capsys.readouterr().out


def test_build_writes_both_editions_and_prints_a_summary(project, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "-C", str(project), "-o", str(out), "--format", "epub,pdf", "alpha"]) == Exit.OK
    assert _files(out) == ["SHA256SUMS", "alpha.epub", "alpha.pdf"]
    captured = capsys.readouterr()
    header, *lines = captured.out.splitlines()
    assert header.split() == ["edition", "file", "size", "pages", "checks"]
    assert len(lines) == 2, captured.out
    for edition in ("epub", "pdf"):
        [line] = [ln for ln in lines if ln.split()[0] == edition]
        assert f"alpha.{edition}" in line
        assert re.search(r"\d+(\.\d)? (KiB|MiB)", line), line
    [pdf_line] = [ln for ln in lines if ln.startswith("pdf")]
    assert re.search(r"KiB\s+\d+\s", pdf_line), pdf_line
    # Progress goes to stderr, naming the publication and the step.
    progress = captured.err.splitlines()
    assert progress and all(line.startswith("pressroom: ") for line in progress), captured.err
    assert any("alpha" in line and "print edition" in line for line in progress)


def test_build_defaults_to_every_publication_into_dist(project, capsys):
    assert main(["build", "-C", str(project), "-q"]) == Exit.OK
    assert _files(project / "dist") == ["SHA256SUMS"] + [
        f"{name}.{suffix}" for name in ("alpha", "beta") for suffix in ("archival.pdf", "bag.tar", "epub", "pdf")
    ]
    assert capsys.readouterr().out == "", "-q prints only problems"


def test_format_epub_writes_only_the_epub(project, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "-C", str(project), "-o", str(out), "--format", "epub", "beta"]) == Exit.OK
    assert _files(out) == ["SHA256SUMS", "beta.epub"]
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[0] for ln in lines] == ["edition", "epub"]


def test_unknown_publication_is_an_error_naming_the_choices(project, tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["build", "-C", str(project), "-o", str(out), "gamma"])
    assert status != Exit.OK
    err = capsys.readouterr().err
    assert "gamma" in err
    assert "alpha" in err and "beta" in err, err
    assert _files(out) == []


def test_unknown_format_is_a_usage_error_naming_the_choices(project, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "-C", str(project), "-o", str(out), "--format", "docx"]) == Exit.USAGE
    err = capsys.readouterr().err
    assert "docx" in err and "epub" in err and "pdf" in err
    assert _files(out) == []


def test_unknown_option_is_a_usage_error(capsys):
    assert main(["build", "--no-such-option"]) == Exit.USAGE
    assert "--no-such-option" in capsys.readouterr().err


# --- check, new, clean, watch, internal errors -------------------------------


def test_check_runs_every_validator_and_passes_a_good_build(project, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "-C", str(project), "-o", str(out), "-q", "alpha"]) == Exit.OK
    status = main(["check", "-C", str(project), "-o", str(out), "-q"])
    table = capsys.readouterr().out
    assert status == Exit.OK, table
    assert re.search(r"alpha\.epub\s+EPUBCheck\s+passed", table), table
    assert re.search(r"alpha\.epub\s+Ace\s+passed", table), table
    assert re.search(r"alpha\.pdf\s+PDF structure\s+passed", table), table


def test_check_fails_and_names_the_problem_in_a_damaged_epub(project, tmp_path, capsys):
    import zipfile

    out = tmp_path / "out"
    assert main(["build", "-C", str(project), "-o", str(out), "-q", "--format", "epub", "alpha"]) == Exit.OK
    damaged = out / "alpha.epub"
    with zipfile.ZipFile(damaged, "a") as z:
        z.writestr("EPUB/text/stray.xhtml", "<html><p>not listed and not well-formed")
    status = main(["check", "-C", str(project), "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert status == Exit.CHECK
    assert re.search(r"alpha\.epub\s+EPUBCheck\s+FAILED", captured.out)
    assert "stray.xhtml" in captured.err


@pytest.mark.parametrize("kind", ["article", "book", "collection", "mdbook", "mkdocs"])
def test_add_scaffolds_a_publication_that_builds_at_once(kind, tmp_path, capsys):
    from conftest import epubcheck, make_project

    project = make_project(tmp_path / "p", {})
    assert main(["add", "-C", str(project), "--kind", kind, "my-first"]) == Exit.OK
    folder = project / "source" / "my-first"
    assert folder.is_dir() and any(folder.rglob("*.md"))
    assert main(["build", "-C", str(project), "-q", "--strict", "-f", "epub,pdf"]) == Exit.OK, capsys.readouterr().err
    assert epubcheck(project / "dist" / "my-first.epub") == []
    assert (project / "dist" / "my-first.pdf").stat().st_size > 1000
    # A second `add` with the same name refuses to overwrite the writer's work.
    assert main(["add", "-C", str(project), "my-first"]) == Exit.USAGE


@pytest.mark.parametrize(
    "name",
    [
        "../..",
        "..",
        ".",
        "",
        " ",
        "/tmp/elsewhere",
        "source/x",
        "a\\b",
        ".hidden",
        "CON",
        "lpt1.md",
        "a:b",
        "what?",
        "dot.",
        "tab\there",
        "x" * 256,
    ],
)
def test_add_refuses_a_name_that_is_not_one_portable_folder_under_source(name, tmp_path, capsys):
    project = tmp_path / "p"
    (project / "source").mkdir(parents=True)
    before = sorted(tmp_path.rglob("*"))
    assert main(["add", "-C", str(project), name]) == Exit.USAGE
    err = capsys.readouterr().err
    assert "cannot be a publication's name" in err and "(give a plain name" in err, err
    assert sorted(tmp_path.rglob("*")) == before  # nothing made, here or elsewhere


def test_add_refuses_a_name_taken_by_a_file_or_a_link(tmp_path, capsys):
    project = tmp_path / "p"
    (project / "source").mkdir(parents=True)
    (project / "source" / "taken").write_text("a file\n")
    (tmp_path / "outside").mkdir()
    (project / "source" / "linked").symlink_to(tmp_path / "outside")
    assert main(["add", "-C", str(project), "taken"]) == Exit.USAGE
    assert main(["add", "-C", str(project), "linked"]) == Exit.USAGE
    assert "taken by a file or a link" in capsys.readouterr().err
    assert list((tmp_path / "outside").iterdir()) == []


def test_new_makes_a_whole_project_that_builds_with_no_styles_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Mein Buch", "--kind", "book"]) == Exit.OK
    out = capsys.readouterr().out
    project = tmp_path / "Mein Buch"
    assert "made Mein Buch a project with a first book in source/mein-buch/" in out
    assert "cd 'Mein Buch' && pressroom serve" in out
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()) == [
        ".gitignore",
        "README.md",
        "source/mein-buch/chapter-1.md",
        "source/mein-buch/chapter-2.md",
        "source/mein-buch/publication.yaml",
    ]
    assert (project / ".gitignore").read_text() == "dist/\n.cache/\n"
    assert "source/mein-buch/" in (project / "README.md").read_text()
    assert main(["build", "-C", str(project), "-q", "--strict", "-f", "epub"]) == Exit.OK
    assert (project / "dist" / "mein-buch.epub").is_file() and not (project / "styles").exists()


def test_new_refuses_a_folder_in_use_or_a_project_inside_a_project(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.md").write_text("mine\n")
    (tmp_path / "a-file").write_text("mine\n")
    (tmp_path / "proj" / "source").mkdir(parents=True)
    before = sorted(tmp_path.rglob("*"))
    assert main(["new", "busy"]) == Exit.USAGE
    assert main(["new", "a-file"]) == Exit.USAGE
    assert main(["new", "proj/inner"]) == Exit.USAGE
    err = capsys.readouterr().err
    assert "busy: error: the folder already exists and is not empty; nothing was made" in err
    assert "run 'pressroom init' inside this one" in err
    assert "a-file: error: a file or a link is in the way" in err
    assert "run 'pressroom add inner' there" in err
    assert sorted(tmp_path.rglob("*")) == before
    assert main(["new", "empty-but-there"]) == Exit.OK  # an empty folder, or none, is fine


def test_init_makes_this_folder_a_project_and_keeps_what_it_holds(tmp_path, capsys):
    folder = tmp_path / "essays"
    folder.mkdir()
    (folder / "README.md").write_text("my own readme\n")
    (folder / ".gitignore").write_text("*.bak\ndist\n")
    assert main(["init", "-C", str(folder), "--kind", "mkdocs"]) == Exit.OK
    assert (folder / "README.md").read_text() == "my own readme\n"
    assert (folder / ".gitignore").read_text() == "*.bak\ndist\n.cache/\n"
    assert (folder / "source" / "essays" / "mkdocs.yml").is_file()
    capsys.readouterr()
    assert main(["init", "-C", str(folder)]) == Exit.USAGE
    assert "this folder is a project already" in capsys.readouterr().err
    assert main(["build", "-C", str(folder), "-q", "--strict", "-f", "epub"]) == Exit.OK


def test_clean_removes_built_editions_only(project, capsys):
    assert main(["build", "-C", str(project), "-q", "alpha"]) == Exit.OK
    (project / "dist" / ".gitkeep").write_text("")
    left = project / "dist" / ".pressroom-staging-x1" / "alpha"  # what a killed parallel build leaves
    left.mkdir(parents=True)
    (left / "alpha.pdf").write_bytes(b"%PDF-")
    assert main(["clean", "-C", str(project)]) == Exit.OK
    assert _files(project / "dist") == [".gitkeep"]
    assert not left.parent.exists()
    assert (project / "source" / "alpha").is_dir()


def test_watch_rebuilds_the_publication_whose_source_changed(project):
    import threading

    from pipeline import build
    from pipeline.watch import watch

    build(project)
    rebuilt, ready, seen = [], threading.Event(), threading.Condition()

    def rebuild(names):
        with seen:
            rebuilt.append(names)
            seen.notify_all()

    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(project, rebuild, stop, 0.05), kwargs={"ready": ready.set})
    thread.start()
    try:
        assert ready.wait(120)
        source = next((project / "source" / "beta").glob("*.md"))
        source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        with seen:
            seen.wait_for(lambda: rebuilt, timeout=120)
        # The project has no styles/ yet: one made now is a style for every publication.
        (project / "styles").mkdir()
        (project / "styles" / "base.css").write_text("p { margin: 0 }\n", encoding="utf-8")
        with seen:
            seen.wait_for(lambda: len(rebuilt) >= 2, timeout=120)
    finally:
        stop.set()
        thread.join()
    assert rebuilt == [["beta"], None], "a source names its publication; a style rebuilds everything"


def test_an_internal_error_is_one_line_not_a_traceback(project, capsys, monkeypatch):
    from pipeline.run import make as making

    def broken(*args, **kwargs):
        raise RuntimeError("something unforeseen")

    monkeypatch.setattr(making, "render", broken)
    status = main(["build", "-C", str(project), "-q", "--jobs", "1"])
    err = capsys.readouterr().err
    assert status == Exit.INTERNAL
    assert "Traceback" not in err
    assert "internal error: RuntimeError: something unforeseen" in err


# --- colour, --quiet and --verbose -------------------------------------------

BROKEN = "---\ntitle: Broken\nlang: en\n---\n\nSee ![a map](gone.png).\n"
WARNED = '---\ntitle: Warned\nlang: en\n---\n\nText.\n\n<p onclick="x()">Press.</p>\n'


@pytest.mark.parametrize("no_color,coloured", [(None, True), ("1", False), ("", True)], ids=["unset", "set", "empty"])
def test_no_color_keeps_escape_codes_out_of_messages(no_color, coloured, tmp_path, monkeypatch, capsys):
    # Colour is only ever used on a terminal; capsys's stream is made to look like one.
    # (The captured stream is in place only in the test's body, not in fixtures.)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    # An empty NO_COLOR counts as unset (no-color.org).
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    project = make_project(tmp_path, {"source/broken/article.md": BROKEN})
    assert main(["build", "-C", str(project), "-q", "-j", "1"]) == Exit.INPUT
    err = capsys.readouterr().err
    assert "source/broken/article.md:6: error: image 'gone.png' does not exist" in err, err
    if coloured:
        assert "\033[31msource/broken/article.md:6: error:" in err and err.rstrip().endswith("\033[0m"), err
    else:
        assert "\033[" not in err, repr(err)


def test_messages_are_plain_when_stderr_is_not_a_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("NO_COLOR", raising=False)
    project = make_project(tmp_path, {"source/broken/article.md": BROKEN})
    assert main(["build", "-C", str(project), "-q", "-j", "1"]) == Exit.INPUT
    assert "\033[" not in capsys.readouterr().err


def test_quiet_prints_only_the_problems(tmp_path, capsys):
    project = make_project(tmp_path, {"source/warned/article.md": WARNED})
    assert main(["build", "-C", str(project), "-q", "-j", "1", "--format", "epub"]) == Exit.OK
    captured = capsys.readouterr()
    assert captured.out == "", "no summary table"
    assert captured.err.splitlines() == [
        "source/warned/article.md:8: warning: event handler 'onclick' on <p> was removed "
        "(remove the attribute: no edition runs scripts)"
    ], captured.err
    assert main(["clean", "-C", str(project), "-q"]) == Exit.OK
    assert capsys.readouterr() == ("", "")
    # Without --quiet, the same build also shows its progress and the table.
    assert main(["build", "-C", str(project), "-j", "1", "--format", "epub"]) == Exit.OK
    captured = capsys.readouterr()
    assert captured.out.split()[:5] == ["edition", "file", "size", "pages", "checks"]
    assert any(line.startswith("pressroom: ") for line in captured.err.splitlines()), captured.err


def test_quiet_still_reports_a_failed_build(tmp_path, capsys):
    project = make_project(tmp_path, {"source/broken/article.md": BROKEN})
    assert main(["build", "-C", str(project), "-q", "-j", "1"]) == Exit.INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "source/broken/article.md:6: error:" in captured.err
    assert "build failed with 1 error" in captured.err


def test_verbose_shows_the_traceback_of_an_internal_error_only(project, tmp_path, capsys, monkeypatch):
    broken = make_project(tmp_path, {"source/broken/article.md": BROKEN})
    assert main(["build", "-C", str(broken), "-q", "-v", "-j", "1"]) == Exit.INPUT
    err = capsys.readouterr().err
    assert "Traceback" not in err, "a mistake in the sources is a message, even with --verbose"
    assert "source/broken/article.md:6: error:" in err

    from pipeline.run import make as making

    def failing(*args, **kwargs):
        raise RuntimeError("something unforeseen")

    monkeypatch.setattr(making, "render", failing)
    out = tmp_path / "out"
    assert main(["build", "-C", str(project), "-o", str(out), "-q", "--verbose", "--jobs", "1"]) == Exit.INTERNAL
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in failing" in err, err
    assert "internal error: RuntimeError: something unforeseen" in err
    assert _files(out) == []
