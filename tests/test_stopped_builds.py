"""A build stopped from outside (kill -9, Ctrl-C) leaves each publication's
editions whole: the old set or the new one, never a mix. Its worker
processes end with it; what it left in the output folder is completed or
removed by the next build, and named by `pressroom verify` until then.

Each build here runs in a process of its own, stopped with a real signal
at a known point: a build made to wait there (a patched move, or the
test-only PRESSROOM_TEST_STALL) and found by polling, within a bound.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pipeline import Exit
from pipeline.archive import checksums
from conftest import SOURCE_DATE_EPOCH, make_project

BOUND = 180  # seconds: far above what any step here takes, only so that a failure ends
ARTICLE = "---\ntitle: {title}\nlang: en\n---\n\nThe {slug} article.{extra}\n\n## A section\n\nMore text.\n"
LATER = " A sentence added later."


def _article(slug: str, extra: str = "") -> str:
    return ARTICLE.format(title=slug.title(), slug=slug, extra=extra)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_TEST_")}
    return {**env, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, **extra}


def _pressroom(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, env=_env(**env), timeout=BOUND
    )


@pytest.fixture
def start():
    """Start a build in a process of its own; at the end of the test, it and
    whatever it started are ended, however the test went."""
    started: list[subprocess.Popen] = []

    def run(code: str, *args: str, **env: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(**env),
        )
        started.append(process)
        return process

    yield run
    for process in started:
        family = _descendants(process.pid) if process.poll() is None else set()
        for pid in [process.pid, *family]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        process.communicate()


def _until(condition, what: str, process: subprocess.Popen | None = None):
    """Poll until condition() is true (its value is returned), within BOUND."""
    ends = time.monotonic() + BOUND
    while time.monotonic() < ends:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"the build ended before {what}: {process.communicate()}")
        time.sleep(0.05)
    pytest.fail(f"not seen within {BOUND} s: {what}")


def _staging(dist: Path) -> list[Path]:
    return sorted(dist.glob(".pressroom-staging-*"))


def _epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))


# --- kill -9 while a set is being moved into place ------------------------------------

# A build of alpha in this process whose moves into the output folder stop
# after the first one: the marker says it is there, and it waits to be killed.
STOP_AMID_THE_MOVES = """
import os, sys, threading
from pathlib import Path
from pipeline.cli import main
from pipeline.output_folder import STAGING_PREFIX

marker, real = Path(sys.argv[1]), os.replace
def replace(src, dst):
    real(src, dst)
    if STAGING_PREFIX in str(src) and Path(dst).parent.name == "dist" and not marker.exists():
        marker.write_text(Path(dst).name)
        threading.Event().wait()
