"""The Dask executor: the build's tasks on a Dask distributed cluster
(pressroom[dask]) whose workers share nothing with this machine but the
scheduler. Each task is sent its inputs (run/inputs.py) as blobs named by
their digest: the cluster holds each blob once, and a worker fetches it
once, however many publications use it (a catalogue's fonts). A task
comes back with its editions as bytes, or with the files it found missing
that the project has: it is sent again with them.

Dask runs a task again elsewhere when its worker is lost (and a lost
blob from the task that holds it); the build reports each lost worker.
Only a window of tasks is on the cluster at a time, so that the blobs of
a catalogue of thousands are not all held at once.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

from ..errors import BuildError, Diagnostics, Exit
from ..version import __version__
from .failures import unreadable
from .inputs import Collector, Inputs, blob_key, given
from .task import Outcome, Task


class Dask:
    memory_limit = None  # the cluster's workers have their own limits

    def __init__(self, say, address: str, diags: Diagnostics, project: Path):
        self.say, self.diags, self.project = say, diags, project
        try:
            from distributed import Client
        except ImportError:
            diags.error(
                "the dask executor needs the 'distributed' package",
                hint="install it with: pip install 'pressroom[dask]'",
            )
            raise BuildError(diags.items, Exit.ENVIRONMENT) from None
        try:
            self.client = Client(address, timeout="30s")
        except (OSError, TimeoutError) as exc:
            diags.error(
                f"cannot reach the Dask scheduler at {address}: {exc}",
                hint="check the address given with --scheduler and that the scheduler is running",
            )
            raise BuildError(diags.items, Exit.ENVIRONMENT) from None
        self.where = f"the Dask cluster at {address}"
        self.sent = 0  # bytes of blobs sent to the cluster
        self.lost: list[tuple[str, set[str]]] = []  # (worker, the publications it was building)
        self._lock = threading.Lock()

    def __enter__(self):
        try:
            self._check_versions()
            self.client.subscribe_topic("all", self._event)
        except BaseException:
            self.client.close()
            raise
        return self

    def __exit__(self, *exc):
        try:
            self._report_lost()
            self.client.unsubscribe_topic("all")
        finally:
            self.client.close()

    def _check_versions(self) -> None:
        """Every worker runs this Pressroom, before anything is sent."""
        from .remote import version

        try:
            found = self.client.run(version)
        except Exception as exc:  # noqa: BLE001 - a worker without Pressroom cannot unpickle the call
            self.diags.error(
                f"the workers of {self.where} cannot run Pressroom: {type(exc).__name__}: {exc}",
                hint=f"install Pressroom {__version__} on every worker (pip install 'pressroom[dask]=={__version__}')",
            )
            raise BuildError(self.diags.items, Exit.ENVIRONMENT) from None
        other = {worker: v for worker, v in found.items() if v != __version__}
        for worker, theirs in sorted(other.items()):
            self.diags.error(
                f"the worker {worker} runs Pressroom {theirs} and this build Pressroom {__version__}: "
                "its editions would not be those of this version",
                hint=f"install Pressroom {__version__} on every worker, or Pressroom {theirs} here",
            )
        if other:
            raise BuildError(self.diags.items, Exit.ENVIRONMENT)

    def _event(self, event) -> None:
        """The scheduler's events: a worker lost with tasks of this build on it."""
        _, message = event
        if not isinstance(message, dict) or message.get("action") != "remove-worker" or message.get("expected"):
            return
        slugs = {_slug(key) for key in message.get("processing-tasks", ())} - {None}
        if slugs:
            with self._lock:
                self.lost.append((str(message.get("worker", "a worker")), slugs))  # type: ignore[arg-type]

    def _report_lost(self) -> None:
        for worker, slugs in self.lost:
            names = ", ".join(sorted(slugs))
            self.diags.warning(
                f"the Dask worker {worker} was lost while building {names}: "
                "Dask ran its tasks again on the other workers",
                hint="the editions written are whole; see the worker's log for why it stopped",
            )

    def run(self, tasks: list[Task]):
        from distributed import as_completed

        self.say(f"building {len(tasks)} publications on {self.where}")
        collector = Collector(self.project)
        threads = sum(self.client.nthreads().values()) or 1
        window = max(4, 2 * threads)
        waiting = list(reversed(tasks))
        running: dict = {}  # future: (task, inputs)
        blobs: dict[str, list] = {}  # digest: [its future, the running tasks that need it, tasks so far]
        done = as_completed()

        def submit(task: Task, inputs: Inputs) -> None:
            from .remote import build

            needed = sorted(inputs.blobs())
            for digest in needed:
                if digest not in blobs:
                    data = collector.read(digest)
                    self.sent += len(data)
                    blobs[digest] = [self._blob(digest, data), 0, 0]
                blobs[digest][1] += 1
                blobs[digest][2] += 1
            key = f"pressroom-task-{task.folder.name}-{uuid.uuid4().hex}"
            future = self.client.submit(
                build, task, inputs, {d: blobs[d][0] for d in needed}, __version__, key=key, pure=False
            )
            running[future] = (task, inputs)
            done.add(future)

        def let_go(digests: set[str]) -> None:
            """A blob of one task alone goes once it is done; one that tasks share stays for the build."""
            for digest in digests:
                blobs[digest][1] -= 1
                if not blobs[digest][1] and blobs[digest][2] == 1:
                    del blobs[digest]

        def fill() -> list[tuple[Task, Outcome]]:
            unread = []
            while waiting and len(running) < window:
                task = waiting.pop()
                try:
                    submit(_dated(task), collector.inputs(task.folder))
                except OSError as exc:  # a file changed or went while it was read here
                    unread.append((task, Outcome(task.folder.name).failed(unreadable(task, exc), Exit.INPUT)))
            return unread

        yield from fill()
        for future in done:
            task, inputs = running.pop(future)
            sent = inputs.blobs()
            try:
                value = future.result()
            except Exception as exc:  # noqa: BLE001 - handed to the caller as data
                value = exc
            future.release()
            if isinstance(value, Outcome) and value.wanted and collector.add(inputs, value.wanted):
                self.say(f"{task.folder.name}: sent again with the files it names outside its folder")
                try:
                    submit(task, inputs)
                except OSError as exc:
                    value = Outcome(task.folder.name).failed(unreadable(task, exc), Exit.INPUT)
                else:
                    let_go(sent)
                    continue
            let_go(sent)
            yield task, value
            yield from fill()
        self.say(f"sent {self.sent / 2**20:.1f} MiB of inputs to the cluster for {len(tasks)} publications")

    def _blob(self, digest: str, data: bytes):
        import dask

        # A blob is a task of its own, so that the cluster can make it again
        # if the worker holding it is lost; some are larger than Dask expects a task to be.
        with dask.config.set({"distributed.admin.large-graph-warning-threshold": "4GiB"}):
            return self.client.submit(given, data, key=blob_key(digest), pure=False)


def _dated(task: Task) -> Task:
    """The task with its build time when the project's git history gives it (a worker has no history)."""
    import dataclasses

    from ..dates import fixed_time

    fixed = fixed_time(task.folder)
    return dataclasses.replace(task, epoch=str(fixed[1])) if fixed is not None else task


def _slug(key) -> str | None:
    """The publication of one of this build's tasks, from its key."""
    name = key if isinstance(key, str) else str(key)
    for prefix in ("pressroom-task-", "pressroom-part-"):
        if name.startswith(prefix):
            rest = name[len(prefix) :].rsplit("-", 1)[0]
            return rest.rsplit("-", 1)[0] if prefix == "pressroom-part-" else rest
    return None
