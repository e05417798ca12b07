"""The parent's side of a build: it takes each publication's outcome as it
comes, puts its diagnostics through the --strict gate, and either records
its failure or moves its editions into place as one set (staged, then
placed all or none: pipeline/run/staging.py), with their SHA256SUMS entries
and the publication's cache entry, under the output folder's lock."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostic, Exit, Location
from .failures import unwritable
from .gate import gate
from .result import BuildResult, Failure, Output
from .staging import Staging, Unwritable, locked, publish, stage
from .task import Outcome, Task

# Where the page-list of an EPUB made without the print edition came from
# (pipeline/run/make.py), as the publication's summary line says it.
PAGE_LISTS = {
    "cache": "page-list from the cached print layout",
    "typeset": "print edition typeset for the page-list",
    "none": "no page-list (ask for one with --page-list)",
}


class Writer:
    def __init__(
        self,
        project: Path,
        staging: Staging,
        result: BuildResult,
        cache,
        keys: dict[str, str],
        strict: bool,
        say,
        layouts: dict[str, str] | None = None,
    ):
        """layouts: the layout key of each publication, under which the page-list
        of a print edition typeset now is kept (pipeline/run/pagelists.py)."""
        self.project, self.staging, self.result, self.cache, self.keys = project, staging, result, cache, keys
        self.out, self.strict, self.say, self.layouts = staging.out, strict, say, layouts or {}
        self.reports: dict[str, list[Diagnostic]] = {}  # each publication's diagnostics, after the gate

    def take(self, task: Task, outcome: Outcome) -> None:
        slug = task.folder.name
        diagnostics, passes = gate(outcome.diagnostics, self.strict)
        self.reports[slug] = diagnostics
        failure = outcome.failure
        try:
            if failure is None and passes:
                try:
                    self._place(slug, outcome, diagnostics)
                    return
                except Unwritable as exc:
                    diagnostics.append(unwritable(task, exc))
                    failure = Exit.ENVIRONMENT
            self.result.failed[slug] = Failure(slug, diagnostics, failure or Exit.INPUT, outcome.details)
            self.say(f"{slug}: failed; its editions were left as they were")
        finally:
            self.staging.discard(slug)

    def _place(self, slug: str, outcome: Outcome, diagnostics: list[Diagnostic]) -> None:
        staged = [
            (edition, made if isinstance(made, Path) else stage(self.staging.folder, slug, name, made), pages)
            for edition, name, made, pages in outcome.editions
        ]
        if not staged:
            return
        outputs = [
            Output(slug, edition, self.out / path.name, path.stat().st_size, pages) for edition, path, pages in staged
        ]
        with locked(self.out):  # two builds at once must not lose each other's entries
            publish(self.out, [path for _, path, _ in staged])
            if self.cache is not None and slug in self.keys:
                self._record(slug, outcome, outputs, diagnostics)
        if outcome.pages is not None and slug in self.layouts:
            from .pagelists import save

            save(self.project, slug, self.layouts[slug], outcome.pages, outcome.inputs)
        self.result.outputs += outputs
        note = f"; {PAGE_LISTS[outcome.pages_from]}" if outcome.pages_from else ""
        self.say(f"{slug}: {len(outputs)} file{'s' * (len(outputs) != 1)} written{note}")

    def _record(self, slug: str, outcome: Outcome, outputs: list[Output], diagnostics: list[Diagnostic]) -> None:
        """The publication's cache entry, once its editions are in place."""
        from ..cache import file_digest

        try:  # a shared image gone since it was used: no entry, so it is built again next time
            self.cache.record(
                slug,
                self.keys[slug],
                [o.path.name for o in outputs],
                {
                    p.relative_to(self.project).as_posix(): file_digest(p)
                    for p in outcome.inputs
                    if p.is_relative_to(self.project)
                },
                diagnostics,
            )
            self.cache.save()
        except OSError as exc:  # the editions are in place: only the next build's shortcut is lost
            self.cache.changed = {}
            try:
                where = self.cache.path.resolve().relative_to(self.project.resolve()).as_posix()
            except ValueError:
                where = self.cache.path.name
            diagnostics.append(
                Diagnostic(
                    "warning",
                    f"could not record the build in the cache: {exc.strerror or exc}",
                    Location(where),
                    "its editions are in place; until the cache can be written (room on the disk, a "
                    "writable .cache/ folder), they are made again at each build",
                )
            )
