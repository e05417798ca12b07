"""Where the tasks run: three executors of one protocol (the third, on a
Dask cluster, is in run/cluster.py). Each is a context
manager with `memory_limit` (the limit its workers are under, to name it
when one is lost) and `run(tasks)`, which yields (task, its Outcome, or
the exception its worker gave instead) as each finishes. All three run the
same make_task (pipeline/run/work.py). Given a sink for progress (events),
the work sends its snapshots there: see pipeline/run/progress.py for how
each executor carries them.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ..errors import Diagnostics
from . import progress
from .task import Task
from .worker import PRELOAD


class Here:
    """Everything in this process, one publication after another (--jobs 1)."""

    memory_limit = None  # make_task keeps to it itself: nothing is lost without an outcome

    def __init__(self, staging: Path, say, spread=None, events: progress.Sink | None = None):
        self.staging, self.say, self.spread, self.events = staging, say, spread, events

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.spread is not None:
            self.spread.close()

    def run(self, tasks: list[Task]):
        from .work import make_task

        for task in tasks:
            self.say(f"reading {task.folder.name}")
            with progress.sending(self.events):
                outcome = make_task(task, self.staging, self.say, alone=len(tasks) == 1, spread=self.spread)
            yield task, outcome


class Pool:
    """Local worker processes, started by a fork server (a clean process: no
    state of the caller is inherited), each under the memory limit. Each
    writes its publication's editions into the staging folder."""

    def __init__(self, staging: Path, say, workers: int, memory_limit: int | None, events: progress.Sink | None = None):
        self.staging, self.say, self.workers, self.memory_limit = staging, say, workers, memory_limit
        self.where = f"{workers} worker processes"
        self.pool = None
        self.events = events
        self.relay: progress.Relay | None = None  # the workers' snapshots, when progress is shown

    def _pool(self, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from .worker import init_worker

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        if self.events is not None and self.relay is None:
            self.relay = progress.Relay(context, self.events)
        pipe = self.relay.writer if self.relay is not None else None
        return ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(os.getpid(), pipe))

    def __enter__(self):
        self.pool = self._pool(self.workers)
        return self

    def __exit__(self, *exc):
        try:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
        finally:
            if self.relay is not None:
                self.relay.close()

    def run(self, tasks: list[Task]):
        """A task whose worker died (a crash under the memory limit takes the
        pool with it) is tried again alone in a fresh worker, so only the
        guilty one fails."""
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        from .work import make_task

        assert self.pool is not None, "run inside its with block"
        self.say(f"building {len(tasks)} publications on {self.where}")
        fn = functools.partial(make_task, staging=self.staging)
        futures = {self.pool.submit(fn, task): task for task in tasks}
        again = []
        for future in as_completed(futures):
            try:
                value = future.result()
            except BrokenProcessPool:
                again.append(futures[future])
                continue
            except Exception as exc:  # noqa: BLE001 - handed to the caller as data
                value = exc
            yield futures[future], value
        if again:
            import time

            from ..limits import OutOfTime

            self.pool.shutdown(wait=True, cancel_futures=True)
            for task in again:
                with self._pool(1) as alone:
                    began = time.monotonic()
                    try:
                        value = alone.submit(fn, task).result()
                    except BrokenProcessPool as exc:  # ended by the time limit's backstop, or it crashed
                        value = OutOfTime() if task.timeout and time.monotonic() - began >= task.timeout else exc
                    except Exception as exc:  # noqa: BLE001
                        value = exc
                yield task, value
            self.pool = self._pool(self.workers)


def choose(
    kind: str,
    jobs: int | None,
    tasks: int,
    staging: Path,
    say,
    *,
    scheduler: str | None,
    memory_limit: int | None,
    diags: Diagnostics,
    events: progress.Sink | None = None,
    project: Path | None = None,
):
    """The executor of a build: "dask", or "local" with as many worker
    processes as jobs (None: one per core) and tasks allow, and with one,
    this process (which lays a book's chapters out on that many).
    events: where the work's progress goes (None: nowhere)."""
    if kind == "dask":
        from .cluster import Dask

        assert scheduler and project, "the plan refuses the dask executor without a scheduler"
        return Dask(say, scheduler, diags, project)  # progress from the parent alone: see progress.py
    cores = jobs or os.cpu_count() or 1
    workers = min(cores, tasks)
    if workers <= 1:
        # One publication: a book's chapters are laid out on the cores it may use.
        from .spread import Local

        return Here(staging, say, Local(cores, memory_limit) if cores > 1 else None, events)
    return Pool(staging, say, workers, memory_limit, events)
