"""The per-publication work, as plain functions that run anywhere: in the
build's own process (``--jobs 1``), in local worker processes, or on a Dask
cluster: the same function, make_task, in all three. Tasks and results are
plain data (paths, bytes, diagnostics). The work writes a publication's
editions into a staging folder at most (or, on a cluster, sends them back);
the parent alone moves them into place, one publication's set at a time.
A publication that fails, whatever the reason, is its outcome's failure:
the others go on.

Every publication is built under a memory limit and a time limit
(pipeline/limits.py), in this process as in a worker: one huge or slow
book cannot take the machine down, and running out of either becomes a
located error for that publication only. A local worker process dies with
the build that started it. One process builds one publication at a time,
even when it runs tasks in threads (Dask): a build sets the process's
environment (SOURCE_DATE_EPOCH, fontconfig's file) and patches libraries.
"""

from __future__ import annotations

import errno
import os
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .dates import source_date_epoch
from .errors import BuildError, Diagnostic, Diagnostics, Exit, failing
from .limits import OutOfMemory, OutOfTime, limited
from .output import Unwritable, stage

DEFAULT_MEMORY_LIMIT_MIB = 4096
DEFAULT_TIMEOUT_SECONDS = 600
# A build makes millions of short-lived objects and few cycles: the
# collector runs less often than Python's default (700, 10, 10).
GC_THRESHOLDS = (50_000, 20, 20)
_in_worker = False  # a process of its own, which the time limit may end
_one_at_a_time = threading.Lock()  # see the module's docstring


@dataclass
class Task:
    project: Path
    folder: Path
    formats: tuple[str, ...]
    strict: bool = False
    epoch: str | None = None  # SOURCE_DATE_EPOCH of the parent: remote workers have their own environment
    memory_limit: int | None = None  # MiB of the process's resident memory; None: no limit
    timeout: float | None = None  # seconds; None: no limit


@dataclass
class Outcome:
    """What the work on one publication gave. Plain data: it travels back from a worker."""

    slug: str
    # What reading and then typesetting found, in that order, before the --strict gate.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # (edition, file name, the staged file or the bytes, pages), in the order the editions are made
    editions: list[tuple[str, str, bytes | Path, int | None]] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # files outside the folder the editions used
    # A failure that is not a problem of the sources: Exit.ENVIRONMENT (out of
    # memory, a lost worker, an output folder that cannot be written) or
    # Exit.INTERNAL (a bug); None when the diagnostics alone decide.
    failure: Exit | None = None
    details: str | None = None  # the traceback of an internal error


def init_worker(parent: int | None = None) -> None:
    """Initializer of a local worker process (runs in its main thread):
    the worker ends when the build that started it ends, even by kill -9."""
    global _in_worker
    import gc

    _in_worker = True
    gc.set_threshold(*GC_THRESHOLDS)
    try:  # Linux: the kernel kills the worker when its parent (the fork server) dies
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass
    threading.Thread(target=_orphan_watch, args=(parent,), name="pressroom-parent-watch", daemon=True).start()


def _orphan_watch(parent: int | None) -> None:
    """Elsewhere, and in case the fork server outlives the build: end the
    worker once its parent or the build is gone."""
    import time

    ppid = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != ppid or (parent is not None and not _alive(parent)):
            os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: it exists
    return True


def _release() -> None:
    """Give the memory of an abandoned task back before the worker takes the next one."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the allocator keeps what it keeps


def read(task: Task, diags: Diagnostics):
    """Load and read one publication; None when it could not be loaded."""
    from . import sources
    from .document import read_publication

    loaded = sources.load(task.folder, diags)
    if loaded is None:
        return None
    return read_publication(loaded, task.project, diags, task.strict)


def out_of_memory(task: Task, limit_mib: int | None) -> Diagnostic:
    diags = Diagnostics(root=task.project)
    limit = f" (the limit is {limit_mib} MiB)" if limit_mib else ""
    diags.error(f"ran out of memory building '{task.folder.name}'{limit}; its editions were not written",
                task.folder,
                hint="raise the limit with --memory-limit MIB, or split it into smaller publications")
    return diags.items[0]


def timed_out(task: Task) -> Diagnostic:
    diags = Diagnostics(root=task.project)
    diags.error(f"building '{task.folder.name}' took longer than {task.timeout:g} seconds and was stopped; "
                "its editions were not written", task.folder,
                hint="raise the limit with --timeout SECONDS (0: no limit), or split it into smaller publications")
    return diags.items[0]


def no_room(task: Task, exc: OSError) -> Diagnostic:
    """A disk that filled up (or a read-only one) while the editions were made."""
    diags = Diagnostics(root=task.project)
    where = f" ({exc.filename})" if exc.filename else ""
    diags.error(f"could not build '{task.folder.name}': {exc.strerror or exc}{where}; "
                "its editions were not written", task.folder,
                hint="make room on the disk of the output folder and of the temporary folder (TMPDIR), "
                     "then build again")
    return diags.items[0]


def unreadable(task: Task, exc: OSError) -> Diagnostic:
    """A file of the project that went away or changed under the build (deleted, renamed, locked)."""
    diags = Diagnostics(root=task.project)
    diags.error(f"could not build '{task.folder.name}': {exc.strerror or exc}; its editions were not written",
                os.fsdecode(exc.filename),
                hint="if the file was moved or deleted while the build ran, build again once it is in place")
    return diags.items[0]


def stopped(task: Task, limit_mib: int | None) -> Diagnostic:
    """A worker that died without a word: a library crashed, most often for want of memory."""
    diags = Diagnostics(root=task.project)
    limit = f" under a memory limit of {limit_mib} MiB" if limit_mib else ""
    diags.error(f"the worker process building '{task.folder.name}' stopped abruptly{limit}; "
                "its editions were not written", task.folder,
                hint=f"build it alone with 'pressroom build --jobs 1 {task.folder.name}' to see what fails, "
                     "or raise the limit with --memory-limit MIB")
    return diags.items[0]


def internal_error(task: Task, exc: BaseException) -> Diagnostic:
    """A bug met while building one publication: its failure, not the build's."""
    text = str(exc)
    if len(text) > 300:
        text = text[:300] + "..."
    diags = Diagnostics(root=task.project)
    diags.error(f"internal error: {type(exc).__name__}: {text}; its editions were not written", task.folder,
                hint="please report this with the publication that caused it (--verbose shows the details)")
    return diags.items[0]


