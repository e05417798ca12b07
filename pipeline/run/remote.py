"""The work on a cluster's worker, which has Pressroom installed and
nothing of the project: a publication's task, and a chapter part of a
book set in parts, each built in a folder made from the blobs of its
inputs (run/sandbox.py), fetched from the cluster when the worker lacks
them. What comes back speaks of the project, not of that folder: its
diagnostics are located in the project as here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from pathlib import Path

from .. import confine
from ..errors import Diagnostic, Diagnostics, Exit
from ..version import __version__
from . import sandbox
from .inputs import Inputs
from .task import Outcome, Task


def other_version(theirs: str) -> str | None:
    """Why this worker may not build for a client of version ``theirs``, or None."""
    if theirs == __version__:
        return None
    return (
        f"a worker of the cluster runs Pressroom {__version__} and this build Pressroom {theirs}: "
        "its editions would not be those of this version"
    )


def build(task: Task, inputs: Inputs, client_version: str, key_prefix: str) -> Outcome:
    """One publication's task on a worker: its outcome, or the files it
    found missing (``wanted``) that the project may have. key_prefix: the
    build's, for its chapters' tasks."""
    from .work import make_task

    problem = other_version(client_version)
    if problem is not None:
        diags = Diagnostics()
        diags.error(problem, hint=f"install Pressroom {client_version} on every worker, or this version here")
        return Outcome(task.folder.name, diags.items, failure=Exit.ENVIRONMENT)
    _quiet()
    rel = task.folder.relative_to(task.project).as_posix()
    try:
        sandbox.fetch(inputs, key_prefix + "blob-")
    except (OSError, ValueError) as exc:
        return _no_copy(task, exc)
    with _one_at_a_time():
        try:
            root = sandbox.publication(inputs)
        except (OSError, ValueError) as exc:
            return _no_copy(task, exc)
        here = dataclasses.replace(task, project=root, folder=root / rel)
        sent = (inputs, str(root), task.folder.name, key_prefix)
        with confine.noting_missing(sandbox.not_sent(root, inputs), sandbox.unreadable_in(root, inputs)) as missing:
            outcome = make_task(here, spread=OnDask(task.memory_limit, sent))
        outcome.wanted = sorted({sandbox.place(root, path) for path in missing})
    return _back(outcome, root, task.project)


@contextlib.contextmanager
def _one_at_a_time():
    """The process's lock on building (run/worker.py), waited for outside
    the worker's thread pool: the book holding it may need a thread for its chapters."""
    from distributed import rejoin, secede

    from .worker import one_at_a_time

    if not one_at_a_time.acquire(blocking=False):
        secede()
        one_at_a_time.acquire()
        rejoin()
    try:
        yield
    finally:
        one_at_a_time.release()


def _no_copy(task: Task, exc: BaseException) -> Outcome:
    diags = Diagnostics()
    diags.error(
        f"the Dask worker could not make its copy of '{task.folder.name}': {exc}",
        hint="check the room on the worker's disk and its temporary folder (TMPDIR)",
    )
    return _back(Outcome(task.folder.name, diags.items, failure=Exit.ENVIRONMENT), sandbox.store(), task.project)


def lay_out_part(job, memory_limit, inputs: Inputs, origin: str, key_prefix: str):
    """A part of a book, on whichever worker, in a copy of the project of
    its own; its setting and messages speak of the book's copy (origin)."""
    from .spread import lay_out

    _quiet()
    sandbox.fetch(inputs, key_prefix + "blob-")
    with sandbox.held(inputs) as root:
        done = lay_out(dataclasses.replace(job, setting=_moved(job.setting, origin, str(root))), memory_limit)
    done.messages = [_home(m, root, Path(origin)) or "" for m in done.messages]
    return done


def _quiet() -> None:
    """WeasyPrint's messages go into the build's own (pdf/typeset.py), not the worker's log as well."""
    import logging

    logging.getLogger("weasyprint").propagate = False


def _moved(setting, old: str, new: str):
    """A layout's setting with the project's place changed from old to new."""

    def move(text):
        return _home(text, Path(old), Path(new))

    return dataclasses.replace(
        setting,
        project=Path(new),
        base_url=move(setting.base_url),
        sheets=tuple((move(text), move(base)) for text, base in setting.sheets),
    )


def _home(text: str | None, root: Path, project: Path) -> str | None:
    """Text that names the worker's copy, naming the project instead (links followed or not)."""
    if text is None:
        return None
    for here in {root, root.resolve()}:
        text = text.replace(here.as_uri(), project.as_uri()).replace(str(here), str(project))
    return text


def _back(outcome: Outcome, root: Path, project: Path) -> Outcome:
    """The outcome as the project sees it: its paths and messages in the project, not in the worker's folder."""
    outcome.diagnostics = [
        Diagnostic(d.severity, _home(d.message, root, project) or "", d.location, _home(d.hint, root, project))
        for d in outcome.diagnostics
    ]
    real = root.resolve()
    outcome.inputs = [project / p.relative_to(real) if p.is_relative_to(real) else p for p in outcome.inputs]
    outcome.details = _home(outcome.details, root, project)
    return outcome


class OnDask:
    """The parts on the Dask cluster, submitted from the publication's own
    task. sent: what that task was sent (build, above), as (its inputs, the
    place of the task's copy of the project, the publication's name, the
    build's prefix of task keys): a part laid out on another worker makes
    its own copy from the same blobs."""

    def __init__(self, memory_limit: int | None, sent: tuple):
        self.memory_limit, self.sent = memory_limit, sent

    def store(self):
        from distributed import get_client

        from .spread import _DaskStore

        return _DaskStore(get_client())

    def __call__(self, jobs):
        from distributed import as_completed, worker_client

        inputs, origin, slug, prefix = self.sent
        with worker_client() as client:
            futures = [
                client.submit(
                    lay_out_part,
                    job,
                    self.memory_limit,
                    inputs,
                    origin,
                    prefix,
                    key=f"{prefix}part-{slug}-{job.index}-{uuid.uuid4().hex}",
                )
                for job in jobs
            ]
            for future in as_completed(futures):
                yield future.result()

    def close(self) -> None:
        pass
