"""Where a book's parts are laid out (pipeline/pdf/parts.py): a spread is
called with the parts' jobs and yields each one's result as it is done;
``store()`` gives the dict through which the parts tell each other their
page counts (parts.Counts), shared by every process that lays them out.

- ``Local``: worker processes of this machine, started when a book first
  needs them (an article never does), each under the build's memory limit;
- ``OnDask`` (run/remote.py): the cluster's workers, from the task of the
  publication (which leaves its worker's thread while it waits), each part
  with the blobs the publication was sent.

Without a spread the parts are laid out in the publication's own process.
"""

from __future__ import annotations

import contextlib
import os
import uuid


def lay_out(job, memory_limit: int | None):
    """One part, in a worker, under the memory limit: an OutOfMemory goes
    back to the publication's process, which reports it as its own."""
    from ..limits import limited
    from ..pdf.part import lay_out as lay_out_part

    with limited(memory_limit, None, hard=True):
        return lay_out_part(job)


class Local:
    def __init__(self, workers: int, memory_limit: int | None):
        self.workers, self.memory_limit = workers, memory_limit
        self.pool = self.manager = None

    def _start(self):
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from .worker import PRELOAD, init_worker

            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self.manager = context.Manager()
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=init_worker, initargs=(os.getpid(),)
            )

    def store(self):
        self._start()
        assert self.manager is not None
        return self.manager.dict()

    def __call__(self, jobs):
        from concurrent.futures import as_completed

        self._start()
        assert self.pool is not None
        from concurrent.futures.process import BrokenProcessPool

        futures = [self.pool.submit(lay_out, job, self.memory_limit) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BrokenProcessPool:
            # A worker killed under the memory limit's backstop takes the pool
            # with it: the book is out of memory, and the next one gets a new pool.
            self.close()
            from ..limits import OutOfMemory

            raise OutOfMemory() from None
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.manager is not None:
            self.manager.shutdown()
        self.pool = self.manager = None


class _DaskStore:
    """A dict of page counts kept by the Dask scheduler (one Variable a part)."""

    def __init__(self, client):
        self.client, self.prefix = client, f"pressroom-parts-{uuid.uuid4().hex}"
        self.names: dict = {}
        self.set: dict = {}

    def _variable(self, key):
        from distributed import Variable

        if key not in self.names:
            self.names[key] = Variable(f"{self.prefix}-{key}", client=self.client)
        return self.names[key]

    def __setitem__(self, key, value) -> None:
        self._variable(key).set(value)
        self.set[key] = value

    def __getstate__(self):
        return {"prefix": self.prefix}

    def __setstate__(self, state):
        # Unpickled where no client is at hand yet: the task's own is taken when first used.
        self.prefix, self.names, self.set, self.client = state["prefix"], {}, {}, None

    @contextlib.contextmanager
    def waiting(self):
        """Leave the worker's thread pool while waiting for other parts, which may need its thread."""
        from distributed import rejoin, secede

        secede()
        try:
            yield
        finally:
            rejoin()

    def get(self, key, default=None):
        return self.set.get(key, default)  # what this process set: enough to abort the rest

    def wait_for(self, key):
        return self._variable(key).get()
