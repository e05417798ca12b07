"""Limits on the work on one publication: its memory and its time.

The same limits hold wherever the work runs: in the build's own process,
in a local worker process, on a Dask worker. A watcher thread reads the
process's resident memory and the clock; when either passes its limit, it
raises OutOfMemory or OutOfTime in the thread doing the work, between two
Python steps (never inside a C library, which may not survive it). In the
main thread this goes through a signal, which also ends a long regular
expression match or a blocking call.

Two backstops for what the watch cannot stop: an address-space limit
(RLIMIT_AS) well above the memory limit, for what grows faster than the
watch can see; and, in a worker process only (hard=True), an alarm that
ends the process when the work is still running some time after its time
is up (stuck in C code); the parent then reports the publication as out
of time.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

WATCH_SECONDS = 0.02
# How long the work has to unwind once out of time before, with hard=True,
# its process is ended: a tenth of the limit, within these bounds.
GRACE_SECONDS = (1.0, 10.0)


class OutOfMemory(BaseException):
    """The work's process passed its memory limit. Not an Exception, so
    that no library's ``except Exception`` hides it."""


class OutOfTime(BaseException):
    """The work ran longer than its time limit."""


def resident() -> int | None:
    """The process's resident memory in bytes, or None where it cannot be read cheaply."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _address_space() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextlib.contextmanager
def _backstop(limit: int):
    """RLIMIT_AS far above the memory limit (address space runs well ahead of
    resident memory: thread stacks, mapped fonts, allocator arenas)."""
    try:
        import resource
    except ImportError:  # not a Unix
        yield
        return
    old = resource.getrlimit(resource.RLIMIT_AS)
    soft, hard = old
    backstop = max(2 * limit + (1 << 30), _address_space() + limit + (512 << 20))
    if soft != resource.RLIM_INFINITY:
        backstop = min(backstop, soft)
    if hard != resource.RLIM_INFINITY:
        backstop = min(backstop, hard)
    resource.setrlimit(resource.RLIMIT_AS, (backstop, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, old)


class _Interrupter:
    """Raises an exception in the working thread, from the watcher thread."""

    def __init__(self):
        self.thread = threading.get_ident()
        self.main = threading.current_thread() is threading.main_thread()
        self.pending: type[BaseException] | None = None
        self.active = True
        self.old_handler = None
        if self.main:
            self.old_handler = signal.signal(signal.SIGUSR1, self._handler)

    def _handler(self, signum, frame):
        if self.active and self.pending is not None:  # a late signal after the block is dropped
            raise self.pending

    def __call__(self, exc: type[BaseException]) -> None:
        self.pending = exc
        if self.main:  # a real signal: it also wakes a blocking call (a sleep, a wait, a read)
            signal.pthread_kill(self.thread, signal.SIGUSR1)
        else:  # a worker thread (Dask): raised at its next Python step
            import ctypes

            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread), ctypes.py_object(exc))

    def close(self) -> None:
        self.active = False
        if self.main:
            signal.signal(signal.SIGUSR1, self.old_handler)
        elif self.pending is not None:  # one not yet raised must not outlive the block
            import ctypes

            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread), None)


def _watch(interrupt: _Interrupter, done: threading.Event, limit: int | None, deadline: float | None) -> None:
    while not done.wait(WATCH_SECONDS):
        reason: type[BaseException] | None = None
        if deadline is not None and time.monotonic() > deadline:
            reason = OutOfTime
        elif limit is not None and (resident() or 0) > limit:
            reason = OutOfMemory
        if reason is not None:
            interrupt(reason)
            done.wait(0.5)  # time for the work to unwind and free before looking again


@contextlib.contextmanager
def limited(memory_mib: int | None = None, seconds: float | None = None, hard: bool = False):
    """Run the block under a memory limit (MiB of resident memory) and a time
    limit (seconds); either may be None. Raises OutOfMemory or OutOfTime out
    of the block when it passes one. hard: the process is a worker of its
    own, which may be ended, and whose whole memory is the work's; else the
    limit is on what the block adds to the memory the process holds."""
    if not memory_mib and not seconds:
        yield
        return
    limit = int(memory_mib) << 20 if memory_mib else None
    if limit is not None and resident() is None:
        limit = None  # no cheap way to read resident memory here: the backstop alone holds
    elif limit is not None and not hard:
        # A process that does other things too (the library's caller): the
        # limit is on what the work adds to what the process already holds.
        limit += resident() or 0
    deadline = time.monotonic() + seconds if seconds else None
    interrupt = _Interrupter()
    done = threading.Event()
    watcher = threading.Thread(
        target=_watch, args=(interrupt, done, limit, deadline), name="pressroom-limits", daemon=True
    )
    alarm = hard and bool(seconds) and hasattr(signal, "setitimer")
    with contextlib.ExitStack() as stack:
        if memory_mib:
            stack.enter_context(_backstop(int(memory_mib) << 20))
        if alarm and seconds:
            # SIGALRM's default action ends the process, even inside C code.
            old_alarm = signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.setitimer(signal.ITIMER_REAL, seconds + min(max(seconds / 10, GRACE_SECONDS[0]), GRACE_SECONDS[1]))
        try:
            watcher.start()
            yield
        finally:
            done.set()
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old_alarm)
            watcher.join()
            interrupt.close()
