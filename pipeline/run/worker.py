"""The process that builds publications: a local worker's set-up (it dies
with the build that started it), and the limits every publication is built
under, in the build's own process as in a worker.

Every publication is built under a memory limit and a time limit
(pipeline/limits.py): one huge or slow book cannot take the machine down,
and running out of either becomes a located error for that publication
only. One process builds one publication at a time, even when it runs
tasks in threads (Dask): a build sets the process's environment
(SOURCE_DATE_EPOCH, fontconfig's file) and patches libraries.
"""

from __future__ import annotations

import os
import threading

from ..dates import source_date_epoch
from ..limits import OutOfMemory, OutOfTime, limited
from . import progress

# A build makes millions of short-lived objects and few cycles: the
# collector runs less often than Python's default (700, 10, 10).
GC_THRESHOLDS = (50_000, 20, 20)
# Imported by the fork server once, so that each worker, a fork of it, starts with them.
PRELOAD = [
    "pipeline.run.work",
    "pipeline.run.make",
    "pipeline.document",
    "pipeline.pdf",
    "pipeline.epub",
    "pipeline.archive.edition",
]
_in_worker = False  # a process of its own, which the time limit may end
one_at_a_time = threading.RLock()  # see the module's docstring; a cluster's task takes it before make_task


def init_worker(parent: int | None = None, events=None) -> None:
    """Initializer of a local worker process (runs in its main thread):
    the worker ends when the build that started it ends, even by kill -9.
    events: the write end of the build's progress pipe (progress.Relay), or None."""
    global _in_worker
    import gc

    _in_worker = True
    if events is not None:
        progress.install(progress.pipe_sender(events))
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


def within_limits(
    epoch: str | None, memory_limit: int | None, timeout: float | None, work
) -> type[BaseException] | None:
    """Run the work at the build's moment (SOURCE_DATE_EPOCH) under the
    limits; the limit it passed (OutOfMemory, OutOfTime), or None."""
    lost: type[BaseException] | None = None
    with source_date_epoch(epoch):
        try:
            with limited(memory_limit, timeout, hard=_in_worker):
                work()
        except (MemoryError, OutOfMemory):
            lost = OutOfMemory
        except OutOfTime:
            lost = OutOfTime
    if lost is not None:
        _release()  # here, once the abandoned work's frames are gone
    return lost
