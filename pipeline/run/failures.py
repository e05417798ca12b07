"""What went wrong with one publication that is not a problem of its
sources, as a located error: out of memory or time, a full disk, a file
gone under the build, a worker lost, a bug. given_none: the outcome of a
task whose worker gave none, but an exception."""

from __future__ import annotations

import os
import traceback

from ..errors import Diagnostic, Diagnostics, Exit
from .staging import Unwritable
from .task import Outcome, Task


def _error(task: Task, message: str, where, hint: str) -> Diagnostic:
    diags = Diagnostics(root=task.project)
    diags.error(message, where, hint=hint)
    return diags.items[0]


def out_of_memory(task: Task, limit_mib: int | None) -> Diagnostic:
    limit = f" (the limit is {limit_mib} MiB)" if limit_mib else ""
    return _error(
        task,
        f"ran out of memory building '{task.folder.name}'{limit}; its editions were not written",
        task.folder,
        "raise the limit with --memory-limit MIB, or split it into smaller publications",
    )


def timed_out(task: Task) -> Diagnostic:
    return _error(
        task,
        f"building '{task.folder.name}' took longer than {task.timeout:g} seconds and was "
        "stopped; its editions were not written",
        task.folder,
        "raise the limit with --timeout SECONDS (0: no limit), or split it into smaller publications",
    )


def no_room(task: Task, exc: OSError) -> Diagnostic:
    """A disk that filled up (or a read-only one) while the editions were made."""
    where = f" ({exc.filename})" if exc.filename else ""
    return _error(
        task,
        f"could not build '{task.folder.name}': {exc.strerror or exc}{where}; its editions were not written",
        task.folder,
        "make room on the disk of the output folder and of the temporary folder (TMPDIR), then build again",
    )


def unreadable(task: Task, exc: OSError) -> Diagnostic:
    """A file of the project that went away or changed under the build (deleted, renamed, locked)."""
    return _error(
        task,
        f"could not build '{task.folder.name}': {exc.strerror or exc}; its editions were not written",
        os.fsdecode(exc.filename),
        "if the file was moved or deleted while the build ran, build again once it is in place",
    )


def stopped(task: Task, limit_mib: int | None) -> Diagnostic:
    """A worker that died without a word: a library crashed, most often for want of memory."""
    limit = f" under a memory limit of {limit_mib} MiB" if limit_mib else ""
    return _error(
        task,
        f"the worker process building '{task.folder.name}' stopped abruptly{limit}; its editions were not written",
        task.folder,
        f"build it alone with 'pressroom build --jobs 1 {task.folder.name}' to see what fails, "
        "or raise the limit with --memory-limit MIB",
    )


def lost_on_cluster(task: Task) -> Diagnostic:
    return _error(
        task,
        f"the Dask workers building '{task.folder.name}' stopped abruptly, one after another; "
        "its editions were not written",
        task.folder,
        "see the workers' logs: most often a worker runs out of memory (dask worker --memory-limit)",
    )


def internal_error(task: Task, exc: BaseException) -> Diagnostic:
    """A bug met while building one publication: its failure, not the build's."""
    text = str(exc)
    if len(text) > 300:
        text = text[:300] + "..."
    return _error(
        task,
        f"internal error: {type(exc).__name__}: {text}; its editions were not written",
        task.folder,
        "please report this with the publication that caused it (--verbose shows the details)",
    )


def unwritable(task: Task, exc: Unwritable) -> Diagnostic:
    return _error(
        task,
        f"could not write the editions of '{task.folder.name}' into the output folder: "
        f"{exc.error.strerror or exc.error}",
        exc.path,
        "make room on its disk, make it writable, or choose another folder with -o",
    )


def given_none(task: Task, exc: BaseException, memory_limit: int | None) -> Outcome:
    """The failure of a task whose worker gave no outcome but an exception
    (memory_limit: the limit the worker was under, to name it)."""
    from concurrent.futures.process import BrokenProcessPool

    from ..limits import OutOfTime

    slug = task.folder.name
    if type(exc).__name__ == "KilledWorker":  # Dask gave up after losing a worker on it time after time
        return Outcome(slug, [lost_on_cluster(task)], failure=Exit.ENVIRONMENT)
    if isinstance(exc, BrokenProcessPool):
        return Outcome(slug, [stopped(task, memory_limit)], failure=Exit.ENVIRONMENT)
    if isinstance(exc, MemoryError):
        return Outcome(slug, [out_of_memory(task, memory_limit)], failure=Exit.ENVIRONMENT)
    if isinstance(exc, OutOfTime):
        return Outcome(slug, [timed_out(task)], failure=Exit.ENVIRONMENT)
    return Outcome(
        slug, [internal_error(task, exc)], failure=Exit.INTERNAL, details="".join(traceback.format_exception(exc))
    )
