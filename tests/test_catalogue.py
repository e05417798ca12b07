"""One failing publication does not stop a catalogue.

Each publication of a build is read and built on its own: one that fails (a
problem in its sources, an internal error, an output folder it cannot be
written to) keeps its previous editions byte for byte and its cache entry,
the others are built, SHA256SUMS changes only for what was written, and the
build ends with a non-zero status that names the failures. A publication's
editions are replaced as one set, or not at all.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

import pipeline
from pipeline import BuildError, Exit
from pipeline.archive import checksums
from pipeline.cli import main
from conftest import make_project, source_date_epoch

SLUGS = ("alpha", "beta", "gamma")
# The missing image is on line 8 of the file.
BROKEN = "---\ntitle: Beta\nlang: en\n---\n\nThe beta article.\n\n![A map of the district](missing.png)\n"
BROKEN_AT = "source/beta/article.md:8:"
ALL = ["SHA256SUMS"] + [
    f"{slug}{suffix}" for slug in SLUGS for suffix in (".archival.pdf", ".bag.tar", ".epub", ".pdf")
]


def _article(slug: str, extra: str = "") -> str:
    return f"---\ntitle: {slug.title()}\nlang: en\n---\n\nThe {slug} article.\n\n## A section\n\nMore text.{extra}\n"


@pytest.fixture(autouse=True)
def _reproducible():
    with source_date_epoch():
        yield


def _catalogue(tmp_path: Path, *args: str) -> Path:
    """Three publications, built once with every edition: the earlier good build."""
    project = make_project(tmp_path / "project", {f"source/{s}/article.md": _article(s) for s in SLUGS})
    assert main(["build", "-C", str(project), "-q", *args]) == Exit.OK
    assert sorted(p.name for p in (project / "dist").iterdir()) == sorted(ALL)
    return project


def _state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every entry of the folder with its bytes, inode and modification time:
    what any write, replacement or touch would change."""
    return {
        p.name: (p.read_bytes() if p.is_file() else b"", p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def _of(state: dict, slug: str) -> dict:
    return {name: value for name, value in state.items() if name.startswith(f"{slug}.")}


def _cache_entries(project: Path) -> dict:
    [cache] = (project / ".cache" / "pressroom").glob("*.json")
    return json.loads(cache.read_text(encoding="utf-8"))["publications"]


def _epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))


def _edit_the_good_ones(project: Path) -> None:
    """alpha and gamma change too, so that they have to be built again."""
    for slug in ("alpha", "gamma"):
        (project / "source" / slug / "article.md").write_text(
            _article(slug, " A sentence added later."), encoding="utf-8"
        )


def _assert_built_again(project: Path, before: dict) -> None:
    dist = project / "dist"
    for slug in ("alpha", "gamma"):
        assert "A sentence added later." in _epub_text(dist / f"{slug}.epub"), f"{slug}.epub was not built again"
        for name in _of(before, slug):
            assert (dist / name).read_bytes() != before[name][0], f"{name} was not replaced"
    entries = checksums.parse((dist / "SHA256SUMS").read_text(encoding="utf-8"))
    assert set(entries) == set(ALL) - {"SHA256SUMS"}
    for name in entries:
        assert entries[name] == checksums.digest(dist / name), f"SHA256SUMS is wrong for {name}"


def _no_staging_left(project: Path) -> None:
    assert not [p.name for p in (project / "dist").iterdir() if p.name.startswith(".")]


