"""The `pressroom` command, called in-process through pipeline.cli.main."""

from __future__ import annotations

import re
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
    return make_project(tmp_path_factory.mktemp("cli"), {
        "source/alpha/article.md": ALPHA,
        "source/beta/article.md": BETA,
    })


@pytest.fixture(autouse=True)
def _reproducible():
    with source_date_epoch():
        yield


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_version_prints_the_package_version(capsys):
    assert main(["--version"]) == Exit.OK
    assert capsys.readouterr().out.strip() == f"pressroom {pipeline.__version__}"


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
    assert main(["build", "-C", str(project), "-o", str(out), "alpha"]) == Exit.OK
    assert _files(out) == ["alpha.epub", "alpha.pdf"]
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 2, captured.out
    for edition in ("epub", "pdf"):
        [line] = [ln for ln in lines if ln.split()[0] == edition]
        assert f"alpha.{edition}" in line
        assert re.search(r"\d+(\.\d)? (KiB|MiB)", line), line
    [pdf_line] = [ln for ln in lines if ln.startswith("pdf")]
    assert re.search(r"\b\d+ pages\b", pdf_line), pdf_line
    assert captured.err == ""


def test_build_defaults_to_every_publication_into_dist(project, capsys):
    assert main(["build", "-C", str(project), "-q"]) == Exit.OK
    assert _files(project / "dist") == ["alpha.epub", "alpha.pdf", "beta.epub", "beta.pdf"]
    assert capsys.readouterr().out == "", "-q prints only problems"


def test_format_epub_writes_only_the_epub(project, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "-C", str(project), "-o", str(out), "--format", "epub", "beta"]) == Exit.OK
    assert _files(out) == ["beta.epub"]
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[0] for ln in lines] == ["epub"]


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
