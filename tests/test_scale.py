"""Speed and scale: the build cache, parallel builds in worker processes with
a memory limit, and builds on a Dask cluster. No timings here (bench/run.py
measures them); only that the results are right and the same everywhere."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

import pipeline
from pipeline import Exit, styles
from pipeline.cli import main
from conftest import REPO, make_project, source_date_epoch

ALPHA = "---\ntitle: Alpha\nlang: en\n---\n\nThe first article.\n\n## A section\n\nMore text.\n"
BETA = "---\ntitle: Beta\nlang: en\n---\n\nThe second article, with a note.[^1]\n\n[^1]: The note.\n"


@pytest.fixture(autouse=True)
def _reproducible():
    with source_date_epoch():
        yield


def _project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", {"source/alpha/article.md": ALPHA, "source/beta/article.md": BETA})


def _state(folder: Path) -> dict[str, tuple[int, int]]:
    """What a write would change: every file's inode and modification time."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _built(result) -> set[str]:
    return {o.publication for o in result.outputs}


# --- the cache ---------------------------------------------------------------


def test_an_unchanged_rebuild_writes_nothing_and_says_up_to_date(tmp_path, capsys):
    project = _project(tmp_path)
    out = project / "dist"
    assert main(["build", "-C", str(project), "--jobs", "1", "-q", "--format", "epub,pdf"]) == Exit.OK
    before = _state(out)
    capsys.readouterr()
    assert main(["build", "-C", str(project), "--jobs", "1", "--format", "epub,pdf"]) == Exit.OK
    captured = capsys.readouterr()
    assert _state(out) == before, "nothing in dist/ was rewritten"
    assert "alpha: up to date" in captured.err and "beta: up to date" in captured.err, captured.err
    assert "typesetting" not in captured.err
    # The cache lives beside the project, not among the editions.
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert list((project / ".cache" / "pressroom").glob("*.json"))


def test_the_library_reports_what_was_up_to_date(tmp_path):
    project = _project(tmp_path)
    first = pipeline.build(project, formats=("pdf",), use_cache=True)
    assert _built(first) == {"alpha", "beta"} and first.up_to_date == []
    again = pipeline.build(project, formats=("pdf",), use_cache=True)
    assert again.outputs == [] and again.up_to_date == ["alpha", "beta"]
    # Without use_cache (the library's default) every edition is made again.
    assert _built(pipeline.build(project, formats=("pdf",))) == {"alpha", "beta"}


def test_changing_one_source_rebuilds_exactly_that_publication(tmp_path):
    project = _project(tmp_path)
    pipeline.build(project, formats=("epub", "pdf"), use_cache=True)
    old_alpha = (project / "dist" / "alpha.pdf").read_bytes()
    (project / "source" / "beta" / "article.md").write_text(BETA + "\nA new paragraph.\n", encoding="utf-8")
    result = pipeline.build(project, formats=("epub", "pdf"), use_cache=True)
    assert _built(result) == {"beta"} and result.up_to_date == ["alpha"]
    assert (project / "dist" / "alpha.pdf").read_bytes() == old_alpha
    # A new file in the folder (an image, a sheet) is an input too.
    (project / "source" / "alpha" / "notes.txt").write_text("a new file", encoding="utf-8")
    assert _built(pipeline.build(project, formats=("epub", "pdf"), use_cache=True)) == {"alpha"}


def test_changing_a_style_rebuilds_every_publication(tmp_path):
    project = _project(tmp_path)
    pipeline.build(project, formats=("pdf",), use_cache=True)
    sheet = project / "styles" / "print.css"  # the project's own, over the house's
    sheet.parent.mkdir(exist_ok=True)
    sheet.write_text((styles.house() / "print.css").read_text(encoding="utf-8"), encoding="utf-8")
    assert _built(pipeline.build(project, formats=("pdf",), use_cache=True)) == set()  # the same sheet
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n/* a change */\n", encoding="utf-8")
    assert _built(pipeline.build(project, formats=("pdf",), use_cache=True)) == {"alpha", "beta"}
    assert _built(pipeline.build(project, formats=("pdf",), use_cache=True)) == set()


def test_other_editions_or_build_time_are_a_different_build(tmp_path):
    project = _project(tmp_path)
    pipeline.build(project, formats=("pdf",), use_cache=True)
    assert _built(pipeline.build(project, formats=("epub",), use_cache=True)) == {"alpha", "beta"}
    with source_date_epoch("1600000000"):
        assert _built(pipeline.build(project, formats=("epub",), use_cache=True)) == {"alpha", "beta"}


def test_an_edited_or_deleted_output_is_rebuilt(tmp_path):
    project = _project(tmp_path)
    out = project / "dist"
    pipeline.build(project, formats=("epub", "pdf"), use_cache=True)
    good = (out / "alpha.pdf").read_bytes()
    (out / "alpha.pdf").write_bytes(good + b"% edited by hand\n")
    (out / "beta.epub").unlink()
    result = pipeline.build(project, formats=("epub", "pdf"), use_cache=True)
    assert _built(result) == {"alpha", "beta"}
    assert (out / "alpha.pdf").read_bytes() == good
    assert (out / "beta.epub").is_file()


def test_no_cache_rebuilds_everything(tmp_path, capsys):
    project = _project(tmp_path)
    args = ["build", "-C", str(project), "--jobs", "1", "-q", "--format", "pdf"]
    assert main(args) == Exit.OK
    before = _state(project / "dist")
    assert main(args + ["--no-cache"]) == Exit.OK
    after = _state(project / "dist")
    assert all(after[name] != before[name] for name in ("alpha.pdf", "beta.pdf"))