# --- a problem in one publication's sources ----------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["in-process", "local-workers"])
def test_a_publication_with_a_source_error_keeps_its_editions_and_the_others_are_built(tmp_path, capsys, jobs):
    project = _catalogue(tmp_path, "--jobs", jobs)
    before, cached = _state(project / "dist"), _cache_entries(project)
    (project / "source/beta/article.md").write_text(BROKEN, encoding="utf-8")
    _edit_the_good_ones(project)
    capsys.readouterr()

    status = main(["build", "-C", str(project), "--jobs", jobs])
    captured = capsys.readouterr()
    assert status == Exit.INPUT, captured.err
    assert "Traceback" not in captured.err
    # The failure is named with its located error, after the table of what was built.
    assert f"{BROKEN_AT} error: image 'missing.png' does not exist" in captured.err, captured.err
    assert "pressroom: beta failed with 1 error" in captured.err, captured.err
    assert "1 of 3 publications failed" in captured.err and "2 were built" in captured.err, captured.err
    assert "nothing in the output folder was changed" not in captured.err
    table = captured.out.split()
    assert "alpha.epub" in table and "gamma.bag.tar" in table and "beta.epub" not in table, captured.out

    after = _state(project / "dist")
    assert _of(after, "beta") == _of(before, "beta"), "beta's previous editions were touched"
    _assert_built_again(project, before)
    _no_staging_left(project)
    assert main(["verify", "-C", str(project), "-q"]) == Exit.OK, capsys.readouterr().err

    # Its cache entry is the earlier good build's, still: with its sources as
    # they were, beta is up to date, and nothing is built again.
    entries = _cache_entries(project)
    assert entries["beta"] == cached["beta"] and entries["alpha"] != cached["alpha"]
    (project / "source/beta/article.md").write_text(_article("beta"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "-C", str(project), "--jobs", jobs]) == Exit.OK
    assert "beta: up to date" in capsys.readouterr().err
    assert _of(_state(project / "dist"), "beta") == _of(before, "beta")


def test_the_library_names_the_failed_publication_with_its_diagnostics(tmp_path):
    project = make_project(
        tmp_path / "project",
        {
            "source/alpha/article.md": _article("alpha"),
            "source/beta/article.md": BROKEN,
            "source/gamma/article.md": _article("gamma"),
        },
    )
    with pytest.raises(BuildError) as caught:
        pipeline.build(project, formats=("epub",))
    error = caught.value
    assert error.exit_code == Exit.INPUT
    result = error.result
    assert list(result.failed) == ["beta"]
    failure = result.failed["beta"]
    assert failure.exit_code == Exit.INPUT and failure.details is None
    assert [f"{d.location}:" for d in failure.diagnostics if d.severity == "error"] == [BROKEN_AT]
    assert [(o.publication, o.path.name) for o in result.outputs] == [("alpha", "alpha.epub"), ("gamma", "gamma.epub")]
    assert all(o.path.is_file() for o in result.outputs)
    assert sorted(p.name for p in (project / "dist").iterdir()) == ["SHA256SUMS", "alpha.epub", "gamma.epub"]
    assert set(failure.diagnostics) <= set(error.diagnostics) == set(result.diagnostics)


def test_strict_fails_only_the_publication_with_a_warning(tmp_path, capsys):
    warned = _article("alpha", '\n\n<p onclick="x()">Press.</p>')
    project = make_project(
        tmp_path / "project", {"source/alpha/article.md": warned, "source/beta/article.md": _article("beta")}
    )
    assert main(["build", "-C", str(project), "-q", "--jobs", "1", "--format", "epub"]) == Exit.OK
    assert sorted(p.name for p in (project / "dist").iterdir()) == ["SHA256SUMS", "alpha.epub", "beta.epub"]
    before = _state(project / "dist")
    capsys.readouterr()
    # --no-cache: beta is built again, not taken as up to date.
    status = main(["build", "-C", str(project), "-q", "--jobs", "1", "--format", "epub", "--strict", "--no-cache"])
    err = capsys.readouterr().err
    assert status == Exit.INPUT, err
    assert "source/alpha/article.md:12:" in err and "error: event handler 'onclick'" in err, err
    assert "pressroom: alpha failed with 1 error" in err and "beta failed" not in err, err
    after = _state(project / "dist")
    assert after["alpha.epub"] == before["alpha.epub"]
    assert after["beta.epub"][1:] != before["beta.epub"][1:], "beta was built and replaced"


def test_strict_counts_the_warnings_found_while_typesetting_too(tmp_path, capsys):
    """A low-resolution image is found only when the print edition is laid
    out: with --strict it fails the publication like any other warning."""
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(png, "PNG")
    project = make_project(
        tmp_path / "project",
        {
            "source/alpha/article.md": _article("alpha", "\n\n![A blue box](box.png)"),
            "source/alpha/box.png": png.getvalue(),
        },
    )
    assert main(["build", "-C", str(project), "-q", "--jobs", "1", "--format", "pdf"]) == Exit.OK
    assert "source/alpha/article.md:12: warning: image 'box.png' prints at" in capsys.readouterr().err
    before = _state(project / "dist")
    status = main(["build", "-C", str(project), "-q", "--jobs", "1", "--format", "pdf", "--strict"])
    err = capsys.readouterr().err
    assert status == Exit.INPUT, err
    assert "source/alpha/article.md:12: error: image 'box.png' prints at" in err, err
    assert _state(project / "dist") == before


