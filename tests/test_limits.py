"""Every publication is built under a memory limit and a time limit, in the
build's own process as in worker processes: one that passes either fails
alone with a located error saying what to do, its previous editions kept,
and the others are built.

Slow or greedy publications are made so by test-only hooks (a patched
render in this process; PRESSROOM_TEST_STALL in worker processes), not by
real inputs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline import Exit, limits
from pipeline.cli import main
from conftest import SOURCE_DATE_EPOCH, make_project, source_date_epoch

ARTICLE = "---\ntitle: {title}\nlang: en\n---\n\nThe {slug} article.\n\n## A section\n\nMore text.\n"


@pytest.fixture(autouse=True)
def _reproducible():
    with source_date_epoch():
        yield


def _project(tmp_path: Path, *slugs: str) -> Path:
    return make_project(
        tmp_path / "project", {f"source/{s}/article.md": ARTICLE.format(title=s.title(), slug=s) for s in slugs}
    )


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _patch_render(monkeypatch, slow_or_greedy) -> None:
    from pipeline.run import make as making

    real = making.render

    def render(pub, project, **options):
        slow_or_greedy()
        return real(pub, project, **options)

    monkeypatch.setattr(making, "render", render)


def _greedy(limit_mib: int):
    """Takes memory, a few MiB at a time, until well past the limit (and
    then gives up, so that a build without a limit ends)."""

    def take():
        held, ceiling = [], (limits.resident() or 0) + ((limit_mib + 256) << 20)
        while (limits.resident() or 0) < ceiling:
            held.append(b"x" * (4 << 20))

    return take


def _never_ending():
    if not threading.Event().wait(120):  # ended by the time limit long before
        raise AssertionError("the time limit did not stop the build")


# --- in this process ----------------------------------------------------------------


def test_a_single_publication_built_in_this_process_keeps_to_the_memory_limit(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path, "alpha")
    assert main(["build", "-C", str(project), "-q", "-f", "epub"]) == Exit.OK
    before = _state(project / "dist")
    limit = 64  # MiB more than this process holds when the build starts
    _patch_render(monkeypatch, _greedy(limit))
    capsys.readouterr()

    status = main(
        ["build", "-C", str(project), "-f", "epub", "--no-cache", "--page-list", "--memory-limit", str(limit)]
    )
    err = capsys.readouterr().err
    assert status == Exit.ENVIRONMENT, err
    assert f"source/alpha: error: ran out of memory building 'alpha' (the limit is {limit} MiB)" in err, err
    assert "--memory-limit" in err and "Traceback" not in err
    assert _state(project / "dist") == before


def test_a_single_publication_built_in_this_process_keeps_to_the_time_limit(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path, "alpha")
    assert main(["build", "-C", str(project), "-q", "-f", "epub"]) == Exit.OK
    before = _state(project / "dist")
    _patch_render(monkeypatch, _never_ending)
    capsys.readouterr()

    status = main(["build", "-C", str(project), "-f", "epub", "--no-cache", "--page-list", "--timeout", "1"])
    err = capsys.readouterr().err
    assert status == Exit.ENVIRONMENT, err
    assert "source/alpha: error: building 'alpha' took longer than 1 seconds and was stopped" in err, err
    assert "--timeout SECONDS" in err and "Traceback" not in err
    assert "nothing in the output folder was changed" in err
    assert _state(project / "dist") == before


def test_the_memory_limit_of_a_build_in_this_process_is_on_what_the_build_adds():
    """A library caller may hold more than the limit already: its build is not failed for that."""
    held = b"x" * (96 << 20)
    with limits.limited(memory_mib=32, seconds=None):
        more = b"y" * (8 << 20)
    with pytest.raises(limits.OutOfMemory):
        with limits.limited(memory_mib=32, seconds=None):
            _greedy(32)()
    assert len(held) + len(more) > 0


def test_the_limits_end_with_the_work_they_watch(tmp_path, monkeypatch):
    """A build within its limits leaves no watcher, handler or alarm behind."""
    import signal

    project = _project(tmp_path, "alpha")
    handler = signal.getsignal(signal.SIGUSR1)
    threads = set(threading.enumerate())
    assert main(["build", "-C", str(project), "-q", "-f", "epub", "--timeout", "60", "--memory-limit", "4096"]) == 0
    assert signal.getsignal(signal.SIGUSR1) is handler
    assert not [t for t in set(threading.enumerate()) - threads if t.name == "pressroom-limits"]


def test_no_time_limit_is_zero_or_none_and_a_wrong_one_is_a_usage_error(capsys):
    from pipeline.cli import parser

    assert parser().parse_args(["build", "--timeout", "0"]).timeout is None
    assert parser().parse_args(["build", "--timeout", "none"]).timeout is None
    assert parser().parse_args(["build", "--timeout", "2.5"]).timeout == 2.5
    assert parser().parse_args(["build"]).timeout == 600
    assert main(["build", "--timeout", "soon"]) == Exit.USAGE
    assert "--timeout" in capsys.readouterr().err
    assert main(["build", "--help"]) == 0
    assert "--timeout SECONDS" in capsys.readouterr().out


# --- in worker processes ----------------------------------------------------------------


@pytest.mark.parametrize("stuck_in", ["python", "C"])
def test_a_publication_out_of_time_in_a_worker_fails_alone(tmp_path, stuck_in):
    """Stuck in Python code, it is interrupted; stuck where no Python code
    runs, its worker process is ended, and it is reported all the same."""
    project = _project(tmp_path, "alpha", "beta")
    out = project / "dist"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_TEST_")},
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
    }
    command = [sys.executable, "-m", "pipeline", "build", "-C", str(project), "-j", "2", "-f", "epub"]
    assert subprocess.run(command + ["-q"], env=env, timeout=300).returncode == Exit.OK
    before = _state(out)

    done = subprocess.run(
        command + ["--no-cache", "--timeout", "10"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**env, "PRESSROOM_TEST_STALL": "alpha", "PRESSROOM_TEST_STALL_IN": stuck_in},
    )
    assert done.returncode == Exit.ENVIRONMENT, done.stderr
    assert "source/alpha: error: building 'alpha' took longer than 10 seconds and was stopped" in done.stderr, (
        done.stderr
    )
    assert "Traceback" not in done.stderr
    after = _state(out)
    assert after["alpha.epub"] == before["alpha.epub"]
    assert after["beta.epub"][1] != before["beta.epub"][1], "beta was built"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
