"""An output folder that cannot take the editions is told before anything
is built, with what to do; a disk that fills up while they are written
fails the publication with a located error, its previous editions kept.
Never an internal error."""

from __future__ import annotations

import errno
import os
import zipfile
from pathlib import Path

import pytest

from pipeline import Exit
from pipeline.cli import main
from conftest import make_project, source_date_epoch

ARTICLE = "---\ntitle: Alpha\nlang: en\n---\n\nThe alpha article.{extra}\n"


@pytest.fixture(autouse=True)
def _reproducible():
    with source_date_epoch():
        yield


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "project", {"source/alpha/article.md": ARTICLE.format(extra="")})


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"/" for p in sorted(folder.rglob("*"))
    }


def _editions(project: Path) -> dict[str, tuple[bytes, int]]:
    """What the output folder holds: each file's bytes and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (project / "dist").iterdir()}


def _built(project: Path) -> dict[str, tuple[bytes, int]]:
    assert main(["build", "-C", str(project), "-q", "-f", "epub"]) == Exit.OK
    (project / "source/alpha/article.md").write_text(ARTICLE.format(extra=" Later."), encoding="utf-8")
    return _editions(project)


def _failed(args: list[str], capsys, status: Exit) -> str:
    capsys.readouterr()
    got = main(args)
    err = capsys.readouterr().err
    assert got == status, err
    assert "internal error" not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    "where, said",
    [
        ("a-file", "the output folder is not a folder but a file"),
        (
            "source/out",
            "the output folder is inside the project's source/ folder: its editions would be read as a publication",
        ),
        ("source", "the output folder is inside the project's source/ folder"),
        ("styles/out", "the output folder is inside the project's styles/ folder"),
        (".", "the output folder holds the project's source/ folder"),
        ("no/such/folder", "the output folder's parent folder does not exist"),
    ],
)
def test_an_output_folder_that_cannot_be_one_is_refused_before_anything_is_built(project, capsys, where, said):
    (project / "a-file").write_text("keep me")
    before = _tree(project)
    err = _failed(["build", "-C", str(project), "-f", "epub", "-o", str(project / where)], capsys, Exit.USAGE)
    assert f"error: {said}" in err, err
    assert "choose another output folder with -o" in err or "make " in err, err
    assert "nothing in the output folder was changed" in err
    assert _tree(project) == before


def test_an_output_folder_that_cannot_be_written_is_one_error_naming_it(project, capsys, monkeypatch):
    before = _built(project)
    real = os.mkdir

    def mkdir(path, *args, **kwargs):
        if Path(path).parent.name == "dist":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    err = _failed(["build", "-C", str(project), "-f", "epub"], capsys, Exit.ENVIRONMENT)
    assert "dist: error: cannot write into the output folder: Permission denied" in err, err
    assert "make it writable" in err
    assert _editions(project) == before


def test_a_full_disk_while_the_editions_are_written_keeps_the_previous_ones(project, capsys, monkeypatch):
    before = _built(project)

    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    err = _failed(["build", "-C", str(project), "-f", "epub"], capsys, Exit.ENVIRONMENT)
    assert "error: could not write the editions of 'alpha' into the output folder: No space left on device" in err
    assert "nothing in the output folder was changed" in err
    assert _editions(project) == before


def test_a_full_disk_while_the_editions_are_made_is_a_located_error(project, capsys, monkeypatch):
    before = _built(project)
    from pipeline.run import make as making

    def render(pub, project, **options):
        raise OSError(errno.ENOSPC, "No space left on device", "/tmp/pressroom-work")

    monkeypatch.setattr(making, "render", render)
    err = _failed(["build", "-C", str(project), "-f", "epub", "--page-list"], capsys, Exit.ENVIRONMENT)
    assert "source/alpha: error: could not build 'alpha': No space left on device (/tmp/pressroom-work)" in err
    assert "make room" in err
    assert _editions(project) == before


def test_a_cache_that_cannot_be_saved_is_a_warning_and_the_editions_are_in_place(project, capsys, monkeypatch):
    from pipeline.cache import Cache

    _built(project)

    def save(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Cache, "save", save)
    capsys.readouterr()
    assert main(["build", "-C", str(project), "-f", "epub"]) == Exit.OK
    err = capsys.readouterr().err
    assert "warning: could not record the build in the cache: No space left on device" in err, err
    with zipfile.ZipFile(project / "dist/alpha.epub") as epub:
        assert any("Later." in epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert main(["verify", "-C", str(project), "-q"]) == Exit.OK


def test_a_source_deleted_while_its_publication_is_built_is_a_located_error(project, capsys, monkeypatch):
    before = _built(project)
    from pipeline.run import make as making

    real = making.render

    def render(pub, project, **options):
        (project / "source/alpha/article.md").unlink()
        with (project / "source/alpha/article.md").open(encoding="utf-8"):  # as a later stage reading it again
            pass
        return real(pub, project, **options)

    monkeypatch.setattr(making, "render", render)
    err = _failed(["build", "-C", str(project), "-f", "epub", "--page-list"], capsys, Exit.INPUT)
    assert "source/alpha/article.md: error: could not build 'alpha': No such file or directory" in err, err
    assert "build again" in err
    assert _editions(project) == before


@pytest.mark.parametrize("where", ["source/alpha", "styles", "."])
def test_clean_never_empties_the_sources_the_styles_or_the_project(project, capsys, where):
    (project / "styles").mkdir(exist_ok=True)  # a project with a sheet of its own
    (project / "styles" / "print.css").write_text("p { margin: 0; }\n", encoding="utf-8")
    before = _tree(project)
    err = _failed(["clean", "-C", str(project), "-o", str(project / where)], capsys, Exit.USAGE)
    assert "error: the output folder" in err and "nothing was removed" in err, err
    assert _tree(project) == before
