"""The build: plan, then read, gate and make each publication wherever it
runs, then write what it made.

    plan.py      arguments, publications, fonts, the cache: the tasks (task.py)
    executors.py where tasks run (here, local workers, Dask), one protocol
    work.py      one task, anywhere: read -> gate -> make (make.py, findings.py),
                 under the limits of worker.py; what fails is failures.py's
    write.py     each outcome: gate -> staged set placed (staging.py) -> cache,
                 and the print layout's page-list kept for an EPUB alone (pagelists.py)
    gate.py      the --strict gate, written once
    progress.py  each publication's progress as it goes, for the bars of the command
    result.py    what build() gives back

Each publication is read and built on its own, in this process, in local
worker processes or on a Dask cluster alike. Its editions are staged in a
folder of the output folder and moved into place as one set, with their
SHA256SUMS entries, only when every one of them was made without error. A
publication that fails (a problem in its sources, with --strict a warning,
running out of memory, a lost worker, an internal error) keeps its previous
editions and its cache entry; the others are built all the same. build()
then raises BuildError carrying the result, so that a partial build is
never taken for a whole one.
"""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable

# Only light modules here: an up-to-date build must answer before WeasyPrint,
# EbookLib or Markdown are imported. The heavy ones are imported where used.
from ..errors import BuildError, Diagnostic, Diagnostics, Exit
from .plan import EDITIONS, cannot_write, check_arguments, discover, plan, select
from .progress import Sink, Snapshot, guarded
from .result import BuildResult, Failure, Output
from .staging import Staging, Unwritable
from .task import DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIMEOUT_SECONDS, Outcome

__all__ = ["EDITIONS", "BuildResult", "Failure", "Output", "build", "discover", "select"]


def build(
    project: str | Path = ".",
    publications=None,
    formats=EDITIONS,
    out_dir: str | Path | None = None,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
    *,
    jobs: int | None = 1,
    executor: str = "local",
    scheduler: str | None = None,
    use_cache: bool = False,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT_MIB,
    timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
    events: Sink | None = None,
    page_list: bool = False,
    press: dict | None = None,
) -> BuildResult:
    """Build the chosen publications (all by default) into out_dir (dist/ by default).

    jobs: worker processes (None: one per core); with 1, everything runs in this
    process. executor "dask" sends the work to the Dask scheduler at `scheduler`.
    use_cache: keep the editions of a publication whose inputs are unchanged
    (see pipeline/cache.py). memory_limit: MiB of resident memory of the process
    building a publication (this one or a worker); timeout: seconds each
    publication may take. None: no limit. progress: each line a build says as it
    goes; events: each publication's progress as it goes, as Snapshots
    (pipeline/run/progress.py), from whichever process does the work. An EPUB built without the print
    edition or the archive is made without typesetting: its page-list comes
    from a print layout of the same sources kept in PROJECT/.cache/pressroom/
    (whatever use_cache says), else it has none, unless page_list asks for one
    typeset for it. press: print options given beside the metadata's
    (press, bleed, marks, signature: the command line's), over them.

    Returns the BuildResult when every publication was built (or up to date).
    When any failed, the others are built all the same, and BuildError is
    raised with the result as ``.result``: ``.result.failed`` names each failed
    publication with its diagnostics, ``.result.outputs`` what was written, and
    ``.exit_code`` is the gravest failure's (Exit.INPUT for the sources,
    Exit.ENVIRONMENT, Exit.INTERNAL). A BuildError without a result means that
    nothing was attempted (a wrong argument, no publications, no fonts, no
    Dask cluster).
    """
    project = Path(project).resolve()
    out = Path(out_dir).resolve() if out_dir else project / "dist"
    say = progress or (lambda message: None)
    events = guarded(events)
    diags = Diagnostics(root=project)
    check_arguments(diags, formats, jobs, executor, scheduler)
    if press:
        from ..options import press_problems

        for problem in press_problems(press):
            diags.error(problem, hint="press: {press: true, bleed: 3mm, marks: true, signature: 4, 8 or 16}")
        diags.raise_if_errors(Exit.USAGE)
    todo = plan(
        project,
        out,
        publications,
        formats,
        strict,
        diags,
        say,
        use_cache=use_cache,
        # the cluster's workers have their own limits
        memory_limit=memory_limit if executor == "local" else None,
        timeout=timeout,
        page_list=page_list,
        press={k: v for k, v in (press or {}).items() if v is not None},
    )

    result = BuildResult(up_to_date=list(todo.up_to_date), completed=todo.completed)
    reports: dict[str, list[Diagnostic]] = dict(todo.up_to_date)
    with Staging(out) as staging:
        if todo.tasks:
            try:
                staging.open()
            except Unwritable as exc:
                cannot_write(diags, out, exc)
            reports.update(
                _make_and_write(
                    todo,
                    project,
                    staging,
                    result,
                    strict,
                    say,
                    diags,
                    jobs=jobs,
                    executor=executor,
                    scheduler=scheduler,
                    memory_limit=memory_limit,
                    events=events,
                )
            )
    order = {f.name: i for i, f in enumerate(todo.chosen)}
    in_order = sorted(reports, key=lambda slug: order.get(slug, -1))
    result.diagnostics = list(diags.items) + [d for slug in in_order for d in reports[slug]]
    result.failed = {slug: result.failed[slug] for slug in in_order if slug in result.failed}
    result.outputs.sort(key=lambda o: order.get(o.publication, -1))  # stable: editions keep their order
    if result.failed:
        raise BuildError(result.diagnostics, result.exit_code, result)
    return result


def _make_and_write(
    todo,
    project: Path,
    staging: Staging,
    result: BuildResult,
    strict: bool,
    say,
    diags: Diagnostics,
    *,
    jobs: int | None,
    executor: str,
    scheduler: str | None,
    memory_limit: int | None,
    events: Sink | None,
) -> dict[str, list[Diagnostic]]:
    """Run the plan's tasks on the executor chosen and write each outcome as
    it comes; each publication's diagnostics, after the gate."""
    from .executors import choose
    from .failures import given_none
    from .write import Writer

    writer = Writer(project, staging, result, todo.cache, todo.keys, strict, say, todo.layouts)
    if events is not None:
        for task in todo.tasks:
            events(Snapshot(task.folder.name))
    with choose(
        executor,
        jobs,
        len(todo.tasks),
        staging.folder,
        say,
        scheduler=scheduler,
        memory_limit=memory_limit,
        diags=diags,
        events=events,
        project=project,
    ) as runner:
        for task, value in runner.run(todo.tasks):
            outcome = value if isinstance(value, Outcome) else given_none(task, value, runner.memory_limit)
            writer.take(task, outcome)
            if events is not None:
                slug, made = task.folder.name, len(outcome.editions)
                failed = slug in result.failed
                events(
                    Snapshot(slug, "failed", editions=0)
                    if failed
                    else Snapshot(slug, "written", editions=made, editions_total=made)
                )
        result.sent = getattr(runner, "sent", None)
    return writer.reports