# --- an internal error in one publication ---------------------------------------


def _failing_render_of(monkeypatch, slug: str) -> None:
    from pipeline.run import make as making

    real = making.render

    def render(pub, project, **options):
        if pub.slug == slug:
            raise RuntimeError("something unforeseen")
        return real(pub, project, **options)

    monkeypatch.setattr(making, "render", render)


def test_an_internal_error_in_one_publication_leaves_the_others_built_and_exits_70(tmp_path, capsys, monkeypatch):
    project = _catalogue(tmp_path, "--jobs", "1")
    before = _state(project / "dist")
    for slug in SLUGS:  # every one changed: each has to be built again
        (project / "source" / slug / "article.md").write_text(
            _article(slug, " A sentence added later."), encoding="utf-8"
        )
    _failing_render_of(monkeypatch, "beta")
    capsys.readouterr()

    status = main(["build", "-C", str(project), "-q", "--jobs", "1"])
    err = capsys.readouterr().err
    assert status == Exit.INTERNAL, err
    assert "Traceback" not in err
    assert "source/beta: error: internal error: RuntimeError: something unforeseen" in err, err
    assert "pressroom: beta failed with 1 error" in err
    assert _of(_state(project / "dist"), "beta") == _of(before, "beta")
    _assert_built_again(project, before)
    _no_staging_left(project)
    assert main(["verify", "-C", str(project), "-q"]) == Exit.OK, capsys.readouterr().err


def test_the_gravest_failure_decides_the_status_and_the_library_keeps_the_traceback(tmp_path, monkeypatch):
    project = make_project(
        tmp_path / "project",
        {
            "source/alpha/article.md": _article("alpha"),
            "source/beta/article.md": BROKEN,
            "source/gamma/article.md": _article("gamma"),
        },
    )
    _failing_render_of(monkeypatch, "gamma")
    with pytest.raises(BuildError) as caught:
        pipeline.build(project, formats=("epub",), page_list=True)
    result = caught.value.result
    assert caught.value.exit_code == Exit.INTERNAL == result.exit_code
    assert {slug: f.exit_code for slug, f in result.failed.items()} == {"beta": Exit.INPUT, "gamma": Exit.INTERNAL}
    details = result.failed["gamma"].details
    assert details.startswith("Traceback (most recent call last)") and "in render" in details, details
    assert [o.path.name for o in result.outputs] == ["alpha.epub"]


# --- a publication's editions are one set ------------------------------------------


def _fail_the_epub(monkeypatch):
    import pipeline.epub

    def build_epub(*args, **kwargs):
        raise RuntimeError("the EPUB could not be made")

    monkeypatch.setattr(pipeline.epub, "build_epub", build_epub)


def _fail_the_archival_pdf(monkeypatch):
    import pipeline.archive.edition

    def render_archival(*args, **kwargs):
        raise RuntimeError("the archival PDF could not be made")

    monkeypatch.setattr(pipeline.archive.edition, "render_archival", render_archival)


@pytest.mark.parametrize(
    "fail",
    [_fail_the_epub, _fail_the_archival_pdf],
    ids=["epub-after-the-print-pdf", "archival-pdf-after-the-epub-and-pdf"],
)
def test_a_publication_that_fails_midway_keeps_its_whole_previous_set(tmp_path, capsys, monkeypatch, fail):
    """The print PDF is made first, then the EPUB, then the archival PDF and
    the bag: a failure after one of them was made leaves every one as it was."""
    project = make_project(tmp_path / "project", {"source/alpha/article.md": _article("alpha")})
    assert main(["build", "-C", str(project), "-q", "--jobs", "1"]) == Exit.OK
    before = _state(project / "dist")
    (project / "source/alpha/article.md").write_text(_article("alpha", " A sentence added later."), encoding="utf-8")
    fail(monkeypatch)
    capsys.readouterr()

    status = main(["build", "-C", str(project), "-q", "--jobs", "1"])
    err = capsys.readouterr().err
    assert status == Exit.INTERNAL, err
    assert "could not be made" in err
    assert "nothing in the output folder was changed" in err, err
    assert _state(project / "dist") == before, "the message must be true: not one file changed"


