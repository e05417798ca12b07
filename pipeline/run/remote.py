"""The work on a cluster's worker, which has Pressroom installed and
nothing of the project: a publication's task, and a chapter part of a
book set in parts, each built in a folder made from the blobs it was sent
(run/sandbox.py). What comes back speaks of the project, not of that
folder: its diagnostics are located in the project as here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .. import confine
from ..errors import Diagnostic, Diagnostics, Exit
from ..version import __version__
from . import sandbox
from .inputs import Inputs, blob_key
from .task import Outcome, Task


def version() -> str:
    return __version__


def other_version(theirs: str) -> str | None:
    """Why this worker may not build for a client of version ``theirs``, or None."""
    if theirs == __version__:
        return None
    return (
        f"a worker of the cluster runs Pressroom {__version__} and this build {theirs}: "
        "its editions would not be those of this version"
    )


def build(task: Task, inputs: Inputs, blobs: dict[str, bytes], client_version: str) -> Outcome:
    """One publication's task on a worker: its outcome, or the files it
    found missing (``wanted``) that the project may have."""
    from .spread import OnDask
    from .work import make_task
    from .worker import one_at_a_time

    problem = other_version(client_version)
    if problem is not None:
        diags = Diagnostics()
        diags.error(problem, hint=f"install Pressroom {client_version} on every worker, or this version here")
        return Outcome(task.folder.name, diags.items, failure=Exit.ENVIRONMENT)
    _quiet()
    rel = task.folder.relative_to(task.project).as_posix()
    with one_at_a_time:
        root = sandbox.publication(inputs, blobs)
        here = dataclasses.replace(task, project=root, folder=root / rel)
        keys = {digest: blob_key(digest) for digest in blobs}
        with confine.noting_missing(sandbox.not_sent(root, inputs)) as missing:
            outcome = make_task(here, spread=OnDask(task.memory_limit, (inputs, keys, str(root), task.folder.name)))
        outcome.wanted = sorted({sandbox.place(root, path) for path in missing})
    return _back(outcome, root, task.project)


def lay_out_part(job, memory_limit, inputs: Inputs, blobs: dict[str, bytes], origin: str):
    """A part of a book, on whichever worker: in its own copy of the project when it is not the book's."""
    from .spread import lay_out

    _quiet()
    with sandbox.held(inputs, blobs) as root:
        if str(root) != origin:
            job = dataclasses.replace(job, setting=_moved(job.setting, origin, str(root)))
        return lay_out(job, memory_limit)


def _quiet() -> None:
    """WeasyPrint's messages go into the build's own (pdf/typeset.py), not the worker's log as well."""
    import logging

    logging.getLogger("weasyprint").propagate = False


def _moved(setting, old: str, new: str):
    """A layout's setting with the project's place changed from old to new."""

    def move(text):
        if text is None:
            return None
        return text.replace(Path(old).as_uri(), Path(new).as_uri()).replace(old, new)

    return dataclasses.replace(
        setting,
        project=Path(new),
        base_url=move(setting.base_url),
        sheets=tuple((move(text), move(base)) for text, base in setting.sheets),
    )


def _back(outcome: Outcome, root: Path, project: Path) -> Outcome:
    """The outcome as the project sees it: its paths and messages in the project, not in the worker's folder."""

    def home(text: str | None) -> str | None:
        if text is None:
            return None
        return text.replace(root.as_uri(), project.as_uri()).replace(str(root), str(project))

    outcome.diagnostics = [
        Diagnostic(d.severity, home(d.message) or "", d.location, home(d.hint)) for d in outcome.diagnostics
    ]
    real = root.resolve()
    outcome.inputs = [project / p.relative_to(real) if p.is_relative_to(real) else p for p in outcome.inputs]
    outcome.details = home(outcome.details)
    return outcome
