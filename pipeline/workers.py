"""The per-publication work, as plain functions that run anywhere: in the
build's own process (``--jobs 1``), in local worker processes, or on a Dask
cluster. Tasks and results are plain data (paths, bytes, diagnostics), so
the parent alone writes into the output folder.

A local worker runs under an address-space limit (RLIMIT_AS), set once when
it starts, so that one huge book cannot take the machine down: running out of
memory becomes a located error for that publication only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .dates import source_date_epoch
from .errors import Diagnostic, Diagnostics

DEFAULT_MEMORY_LIMIT_MIB = 4096
_memory_limit_mib: int | None = None


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
    # (edition, file name, bytes, pages), in the order the editions are written
    editions: list[tuple[str, str, bytes, int | None]] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # files outside the folder the editions used


def init_worker(memory_limit_mib: int | None) -> None:
    """Initializer of a local worker process: cap its address space."""
    global _memory_limit_mib
    if not memory_limit_mib:
        return
    import resource

    limit = int(memory_limit_mib) * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _memory_limit_mib = int(memory_limit_mib)


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


LOST = "out of memory"  # what check_task returns when the worker ran out of memory


def check_task(task: Task) -> list[Diagnostic] | str:
    """First stage in a worker: read the publication only, for its diagnostics."""
    diags = Diagnostics(root=task.project)
    with source_date_epoch(task.epoch):
        try:
            read(task, diags)
        except MemoryError:
            return LOST
    return diags.items


def build_task(task: Task) -> Outcome:
    """Second stage in a worker: read the publication again and make its editions."""
    from .build import editions

    diags = Diagnostics(root=task.project)
    outcome = Outcome(task.folder.name)
    with source_date_epoch(task.epoch):
        try:
            pub = read(task, diags)
            if pub is None or diags.errors:
                outcome.diagnostics = diags.errors or [Diagnostic("error", "the publication could not be read")]
                return outcome
            outcome.editions = list(editions(pub, task.project, task.formats))
            outcome.diagnostics = list(getattr(pub, "render_warnings", []))
            outcome.inputs = outside_inputs(pub)
        except MemoryError:
            outcome.editions = []
            outcome.diagnostics = [out_of_memory(task, _memory_limit_mib)]
    return outcome


def outside_inputs(pub) -> list[Path]:
    """The files the editions used from outside the publication's folder (shared images)."""
    folder = Path(pub.folder).resolve()
    return sorted(p for p in {Path(q).resolve() for q in pub.assets} if not p.is_relative_to(folder))