def unwritable(task: Task, exc: Unwritable) -> Diagnostic:
    diags = Diagnostics(root=task.project)
    diags.error(f"could not write the editions of '{task.folder.name}' into the output folder: "
                f"{exc.error.strerror or exc.error}", exc.path,
                hint="make room on its disk, make it writable, or choose another folder with -o")
    return diags.items[0]


def make_task(task: Task, staging: Path | None = None, say=None, alone: bool = False) -> Outcome:
    """The work on one publication, wherever it runs (this process, a local
    worker, a Dask worker): read it and, when it reads without errors (with
    --strict, without warnings), make its editions, into staging/<slug>/ when
    a staging folder (one of the output folder's own) is given, so that the
    bytes never travel between processes; else as bytes in the outcome.

    Whatever goes wrong is the outcome's failure, never an exception, so that
    the other publications of the build go on: out of memory, an output folder
    that cannot be written, an internal error (with its traceback)."""
    outcome = Outcome(task.folder.name)
    try:
        with _one_at_a_time:
            lost = _within_limits(task, lambda: _make(task, outcome, staging, say, alone))
        if lost is None:
            return outcome
        if lost is OutOfTime:
            return _failed(outcome, timed_out(task), Exit.ENVIRONMENT)
        return _failed(outcome, out_of_memory(task, task.memory_limit), Exit.ENVIRONMENT)
    except Unwritable as exc:
        return _failed(outcome, unwritable(task, exc), Exit.ENVIRONMENT)
    except BuildError as exc:  # a stage that gave up with its own diagnostics
        outcome.diagnostics += exc.diagnostics
        return _failed(outcome, None, exc.exit_code)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            return _failed(outcome, no_room(task, exc), Exit.ENVIRONMENT)
        if isinstance(exc.filename, (str, bytes)) and _in_project(os.fsdecode(exc.filename), task.project):
            return _failed(outcome, unreadable(task, exc), Exit.INPUT)
        return _failed(outcome, internal_error(task, exc), Exit.INTERNAL, traceback.format_exc())
    except Exception as exc:  # noqa: BLE001 - a bug in one publication is that publication's failure
        return _failed(outcome, internal_error(task, exc), Exit.INTERNAL, traceback.format_exc())


def _in_project(name: str, project: Path) -> bool:
    return Path(os.path.abspath(name)).is_relative_to(Path(os.path.abspath(project)))


def _failed(outcome: Outcome, error: Diagnostic | None, failure: Exit, details: str | None = None) -> Outcome:
    return Outcome(outcome.slug, outcome.diagnostics + ([error] if error else []), failure=failure,
                   details=details)


def _make(task: Task, outcome: Outcome, staging: Path | None, say, alone: bool) -> None:
    from .build import editions

    if task.folder.name in os.environ.get("PRESSROOM_TEST_STALL", "").split(","):
        _stall()
    diags = Diagnostics(root=task.project)
    pub = read(task, diags)
    if pub is None and not diags.errors:
        diags.error("the publication could not be read", task.folder)
    outcome.diagnostics = list(diags.items)
    if pub is None or failing(diags.items, task.strict):
        return  # it fails on these: nothing to make
    for edition, name, blob, pages in editions(pub, task.project, task.formats, say, alone):
        made = stage(staging, pub.slug, name, blob) if staging is not None else blob
        outcome.editions.append((edition, name, made, pages))
    outcome.diagnostics += getattr(pub, "render_warnings", [])
    outcome.inputs = outside_inputs(pub)


def _stall() -> None:
    """Tests only: a publication that never ends (PRESSROOM_TEST_STALL names
    it), to stop its build at a known point; "C" waits where no Python
    signal handler can run."""
    if os.environ.get("PRESSROOM_TEST_STALL_IN") == "C":
        import signal

        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    threading.Event().wait()


def _within_limits(task: Task, work) -> type[BaseException] | None:
    """Run the work under the task's limits; the limit it passed, or None."""
    with source_date_epoch(task.epoch):
        try:
            with limited(task.memory_limit, task.timeout, hard=_in_worker):
                work()
            lost = None
        except (MemoryError, OutOfMemory):
            lost = OutOfMemory
        except OutOfTime:
            lost = OutOfTime
    if lost is not None:
        _release()  # here, once the abandoned work's frames are gone
    return lost


def outside_inputs(pub) -> list[Path]:
    """The files the editions used from outside the publication's folder (shared images)."""
    folder = Path(pub.folder).resolve()
    return sorted(p for p in {Path(q).resolve() for q in pub.assets} if not p.is_relative_to(folder))
