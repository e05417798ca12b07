"""The per-publication work, as plain functions that run anywhere: in the
build's own process (``--jobs 1``), in local worker processes, or on a Dask
cluster: the same function, make_task, in all three. Tasks and results are
plain data (paths, bytes, diagnostics). The work writes a publication's
editions into a staging folder at most (or, on a cluster, sends them back);
the parent alone moves them into place, one publication's set at a time.
A publication that fails, whatever the reason, is its outcome's failure:
the others go on.

A local worker runs under a memory limit, so that one huge book cannot take
the machine down: running out of memory becomes a located error for that
publication only. The limit is on resident memory, watched by a thread that
interrupts the work between two Python steps (never inside a C library, which
may not survive a failed allocation); an address-space limit (RLIMIT_AS) well
above it stops anything that grows faster than the watch can see.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .dates import source_date_epoch
from .errors import BuildError, Diagnostic, Diagnostics, Exit, failing
from .output import Unwritable, stage

DEFAULT_MEMORY_LIMIT_MIB = 4096
# A build makes millions of short-lived objects and few cycles: the
# collector runs less often than Python's default (700, 10, 10).
GC_THRESHOLDS = (50_000, 20, 20)
_memory_limit_mib: int | None = None
_WATCH_SECONDS = 0.02
_watching = __import__("threading").Event()  # set while a task runs


class OutOfMemory(BaseException):
    """Raised in a worker's main thread when its resident memory passes the
    limit. Not an Exception, so no library's ``except Exception`` hides it."""


@dataclass
class Task:
    project: Path
    folder: Path
    formats: tuple[str, ...]
    strict: bool = False
    epoch: str | None = None  # SOURCE_DATE_EPOCH of the parent: remote workers have their own environment


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


def init_worker(memory_limit_mib: int | None) -> None:
    """Initializer of a local worker process (runs in its main thread)."""
    global _memory_limit_mib
    import gc

    gc.set_threshold(*GC_THRESHOLDS)
    if not memory_limit_mib:
        return
    import os
    import resource
    import signal
    import threading

    _memory_limit_mib = int(memory_limit_mib)
    limit = _memory_limit_mib * 1024 * 1024
    # Address space runs well ahead of resident memory (thread stacks, mapped
    # fonts, allocator arenas), so the hard stop sits far above the limit.
    backstop = 2 * limit + 1024 * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        backstop = min(backstop, hard)
    resource.setrlimit(resource.RLIMIT_AS, (backstop, hard))
    if not os.path.exists("/proc/self/statm"):
        return  # no cheap way to read resident memory here: the backstop alone holds

    def interrupt(signum, frame):
        if _watching.is_set():  # a late interrupt between two tasks is dropped
            raise OutOfMemory

    signal.signal(signal.SIGUSR1, interrupt)
    threading.Thread(target=_watch, args=(limit,), name="pressroom-memory-watch", daemon=True).start()


def _resident() -> int:
    import os

    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _watch(limit: int) -> None:
    import _thread
    import signal
    import time

    while True:
        if _watching.is_set() and _resident() > limit:
            _thread.interrupt_main(signal.SIGUSR1)
            time.sleep(0.5)  # give the main thread time to unwind and free
        time.sleep(_WATCH_SECONDS)


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
                hint="raise the limit with --memory-limit MIB, build it alone with "
                     f"'pressroom build --jobs 1 {task.folder.name}', or split it into smaller publications")
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
        if _within_limit(lambda: _make(task, outcome, staging, say, alone), task.epoch):
            return outcome
        return _failed(outcome, out_of_memory(task, _memory_limit_mib), Exit.ENVIRONMENT)
    except Unwritable as exc:
        return _failed(outcome, unwritable(task, exc), Exit.ENVIRONMENT)
    except BuildError as exc:  # a stage that gave up with its own diagnostics
        outcome.diagnostics += exc.diagnostics
        return _failed(outcome, None, exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - a bug in one publication is that publication's failure
        return _failed(outcome, internal_error(task, exc), Exit.INTERNAL, traceback.format_exc())


def _failed(outcome: Outcome, error: Diagnostic | None, failure: Exit, details: str | None = None) -> Outcome:
    return Outcome(outcome.slug, outcome.diagnostics + ([error] if error else []), failure=failure,
                   details=details)


def _make(task: Task, outcome: Outcome, staging: Path | None, say, alone: bool) -> None:
    from .build import editions

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


def _within_limit(work, epoch) -> bool:
    """Run the work under the memory watch; False when it ran out of memory."""
    with source_date_epoch(epoch):
        _watching.set()
        try:
            work()
            lost = False
        except (MemoryError, OutOfMemory):
            lost = True
        finally:
            _watching.clear()
    if lost:
        _release()  # here, once the abandoned work's frames are gone
    return not lost


def outside_inputs(pub) -> list[Path]:
    """The files the editions used from outside the publication's folder (shared images)."""
    folder = Path(pub.folder).resolve()
    return sorted(p for p in {Path(q).resolve() for q in pub.assets} if not p.is_relative_to(folder))
