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
        self.prefix = f"pressroom-{uuid.uuid4().hex[:12]}-"  # of this build's task keys
        self.blobs: dict = {}  # digest: the task holding it on the cluster, published under _name(digest)
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
            for digest in list(self.blobs):  # the cluster lets the blobs go
                self._let_go(digest)
            self.client.unsubscribe_topic("all")
        finally:
            self.client.close()

    def _name(self, digest: str) -> str:
        """The name a blob is published under for this build's workers (run/sandbox.py fetches it)."""
        return f"{self.prefix}blob-{digest}"

    def _let_go(self, digest: str) -> None:
        self.client.unpublish_dataset(self._name(digest))
        del self.blobs[digest]

    def _check_versions(self) -> None:
        """Every worker runs this Pressroom, before anything is sent. Asked
        through the standard library, so that a worker of any version answers."""
        import importlib.metadata

        found = self.client.run(importlib.metadata.version, "pressroom", on_error="return")
        for worker, theirs in sorted(found.items()):
            if isinstance(theirs, BaseException):
                self.diags.error(
                    f"the worker {worker} of {self.where} cannot run Pressroom: {type(theirs).__name__}: {theirs}",
                    hint=f"install Pressroom {__version__} on every worker (pip install 'pressroom[dask]=={__version__}')",
                )
            elif theirs != __version__:
                self.diags.error(
                    f"the worker {worker} runs Pressroom {theirs} and this build Pressroom {__version__}: "
                    "its editions would not be those of this version",
                    hint=f"install Pressroom {__version__} on every worker, or Pressroom {theirs} here",
                )
        if self.diags.errors:
            raise BuildError(self.diags.items, Exit.ENVIRONMENT)

    def _event(self, event) -> None:
        """The scheduler's events: a worker lost with tasks of this build on it."""
        _, message = event
        if not isinstance(message, dict) or message.get("action") != "remove-worker" or message.get("expected"):
            return
        slugs = {_slug(key, self.prefix) for key in message.get("processing-tasks", ())} - {None}
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
        running_with: dict[str, int] = {}  # digest: the running tasks that need it
        used_by: dict[str, set[str]] = {}  # digest: the publications that needed it so far
        done = as_completed()

        def submit(task: Task, inputs: Inputs) -> None:
            from .remote import build

            needed = sorted(inputs.blobs())
            new = {d: collector.read(d) for d in needed if d not in self.blobs}  # first, as it may fail
            for digest, data in new.items():
                self.sent += len(data)
                self._blob(digest, data)
            for digest in needed:
                running_with[digest] = running_with.get(digest, 0) + 1
                used_by.setdefault(digest, set()).add(task.folder.name)
            key = f"{self.prefix}task-{task.folder.name}-{uuid.uuid4().hex}"
            # The blobs are not the task's arguments: its worker fetches those it lacks (run/sandbox.py).
            future = self.client.submit(build, task, inputs, __version__, self.prefix, key=key, pure=False)
            running[future] = (task, inputs)
            done.add(future)

        def let_go(digests: set[str]) -> None:
            """A blob of one publication alone goes once its task is done; one they share stays for the build."""
            for digest in digests:
                running_with[digest] -= 1
                if not running_with[digest] and len(used_by[digest]) == 1:
                    self._let_go(digest)
                    del running_with[digest]

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

    def _blob(self, digest: str, data: bytes) -> None:
        """A blob on the cluster, published so that a worker lacking it fetches it.
        It is a task of its own, so that the cluster can make it again if
        the worker holding it is lost; it runs before the tasks that wait for it."""
        import dask

        # Some blobs are larger than Dask expects a task to be.
        with dask.config.set({"distributed.admin.large-graph-warning-threshold": "4GiB"}):
            self.blobs[digest] = self.client.submit(given, data, key=blob_key(digest), pure=False, priority=10)
        self.client.publish_dataset(self.blobs[digest], name=self._name(digest))


def _dated(task: Task) -> Task:
    """The task with its build time when the project's git history gives it (a worker has no history)."""
    import dataclasses

    from ..dates import fixed_time

    fixed = fixed_time(task.folder)
    return dataclasses.replace(task, epoch=str(fixed[1])) if fixed is not None else task


def _slug(key, prefix: str) -> str | None:
    """The publication of one of this build's tasks, from its key
    (prefix + "task-<slug>-<id>" or "part-<slug>-<chapter>-<id>")."""
    name = key if isinstance(key, str) else str(key)
    if not name.startswith(prefix):
        return None
    kind, _, rest = name[len(prefix) :].partition("-")
    rest = rest.rsplit("-", 1)[0]
    return rest.rsplit("-", 1)[0] if kind == "part" else rest
