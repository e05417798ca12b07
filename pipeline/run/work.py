"""The work on one publication, the same function wherever it runs: in the
build's own process (--jobs 1), in a local worker process, or on a Dask
worker: read it, put what reading found through the --strict gate, make its
editions. They go into the staging folder at most (or, on a cluster, back
as bytes); the parent alone moves them into place (pipeline/run/write.py).
A publication that fails, whatever the reason, is its outcome's failure:
the others go on.
"""

from __future__ import annotations

import errno
import os
import threading
import traceback
from pathlib import Path

from ..confine import missing_noted
from ..errors import BuildError, Diagnostic, Diagnostics, Exit
from ..limits import OutOfTime
from .failures import internal_error, no_room, out_of_memory, timed_out, unreadable, unwritable
from .gate import gate
from .make import PageList, editions
from .progress import Reporter, estimate_pages, reporter
from .staging import Unwritable, stage
from .task import Outcome, Task
from .worker import one_at_a_time, within_limits


def read(task: Task, diags: Diagnostics, report: Reporter | None = None):
    """Load and read one publication; None when it could not be loaded."""
    from .. import sources
    from ..document import read_publication

    loaded = sources.load(task.folder, diags)
    if loaded is None:
        return None
    if report is not None and report.send is not None:
        report.chapters(0, len(loaded.files))
        report.estimate(estimate_pages(sum(len(f.text.split()) for f in loaded.files)))
    on_chapter = report.chapters if report is not None and report.send is not None else None
    return read_publication(loaded, task.project, diags, task.strict, on_chapter)


def make_task(task: Task, staging: Path | None = None, say=None, alone: bool = False, spread=None) -> Outcome:
    """Read one publication and, when it passes the gate, make its editions,
    into staging/<slug>/ when a staging folder (one of the output folder's
    own) is given, so that the bytes never travel between processes; else
    as bytes in the outcome. alone: the only publication of the build.
    spread: where a book's chapters are laid out (run/spread.py), else here.

    Whatever goes wrong is the outcome's failure, never an exception, so that
    the other publications of the build go on: out of memory, an output folder
    that cannot be written, an internal error (with its traceback)."""
    outcome = Outcome(task.folder.name)
    try:
        with one_at_a_time:
            lost = within_limits(
                task.epoch, task.memory_limit, task.timeout, lambda: _make(task, outcome, staging, say, alone, spread)
            )
        if lost is None:
            return outcome
        if lost is OutOfTime:
            return outcome.failed(timed_out(task), Exit.ENVIRONMENT)
        return outcome.failed(out_of_memory(task, task.memory_limit), Exit.ENVIRONMENT)
    except Unwritable as exc:
        return outcome.failed(unwritable(task, exc), Exit.ENVIRONMENT)
    except BuildError as exc:  # a stage that gave up with its own diagnostics
        outcome.diagnostics += exc.diagnostics
        return outcome.failed(None, exc.exit_code)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            return outcome.failed(no_room(task, exc), Exit.ENVIRONMENT)
        if isinstance(exc.filename, (str, bytes)) and _in_project(os.fsdecode(exc.filename), task.project):
            return outcome.failed(unreadable(task, exc), Exit.INPUT)
        return outcome.failed(internal_error(task, exc), Exit.INTERNAL, traceback.format_exc())
    except Exception as exc:  # noqa: BLE001 - a bug in one publication is that publication's failure
        return outcome.failed(internal_error(task, exc), Exit.INTERNAL, traceback.format_exc())


def _in_project(name: str, project: Path) -> bool:
    return Path(os.path.abspath(name)).is_relative_to(Path(os.path.abspath(project)))


def _make(task: Task, outcome: Outcome, staging: Path | None, say, alone: bool, spread) -> None:
    if task.folder.name in os.environ.get("PRESSROOM_TEST_STALL", "").split(","):
        _stall()
    diags = Diagnostics(root=task.project)
    report = reporter(task.folder.name)  # sends only when the build shows progress bars
    report.stage("reading")
    pub = read(task, diags, report)
    if missing_noted():
        return  # on a cluster: it is sent again with the files it lacked, if the project has them
    if pub is None and not diags.errors:
        diags.error("the publication could not be read", task.folder)
    if pub is not None and task.press:
        from ..options import with_press

        with_press(pub.metadata.options.print, task.press)
    outcome.diagnostics = list(diags.items)
    if pub is None or not gate(diags.items, task.strict)[1]:
        return  # it fails on these: nothing to make
    found: list[Diagnostic] = []
    listing = PageList(task.cached_pages, task.page_list)
    for edition, name, blob, pages in editions(
        pub, task.project, task.formats, say, alone, found, spread=spread, report=report, pages=listing
    ):
        made = stage(staging, pub.slug, name, blob) if staging is not None else blob
        outcome.editions.append((edition, name, made, pages))
        report.edition_written()
    outcome.diagnostics += found
    outcome.pages, outcome.pages_from = listing.made, listing.source
    outcome.inputs = outside_inputs(pub)


def _stall() -> None:
    """Tests only: a publication that never ends (PRESSROOM_TEST_STALL names
    it), to stop its build at a known point; "C" waits where no Python
    signal handler can run."""
    if os.environ.get("PRESSROOM_TEST_STALL_IN") == "C":
        import signal

        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    threading.Event().wait()


def outside_inputs(pub) -> list[Path]:
    """The files the editions used from outside the publication's folder (shared images)."""
    folder = Path(pub.folder).resolve()
    return sorted(p for p in {Path(q).resolve() for q in pub.assets} if not p.is_relative_to(folder))
