"""The per-publication work, as plain functions that run anywhere: in the
build's own process (``--jobs 1``), in local worker processes, or on a Dask
cluster. Tasks and results are plain data (paths, bytes, diagnostics), so
the parent alone writes into the output folder.

A local worker runs under a memory limit, so that one huge book cannot take
the machine down: running out of memory becomes a located error for that
publication only. The limit is on resident memory, watched by a thread that
interrupts the work between two Python steps (never inside a C library, which
may not survive a failed allocation); an address-space limit (RLIMIT_AS) well
above it stops anything that grows faster than the watch can see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .dates import source_date_epoch
from .errors import Diagnostic, Diagnostics

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
    slug: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # (edition, file name, bytes or the staged file, pages), in the order the editions are written
    editions: list[tuple[str, str, bytes | Path, int | None]] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # files outside the folder the editions used
    read: list[Diagnostic] = field(default_factory=list)  # what reading the sources found (make_task)


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


LOST = "out of memory"  # what check_task returns when the worker ran out of memory


def check_task(task: Task) -> list[Diagnostic] | str:
    """First stage in a worker: read the publication only, for its diagnostics."""
    diags = Diagnostics(root=task.project)
    if _within_limit(lambda: read(task, diags), task.epoch):
        return diags.items
    return LOST


def build_task(task: Task) -> Outcome:
    """Second stage in a worker: read the publication again and make its editions."""
    outcome = Outcome(task.folder.name)
    if not _within_limit(lambda: _make(task, outcome), task.epoch):
        outcome.editions = []
        outcome.diagnostics = [out_of_memory(task, _memory_limit_mib)]
    return outcome


def make_task(task: Task, staging: Path) -> Outcome:
    """The one stage of a local worker: read the publication and, when it
    reads without errors, write its editions into the staging folder (a
    folder of the output folder's own). The parent moves them into place
    once every publication has been read without errors, so a publication
    is read once and its bytes never travel between processes."""
    outcome = Outcome(task.folder.name)
    if not _within_limit(lambda: _make(task, outcome, staging), task.epoch):
        outcome.editions = []
        outcome.diagnostics = [out_of_memory(task, _memory_limit_mib)]
    return outcome


def _make(task: Task, outcome: Outcome, staging: Path | None = None) -> None:
    from .build import editions, write_atomically

    diags = Diagnostics(root=task.project)
    pub = read(task, diags)
    outcome.read = list(diags.items)
    if pub is None or diags.errors:
        if staging is None:
            outcome.diagnostics = diags.errors or [Diagnostic("error", "the publication could not be read")]
        elif pub is None and not diags.errors:
            outcome.read.append(Diagnostic("error", "the publication could not be read"))
        return
    if staging is not None and task.strict and diags.warnings:
        return  # the build fails on these warnings: nothing to make
    made = editions(pub, task.project, task.formats)
    if staging is None:
        outcome.editions = list(made)
    else:
        folder = staging / task.folder.name
        folder.mkdir(parents=True, exist_ok=True)
        for edition, name, blob, pages in made:
            write_atomically(folder / name, blob)
            outcome.editions.append((edition, name, folder / name, pages))
    outcome.diagnostics = list(getattr(pub, "render_warnings", []))
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