def test_an_edition_that_cannot_be_put_in_place_fails_its_publication_only(tmp_path, capsys):
    """A folder in the way of one of alpha's editions: alpha fails as a
    whole (its other editions untouched), beta is built."""
    project = make_project(
        tmp_path / "project", {"source/alpha/article.md": _article("alpha"), "source/beta/article.md": _article("beta")}
    )
    assert main(["build", "-C", str(project), "-q", "--jobs", "1", "--format", "epub,pdf"]) == Exit.OK
    dist = project / "dist"
    (dist / "alpha.epub").unlink()
    (dist / "alpha.epub").mkdir()
    (dist / "alpha.epub" / "in-the-way").write_text("x")
    before, sums = _state(dist), checksums.parse((dist / "SHA256SUMS").read_text(encoding="utf-8"))
    capsys.readouterr()
    status = main(["build", "-C", str(project), "-q", "--jobs", "1", "--format", "epub,pdf", "--no-cache"])
    err = capsys.readouterr().err
    assert status == Exit.ENVIRONMENT, err
    assert "could not write the editions of 'alpha' into the output folder" in err, err
    after = _state(dist)
    assert _of(after, "alpha") == _of(before, "alpha")
    assert after["beta.pdf"][1:] != before["beta.pdf"][1:], "beta was built and replaced"
    now = checksums.parse((dist / "SHA256SUMS").read_text(encoding="utf-8"))
    assert (now["alpha.pdf"], now["alpha.epub"]) == (sums["alpha.pdf"], sums["alpha.epub"])
    _no_staging_left(project)


def test_a_set_is_put_back_when_one_of_its_files_cannot_be_moved(tmp_path, monkeypatch):
    from pipeline.run.staging import Unwritable, replace_set

    out, staging = tmp_path / "out", tmp_path / "out" / ".pressroom-staging-test" / "alpha"
    staging.mkdir(parents=True)
    for name in ("alpha.pdf", "alpha.epub"):
        (out / name).write_bytes(b"old " + name.encode())
        (staging / name).write_bytes(b"new " + name.encode())
    (staging / "alpha.bag.tar").write_bytes(b"new bag")  # not there before
    real, moves = os.replace, []

    def replace(src, dst):
        if Path(dst).parent == out and Path(src).parent == staging:
            moves.append(Path(dst).name)
            if len(moves) == 3:
                raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Unwritable):
        replace_set(out, [staging / "alpha.pdf", staging / "alpha.bag.tar", staging / "alpha.epub"])
    assert moves == ["alpha.pdf", "alpha.bag.tar", "alpha.epub"]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == {
        "alpha.pdf": b"old alpha.pdf",
        "alpha.epub": b"old alpha.epub",
    }


# --- Dask ------------------------------------------------------------------------


def test_a_dask_build_builds_the_others_too(tmp_path):
    distributed = pytest.importorskip("distributed")
    project = make_project(
        tmp_path / "project",
        {
            "source/alpha/article.md": _article("alpha"),
            "source/beta/article.md": BROKEN,
            "source/gamma/article.md": _article("gamma"),
        },
    )
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with pytest.raises(BuildError) as caught:
            pipeline.build(project, formats=("epub", "pdf"), executor="dask", scheduler=cluster.scheduler_address)
    result = caught.value.result
    assert caught.value.exit_code == Exit.INPUT and list(result.failed) == ["beta"]
    assert [f"{d.location}:" for d in result.failed["beta"].diagnostics if d.severity == "error"] == [BROKEN_AT]
    dist = project / "dist"
    assert sorted(p.name for p in dist.iterdir()) == [
        "SHA256SUMS",
        "alpha.epub",
        "alpha.pdf",
        "gamma.epub",
        "gamma.pdf",
    ]
    assert main(["verify", str(dist), "-q"]) == Exit.OK