os.replace = replace
sys.exit(main(sys.argv[2:]))
"""


def test_a_build_killed_amid_its_moves_is_completed_by_the_next_and_named_by_verify_until_then(tmp_path, start):
    project = make_project(
        tmp_path / "project", {"source/alpha/article.md": _article("alpha"), "source/beta/article.md": _article("beta")}
    )
    dist = project / "dist"
    first = _pressroom("build", "-C", str(project), "-q", "-j", "1", "-f", "epub,pdf")
    assert first.returncode == Exit.OK, first.stderr
    old = {p.name: p.read_bytes() for p in dist.iterdir()}
    (project / "source/alpha/article.md").write_text(_article("alpha", LATER), encoding="utf-8")

    marker = tmp_path / "moved"
    build = start(
        STOP_AMID_THE_MOVES, str(marker), "build", "-C", str(project), "-q", "-j", "1", "-f", "epub,pdf", "alpha"
    )
    moved = _until(lambda: marker.is_file() and marker.read_text(), "the first move", build)
    build.send_signal(signal.SIGKILL)
    build.wait(BOUND)

    # Part of alpha's new set is in place, part is not: verify says so.
    assert (dist / moved).read_bytes() != old[moved]
    assert sum((dist / name).read_bytes() != data for name, data in old.items()) == 1
    verified = _pressroom("verify", "-C", str(project))
    assert verified.returncode == Exit.CHECK, verified.stderr
    assert "alpha: a build was stopped while putting its editions in place" in verified.stderr, verified.stderr

    # The next build, of another publication, puts the rest of alpha's set in place first.
    after = _pressroom("build", "-C", str(project), "-f", "epub,pdf", "beta")
    assert after.returncode == Exit.OK, after.stderr
    assert "alpha: the editions a stopped build was putting in place were put in place" in after.stderr
    assert LATER in _epub_text(dist / "alpha.epub")
    assert all((dist / f"alpha.{suffix}").read_bytes() != old[f"alpha.{suffix}"] for suffix in ("epub", "pdf"))
    assert _staging(dist) == []
    verified = _pressroom("verify", "-C", str(project))
    assert verified.returncode == Exit.OK, verified.stderr
    sums = checksums.parse((dist / "SHA256SUMS").read_text(encoding="utf-8"))
    assert set(sums) == {"alpha.epub", "alpha.pdf", "beta.epub", "beta.pdf"}


# --- kill -9 while worker processes build ---------------------------------------------


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] == "Z" else int(fields[1])  # a zombie has ended


def _descendants(pid: int) -> set[int]:
    parents = {int(p.name): _parent(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit()}
    found, grew = set(), True
    while grew:
        more = {child for child, parent in parents.items() if parent in found | {pid}} - found
        found |= more
        grew = bool(more)
    return found


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if _parent(pid) is not None}


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads processes from /proc")
def test_the_workers_of_a_killed_build_end_with_it_and_the_next_build_removes_its_staging(tmp_path, start):
    project = make_project(
        tmp_path / "project", {"source/alpha/article.md": _article("alpha"), "source/beta/article.md": _article("beta")}
    )
    dist = project / "dist"
    assert _pressroom("build", "-C", str(project), "-q", "-j", "1", "-f", "epub").returncode == Exit.OK
    before = {p.name: p.read_bytes() for p in dist.iterdir()}

    # Both publications wait in their workers until the build is killed.
    build = start(
        "import sys; from pipeline.cli import main; sys.exit(main(sys.argv[1:]))",
        "build",
        "-C",
        str(project),
        "-q",
        "-j",
        "2",
        "-f",
        "pdf",
        "--no-cache",
        PRESSROOM_TEST_STALL="alpha,beta",
    )

    # The build's own children are its fork server and resource tracker; the workers are the fork server's.
    def workers():
        return {p for p in _descendants(build.pid) if _parent(p) != build.pid}

    _until(lambda: len(workers()) >= 2, "two worker processes", build)
    everyone = _descendants(build.pid)
    assert _staging(dist)
    build.send_signal(signal.SIGKILL)
    build.wait(BOUND)

    _until(lambda: not _alive(everyone), f"the end of the build's processes {sorted(_alive(everyone))}")
    assert {p.name: p.read_bytes() for p in dist.iterdir() if p.is_file()} == before
    verified = _pressroom("verify", "-C", str(project))
    assert verified.returncode == Exit.OK, verified.stderr
    assert "left by a build that was stopped; the next build removes it" in verified.stderr, verified.stderr

    again = _pressroom("build", "-C", str(project), "-q", "-f", "epub")
    assert again.returncode == Exit.OK, again.stderr
    assert _staging(dist) == []


# --- Ctrl-C -----------------------------------------------------------------------------


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminated"])
def test_an_interrupted_build_changes_nothing_and_says_so(tmp_path, start, stop):
    project = make_project(tmp_path / "project", {"source/alpha/article.md": _article("alpha")})
    dist = project / "dist"
    assert _pressroom("build", "-C", str(project), "-q", "-f", "epub").returncode == Exit.OK
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in dist.iterdir()}
    (project / "source/alpha/article.md").write_text(_article("alpha", LATER), encoding="utf-8")

    build = start(
        "import sys; from pipeline.cli import run; sys.argv[0] = 'pressroom'; run()",
        "build",
        "-C",
        str(project),
        "-j",
        "1",
        "-f",
        "epub",
        PRESSROOM_TEST_STALL="alpha",
    )
    _until(lambda: _staging(dist), "the staging folder", build)
    build.send_signal(stop)
    _out, err = build.communicate(timeout=BOUND)
    assert build.returncode == Exit.INTERRUPTED, err
    assert "nothing else in the output folder was changed" in err and "Traceback" not in err, err
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in dist.iterdir()} == before
    assert _staging(dist) == []


# --- what the next build does with what a stopped build left ----------------------


def test_the_next_build_completes_a_half_placed_set_with_its_own_files_only_and_leaves_running_builds_be(tmp_path):
    import json

    from pipeline import output_folder
    from pipeline.run import staging

    out = tmp_path / "dist"
    out.mkdir()
    (out / "alpha.pdf").write_bytes(b"new pdf")  # moved before the build was killed
    (out / "alpha.epub").write_bytes(b"old epub")
    (out / "beta.pdf").write_bytes(b"beta's, untouched")
    slug = out / ".pressroom-staging-stopped" / "alpha"
    slug.mkdir(parents=True)
    (slug / "alpha.epub").write_bytes(b"new epub")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"not made by a build")
    (slug / "alpha.bag.tar").symlink_to(elsewhere)
    (slug / output_folder.JOURNAL).write_text(json.dumps(["alpha.pdf", "alpha.epub", "alpha.bag.tar"]))
    (out / ".pressroom-staging-unfinished" / "gamma").mkdir(parents=True)  # killed before placing anything
    with staging.Staging(out) as running:
        running.open()
        assert [(f.name, placing, held) for f, placing, held in output_folder.left_over(out)] == [
            (running.folder.name, [], True),
            (".pressroom-staging-stopped", ["alpha"], False),
            (".pressroom-staging-unfinished", [], False),
        ]

        assert staging.recover(out) == ["alpha"]
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == {
            "alpha.pdf": b"new pdf",
            "alpha.epub": b"new epub",
            "beta.pdf": b"beta's, untouched",
            "SHA256SUMS": checksums.render(
                {"alpha.epub": checksums.digest(out / "alpha.epub"), "alpha.pdf": checksums.digest(out / "alpha.pdf")}
            ),
        }
        assert [p.name for p in _staging(out)] == [running.folder.name]
    assert _staging(out) == [] and elsewhere.read_bytes() == b"not made by a build"