def test_an_up_to_date_build_imports_no_heavy_library(tmp_path):
    project = _project(tmp_path)
    assert main(["build", "-C", str(project), "--jobs", "1", "-q", "--format", "pdf"]) == Exit.OK
    code = (
        "import sys\nfrom pipeline.cli import main\n"
        f"assert main(['build', '-C', {str(project)!r}, '-q', '--format', 'pdf']) == 0\n"
        "heavy = sorted(m for m in ('weasyprint', 'ebooklib', 'markdown', 'lxml', 'yaml') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"imported on the fast path: {done.stdout}"


# --- parallel builds -----------------------------------------------------------


def test_two_jobs_give_the_same_bytes_as_one(tmp_path):
    project = _project(tmp_path)
    one = pipeline.build(project, out_dir=tmp_path / "one", jobs=1)
    two = pipeline.build(project, out_dir=tmp_path / "two", jobs=2)
    assert _bytes(tmp_path / "one") == _bytes(tmp_path / "two")
    assert [(o.publication, o.edition, o.path.name) for o in one.outputs] == [
        (o.publication, o.edition, o.path.name) for o in two.outputs
    ]


def test_reading_errors_are_collected_from_every_worker_and_the_others_are_built(tmp_path, capsys):
    project = make_project(
        tmp_path / "project",
        {
            "source/alpha/article.md": "---\ntitle: Alpha\nlang: xx-not-a-tag-at-all\n---\n\nText.\n",
            "source/beta/article.md": "---\nlang: en\n---\n\nText.\n",
            "source/gamma/article.md": ALPHA,
        },
    )
    out = tmp_path / "out"
    status = main(["build", "-C", str(project), "-o", str(out), "--jobs", "2", "-q", "--format", "epub,pdf"])
    err = capsys.readouterr().err
    assert status == Exit.INPUT
    assert "source/alpha/article.md:3:" in err and "source/beta/article.md:1:" in err, err
    assert "pressroom: alpha failed" in err and "pressroom: beta failed" in err, err
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "gamma.epub", "gamma.pdf"]


def test_a_worker_out_of_memory_is_a_located_error_and_the_others_still_build(tmp_path, capsys):
    project = make_project(tmp_path / "project", {"source/article/article.md": ALPHA})
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "make_book.py"), str(project / "source" / "huge"), "--chapters", "13"],
        check=True,
        capture_output=True,
    )
    out = tmp_path / "out"
    # A limit an article fits in (it builds under 100 MiB) and a 13-chapter book
    # (about 190 MiB) does not: a wide margin on both sides.
    status = main(
        ["build", "-C", str(project), "-o", str(out), "--jobs", "2", "--memory-limit", "130", "-q", "--format", "pdf"]
    )
    err = capsys.readouterr().err
    assert status == Exit.ENVIRONMENT, err
    assert "Traceback" not in err
    assert "source/huge: error: ran out of memory building 'huge'" in err, err
    assert "--memory-limit" in err
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "article.pdf"]
    assert "huge" not in (out / "SHA256SUMS").read_text()


def test_jobs_must_be_a_positive_number(tmp_path, capsys):
    project = _project(tmp_path)
    assert main(["build", "-C", str(project), "--jobs", "0"]) == Exit.USAGE
    assert "--jobs" in capsys.readouterr().err


# --- Dask --------------------------------------------------------------------


def test_a_dask_cluster_gives_the_same_bytes_as_a_local_build(tmp_path):
    distributed = pytest.importorskip("distributed")
    project = _project(tmp_path)
    pipeline.build(project, out_dir=tmp_path / "local", jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = pipeline.build(
            project, out_dir=tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address
        )
    assert _bytes(tmp_path / "local") == _bytes(tmp_path / "dask")
    assert _built(result) == {"alpha", "beta"}


def test_dask_without_a_scheduler_is_a_usage_error(tmp_path, capsys):
    project = _project(tmp_path)
    assert main(["build", "-C", str(project), "--executor", "dask"]) == Exit.USAGE
    assert "--scheduler" in capsys.readouterr().err


def test_a_dask_worker_running_several_tasks_in_threads_gives_the_bytes_of_a_serial_build(tmp_path, monkeypatch):
    """A build sets the process's environment and patches the typesetter
    while it lays out pages: builds in threads of one worker must not mix."""
    distributed = pytest.importorskip("distributed")
    languages = {
        "alpha": ("en", "2001-02-03"),
        "beta": ("de", "2011-12-13"),
        "gamma": ("fr", "1999"),
        "delta": ("es", "2020-05"),
    }
    project = make_project(
        tmp_path / "project",
        {
            f"source/{slug}/article.md": f"---\ntitle: {slug.title()}\nlang: {lang}\ndate: {date}\n---\n\n"
            + "".join(f"Paragraph {n} of {slug}, with a note.[^{n}]\n\n" for n in range(12))
            + "".join(f"[^{n}]: Note {n}, {'long ' * 40}enough.\n" for n in range(12))
            for slug, (lang, date) in languages.items()
        },
    )
    formats = ("epub", "pdf")
    pipeline.build(project, out_dir=tmp_path / "serial", formats=formats, jobs=1)
    # The workers are threads of this process: the renders can be counted.
    from pipeline.run import make as making

    lock, running, most = threading.Lock(), [0], [0]
    real = making.render

    def render(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(making, "render", render)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=4, processes=False, dashboard_address=None
    ) as cluster:
        result = pipeline.build(
            project, out_dir=tmp_path / "threads", formats=formats, executor="dask", scheduler=cluster.scheduler_address
        )
    assert _built(result) == set(languages)
    assert most[0] == 1, "two publications were built at once in one process"
    assert _bytes(tmp_path / "serial") == _bytes(tmp_path / "threads")
