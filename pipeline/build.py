"""The build, as a sequence of named stages:
load sources -> read into the model -> transform -> write editions.

Each publication is read and built on its own (workers.make_task), in this
process, in local worker processes or on a Dask cluster alike. Its editions
are staged in a folder of the output folder and moved into place as one set,
with their SHA256SUMS entries, only when every one of them was made without
error (pipeline/output.py). A publication that fails (a problem in its
sources, with --strict a warning, running out of memory, a lost worker, an
internal error) keeps its previous editions and its cache entry; the others
are built all the same. build() then raises BuildError carrying the result,
so that a partial build is never taken for a whole one.
"""

from __future__ import annotations

import copy
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# Only light modules here: an up-to-date build must answer before WeasyPrint,
# EbookLib or Markdown are imported. The heavy ones are imported where used.
from .errors import BuildError, Diagnostic, Diagnostics, Exit, Location, failing, strictly
from .output import Staging, Unwritable, locked, publish, recover, stage
from .output_folder import unusable
from .styles import file as style_file, font_files
from .workers import (DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIMEOUT_SECONDS, Outcome, Task, internal_error,
                      out_of_memory, stopped, timed_out, unwritable)

EDITIONS = ("epub", "pdf", "archive")
# When publications fail for different reasons, the build's status is the gravest.
GRAVITY = (Exit.INTERNAL, Exit.ENVIRONMENT, Exit.INPUT)


@dataclass
class Output:
    publication: str
    edition: str
    path: Path
    size: int
    pages: int | None = None


@dataclass
class Failure:
    """A publication that was not built: its previous editions were kept."""

    publication: str
    diagnostics: list[Diagnostic]  # all of its own, errors and warnings, located
    # Exit.INPUT: a problem in its sources; Exit.ENVIRONMENT: out of memory, a
    # lost worker, an output folder that cannot be written; Exit.INTERNAL: a bug.
    exit_code: Exit = Exit.INPUT
    details: str | None = None  # the traceback of an internal error


@dataclass
class BuildResult:
    outputs: list[Output] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)  # publications whose editions were kept (the cache)
    completed: list[str] = field(default_factory=list)  # publications whose placement a stopped build left half done
    failed: dict[str, Failure] = field(default_factory=dict)  # by publication, in publication order

    @property
    def exit_code(self) -> Exit:
        """Exit.OK, or the gravest status among the failed publications."""
        codes = {f.exit_code for f in self.failed.values()}
        return min(codes, key=lambda c: GRAVITY.index(c) if c in GRAVITY else len(GRAVITY), default=Exit.OK)


def discover(source_dir: Path) -> list[Path]:
    """Every publication folder under source/, in name order: as sources.discover,
    without importing the reading stage (YAML, language tags) on the fast path."""
    if not source_dir.is_dir():
        return []
    root = Path(os.path.realpath(source_dir.parent))  # the project, even when source/ is a link
    return sorted(p for p in source_dir.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and p.resolve().is_relative_to(root))


def select(project: Path, names, diags: Diagnostics) -> list[Path]:
    from .confine import leading_out

    for link, target in leading_out(project, project):
        if link.name == "source":
            diags.error(f"source/ is a link to {target}, outside the project; no publication was read", link,
                        hint="make source/ a folder of the project")
            return []
    folders = discover(project / "source")
    for link, target in leading_out(project / "source", project):
        diags.warning(f"the folder is a link to {target}, outside the project; it is not read as a publication",
                      link, hint="copy the publication into source/ instead of linking to it")
    if not names:
        if not folders:
            diags.error("no publications found", project / "source",
                        hint="make one with 'pressroom new NAME'")
        return folders
    by_name = {f.name: f for f in folders}
    chosen = []
    for name in names:
        name = Path(name).name
        if name in by_name:
            chosen.append(by_name[name])
        else:
            diags.error(f"no publication named '{name}' in source/",
                        hint="choose from: " + (", ".join(sorted(by_name)) or "none yet"))
    return chosen


def render(pub, project: Path, **options):
    """Typeset the print edition (pipeline.pdf.render, imported when first needed)."""
    from .pdf import render as typeset

    return typeset(pub, project, **options)


# What the typesetter notices that a writer can act on (besides low-resolution
# images and notes apart from their calls): resources refused.
REPORTED = ("refused: ",)


def _low_resolution(pub, project: Path, name: str, dpi: int, page: int, needed: int) -> Diagnostic:
    """A warning at the first place the image is used in the sources."""
    asset = next((a for a in pub.assets.values() if a.name == name), None)
    path, line, src = asset.first_use if asset and asset.first_use else (None, None, name)
    where = Location(_relative(path, project), line) if path else Location(_where(pub, project))
    return Diagnostic("warning", f"image '{src}' prints at {dpi} dpi on page {page}, below 300 dpi", where,
                      f"use an image at least {needed} pixels wide, or set it smaller")


def _note_apart(pub, project: Path, note: str, page: int) -> Diagnostic:
    """A note that could not be kept on the page of its call, at its call's line."""
    chapter = pub.anchors.get(note)
    if chapter is None:
        return Diagnostic("warning", f"note {note} starts after page {page}, the page of its call",
                          Location(_where(pub, project)))
    number = next((el.get("data-number") for el in chapter.body.iter("aside") if el.get("id") == note), "?")
    line = _call_line(chapter, note)
    return Diagnostic("warning", f"note {number} does not fit on page {page} beside its call and starts on the "
                                 "next page", Location(_relative(chapter.source, project), line),
                      "shorten the note, or move its call earlier in the paragraph")


def _not_fitting(pub, project: Path, overflows) -> list[Diagnostic]:
    """What the print edition could not fit in its pages' text area, each at
    its block's line. Each chapter is stamped and its source read once."""
    from .pagemarks import chapter_of, stamp

    seen: dict[str, tuple[dict, str]] = {}  # chapter id -> (block mark -> element, source text)

    def marked(chapter):
        if chapter.id not in seen:
            body = copy.deepcopy(chapter.body)
            stamp(body, f"pm-{chapter.id}-")
            text = chapter.source.read_text(encoding="utf-8", errors="replace") if chapter.source.is_file() else ""
            seen[chapter.id] = ({el.get("data-pm"): el for el in body.iterfind(".//*[@data-pm]")}, text)
        return seen[chapter.id]

    found = []
    for block, words, page in overflows:
        chapter = next((c for c in pub.chapters if block and chapter_of(block) == c.id), None)
        where = Location(_where(pub, project))
        if chapter is not None:
            elements, text = marked(chapter)
            el = elements.get(block)
            snippet = next((t.strip()[:30] for t in (el.itertext() if el is not None else ()) if t.strip()),
                           words[:30])
            index = text.find(snippet)
            where = Location(_relative(chapter.source, project),
                             text.count("\n", 0, index) + 1 if index >= 0 else None)
        found.append(Diagnostic("warning", f"on page {page} of the print edition, '{words}' does not fit in the "
                                           "page's text area and runs into the margin", where,
                                "break up the long word, line or table, or make the image smaller"))
    return found


def _contents_shortened(pub, project: Path) -> list[Diagnostic]:
    from .pdf.frontmatter import MAX_ENTRIES, contents_depth

    shown = contents_depth(pub)
    if shown == pub.metadata.toc_depth:
        return []
    line = pub.metadata.key_lines.get("toc-depth")
    listed = (f"lists only the top {shown} levels of headings" if shown > 1 else "lists only the top level of headings") \
        if shown else "is left out"
    return [Diagnostic("warning", f"the print edition's contents would list more than {MAX_ENTRIES} headings, "
                                  f"so it {listed}; the PDF's bookmarks list them all",
                       Location(_where(pub, project), line),
                       "set a smaller toc-depth in publication.yaml, or split the publication")]


def _call_line(chapter, note: str) -> int | None:
    """The line of a note's call ([^label]) in the chapter's source."""
    try:
        lines = chapter.source.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    label = note[3:] if note.startswith("fn-") else note
    for candidate in (label, label.rsplit("-", 1)[0]):  # ids made unique across chapters gain a -N
        for number, line in enumerate(lines, 1):
            if f"[^{candidate}]" in line and not line.lstrip().startswith(f"[^{candidate}]:"):
                return number
    return None


def _relative(path: Path, project: Path) -> str:
    try:
        return path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return path.name


def _where(pub, project: Path) -> str:
    try:
        return pub.sources[0].resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return pub.slug


def editions(pub, project: Path, formats, say: Callable[[str], None] | None = None, alone: bool = False):
    """Make one publication's editions: yield (edition, file name, bytes, pages) in writing order.
    alone: the only publication of the build, so another core is free for
    the generated cover (a catalogue uses the cores through its workers)."""
    say = say or (lambda message: None)
    cover = None
    if alone and ("epub" in formats or "archive" in formats):
        from .epub.package import start_cover

        cover = start_cover(pub, project)
    # The print edition is typeset even for an EPUB alone: the EPUB's
    # page-list points at the print pages.
    say(f"{pub.slug}: typesetting the print edition")
    rendered = render(pub, project, trim=pub.metadata.options.print.trim)
    pub.render_warnings = [Diagnostic("warning", m, Location(_where(pub, project)))
                           for m in rendered.messages if m.startswith(REPORTED)]
    pub.render_warnings += [_low_resolution(pub, project, *low) for low in rendered.low_resolution]
    pub.render_warnings += [_note_apart(pub, project, *apart) for apart in rendered.notes_apart]
    pub.render_warnings += _not_fitting(pub, project, rendered.overflows)
    pub.render_warnings += _contents_shortened(pub, project)
    if "pdf" in formats:
        yield "pdf", f"{pub.slug}.pdf", rendered.pdf, rendered.page_count
    data = None
    if "epub" in formats or "archive" in formats:  # the bag holds the EPUB
        from .epub import build_epub
        from .epub.package import FRONT_PAGES
        from .pagemarks import page_starts

        say(f"{pub.slug}: packaging the EPUB edition")
        starts = page_starts(rendered.positions, rendered.anchors, FRONT_PAGES)
        # The page-list speaks in the folios printed on the pages (roman in the
        # front matter); a page with no folio printed has no entry.
        starts = {target: rendered.folios[n - 1] if rendered.folios else str(n)
                  for target, n in starts.items() if not rendered.folios or rendered.folios[n - 1]}
        data = build_epub(pub, project, starts, embed_fonts=pub.metadata.options.epub.embed_fonts,
                          cover_png=cover.result() if cover else None)
        if "epub" in formats:
            yield "epub", f"{pub.slug}.epub", data, None
    if "archive" in formats:
        from .archive.edition import archive_edition

        say(f"{pub.slug}: typesetting the archival PDF and packing the bag")
        yield from archive_edition(pub, project, rendered, data)


class _Writer:
    """The parent's side: takes each publication's outcome as it comes, puts
    its diagnostics through the --strict gate, and either records its failure
    or moves its editions into place as one set, with its SHA256SUMS entries
    and its cache entry, under the output folder's lock."""

    def __init__(self, project: Path, staging: Staging, result: BuildResult, cache, keys: dict[str, str],
                 strict: bool, say):
        self.project, self.staging, self.result, self.cache, self.keys = project, staging, result, cache, keys
        self.out, self.strict, self.say = staging.out, strict, say
        self.reports: dict[str, list[Diagnostic]] = {}  # each publication's diagnostics, after the gate

    def take(self, task: Task, outcome: Outcome) -> None:
        slug = task.folder.name
        diagnostics = self.reports[slug] = strictly(outcome.diagnostics, self.strict)
        failure = outcome.failure
        try:
            if failure is None and not any(d.severity == "error" for d in diagnostics):
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
        staged = [(edition, made if isinstance(made, Path) else stage(self.staging.folder, slug, name, made), pages)
                  for edition, name, made, pages in outcome.editions]
        if not staged:
            return
        outputs = [Output(slug, edition, self.out / path.name, path.stat().st_size, pages)
                   for edition, path, pages in staged]
        with locked(self.out):  # two builds at once must not lose each other's entries
            publish(self.out, [path for _, path, _ in staged])
            if self.cache is not None and slug in self.keys:
                from .cache import file_digest

                try:  # a shared image gone since it was used: no entry, so it is built again next time
                    self.cache.record(slug, self.keys[slug], [o.path.name for o in outputs],
                                      {p.relative_to(self.project).as_posix(): file_digest(p)
                                       for p in outcome.inputs if p.is_relative_to(self.project)},
                                      diagnostics)
                    self.cache.save()
                except OSError as exc:  # the editions are in place: only the next build's shortcut is lost
                    self.cache.changed = {}
                    diagnostics.append(Diagnostic(
                        "warning", f"could not record the build in the cache: {exc.strerror or exc}",
                        Location(_relative(self.cache.path, self.project)),
                        "its editions are in place; until the cache can be written (room on the disk, a "
                        "writable .cache/ folder), they are made again at each build"))
        self.result.outputs += outputs
        self.say(f"{slug}: {len(outputs)} file{'s' * (len(outputs) != 1)} written")


def build(project: str | Path = ".", publications=None, formats=EDITIONS, out_dir: str | Path | None = None,
          strict: bool = False, progress: Callable[[str], None] | None = None, *, jobs: int | None = 1,
          executor: str = "local", scheduler: str | None = None, use_cache: bool = False,
          memory_limit: int | None = DEFAULT_MEMORY_LIMIT_MIB,
          timeout: float | None = DEFAULT_TIMEOUT_SECONDS) -> BuildResult:
    """Build the chosen publications (all by default) into out_dir (dist/ by default).

    jobs: worker processes (None: one per core); with 1, everything runs in this
    process. executor "dask" sends the work to the Dask scheduler at `scheduler`.
    use_cache: keep the editions of a publication whose inputs are unchanged
    (see pipeline/cache.py). memory_limit: MiB of resident memory of the process
    building a publication (this one or a worker); timeout: seconds each
    publication may take. None: no limit.

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
    diags = Diagnostics(root=project)
    unknown = [f for f in formats if f not in EDITIONS]
    if unknown:
        diags.error(f"unknown edition '{unknown[0]}'", hint=f"choose from: {', '.join(EDITIONS)}")
        raise BuildError(diags.items, Exit.USAGE)
    if executor not in ("local", "dask"):
        diags.error(f"unknown executor '{executor}'", hint="choose from: local, dask")
        raise BuildError(diags.items, Exit.USAGE)
    if executor == "dask" and not scheduler:
        diags.error("the dask executor needs the scheduler's address",
                    hint="give it with --scheduler tcp://HOST:8786")
        raise BuildError(diags.items, Exit.USAGE)
    if jobs is not None and jobs < 1:
        diags.error(f"--jobs must be 1 or more, not {jobs}")
        raise BuildError(diags.items, Exit.USAGE)
    if (problem := unusable(out, project)) is not None:
        diags.error(problem.message, out, hint=problem.hint)
        raise BuildError(diags.items, problem.exit_code)
    chosen = select(project, publications, diags)
    if chosen and not font_files(project):
        # Every edition needs them: the EPUB's page-list comes from the print layout.
        sheet = style_file(project, "fonts.css")
        diags.error("the fonts.css in use declares no font that can be read: editions are typeset "
                    "only in the fonts it declares", sheet,
                    hint="declare fonts in styles/fonts.css with @font-face rules naming files under "
                         "styles/fonts/, or remove styles/fonts.css to use the house fonts")
    diags.raise_if_errors(Exit.INPUT)

    result = BuildResult()
    try:  # what a build stopped outright left in the output folder, before the cache looks at it
        result.completed = recover(out)
    except Unwritable as exc:
        _cannot_write(diags, out, exc)
    for slug in result.completed:
        say(f"{slug}: the editions a stopped build was putting in place were put in place")
    reports: dict[str, list[Diagnostic]] = {}
    cache, keys, folders = None, {}, chosen
    if use_cache and folders:
        from .cache import Cache, publication_key, styles_digest, warnings_of

        cache = Cache(project, out)
        styles = styles_digest(project)
        folders = []
        for folder in chosen:
            key = publication_key(project, folder, formats, styles)
            entry = cache.fresh(folder.name, key, project)
            kept = warnings_of(entry) if entry is not None else []
            if entry is not None and not failing(kept, strict):
                say(f"{folder.name}: up to date")
                result.up_to_date.append(folder.name)
                reports[folder.name] = kept
            else:
                keys[folder.name] = key
                folders.append(folder)

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    limit = memory_limit if executor == "local" else None  # the cluster's workers have their own limits
    tasks = [Task(project, folder, tuple(formats), strict, epoch, limit, timeout or None) for folder in folders]
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    with Staging(out) as staging:
        if tasks:
            try:
                staging.open()
            except Unwritable as exc:
                _cannot_write(diags, out, exc)
        writer = _Writer(project, staging, result, cache, keys, strict, say)
        if not tasks:
            pass
        elif executor == "dask":
            _build_on_dask(tasks, writer, say, scheduler, diags)
        elif workers <= 1:
            _build_here(tasks, writer, say)
        else:
            _build_with_workers(tasks, writer, say, workers, memory_limit)
    reports.update(writer.reports)
    order = {f.name: i for i, f in enumerate(chosen)}
    in_order = sorted(reports, key=lambda slug: order.get(slug, -1))
    result.diagnostics = list(diags.items) + [d for slug in in_order for d in reports[slug]]
    result.failed = {slug: result.failed[slug] for slug in in_order if slug in result.failed}
    result.outputs.sort(key=lambda o: order.get(o.publication, -1))  # stable: editions keep their order
    if result.failed:
        raise BuildError(result.diagnostics, result.exit_code, result)
    return result


def _cannot_write(diags: Diagnostics, out: Path, exc: Unwritable) -> None:
    """The output folder refused the build before anything was made: nothing was attempted."""
    diags.error(f"cannot write into the output folder: {exc.error.strerror or exc.error}", out,
                hint="make it writable, make room on its disk, or choose another folder with -o")
    raise BuildError(diags.items, Exit.ENVIRONMENT) from None


def _build_here(tasks: list[Task], writer: _Writer, say) -> None:
    """Everything in this process, one publication after another (--jobs 1)."""
    from .workers import make_task

    for task in tasks:
        say(f"reading {task.folder.name}")
        writer.take(task, make_task(task, writer.staging.folder, say, alone=len(tasks) == 1))


def _build_with_workers(tasks: list[Task], writer: _Writer, say, workers: int, memory_limit: int | None) -> None:
    """Each publication in a local worker process, which writes its editions
    into the staging folder; each is moved into place as it is done."""
    import functools

    from .workers import make_task

    with _PoolRunner(workers, memory_limit) as runner:
        say(f"building {len(tasks)} publications on {runner.where}")
        for task, value in runner.run(functools.partial(make_task, staging=writer.staging.folder), tasks):
            writer.take(task, _outcome(task, value, memory_limit))


def _build_on_dask(tasks: list[Task], writer: _Writer, say, scheduler: str, diags: Diagnostics) -> None:
    """Each publication on a worker of a Dask cluster, which sends its
    editions back; they are staged here, then moved into place as a set."""
    from .workers import make_task

    with _DaskRunner(scheduler, diags) as runner:
        say(f"building {len(tasks)} publications on {runner.where}")
        for task, value in runner.run(make_task, tasks):
            writer.take(task, _outcome(task, value, None))


def _outcome(task: Task, value, memory_limit: int | None) -> Outcome:
    """A worker's outcome, or the failure of one whose worker gave none."""
    from concurrent.futures.process import BrokenProcessPool

    from .limits import OutOfTime

    if isinstance(value, Outcome):
        return value
    slug = task.folder.name
    if isinstance(value, BrokenProcessPool) or type(value).__name__ == "KilledWorker":  # Dask's lost worker
        return Outcome(slug, [stopped(task, memory_limit)], failure=Exit.ENVIRONMENT)
    if isinstance(value, MemoryError):
        return Outcome(slug, [out_of_memory(task, memory_limit)], failure=Exit.ENVIRONMENT)
    if isinstance(value, OutOfTime):
        return Outcome(slug, [timed_out(task)], failure=Exit.ENVIRONMENT)
    return Outcome(slug, [internal_error(task, value)], failure=Exit.INTERNAL,
                   details="".join(traceback.format_exception(value)))


class _PoolRunner:
    """Local worker processes, started by a fork server (a clean process: no
    state of the caller is inherited), each under the memory limit."""

    def __init__(self, workers: int, memory_limit: int | None):
        self.workers, self.memory_limit = workers, memory_limit
        self.where = f"{workers} worker processes"
        self.pool = None

    def _pool(self, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from .workers import init_worker

        context = multiprocessing.get_context("forkserver")
        # The fork server imports the heavy libraries once; each worker is a fork of it.
        context.set_forkserver_preload(["pipeline.workers", "pipeline.build", "pipeline.document", "pipeline.pdf",
                                        "pipeline.epub", "pipeline.archive.edition"])
        return ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(os.getpid(),))

    def __enter__(self):
        self.pool = self._pool(self.workers)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def run(self, fn, tasks):
        """Yield (task, result or exception) as they finish. A task whose worker
        died (a crash under the memory limit takes the pool with it) is tried
        again alone in a fresh worker, so only the guilty one fails."""
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

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

            from .limits import OutOfTime

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


class _DaskRunner:
    """The same tasks on a Dask distributed cluster (pressroom[dask]). The
    workers must see the project at the same path (a shared file system)."""

    def __init__(self, address: str, diags: Diagnostics):
        try:
            from distributed import Client
        except ImportError:
            diags.error("the dask executor needs the 'distributed' package",
                        hint="install it with: pip install 'pressroom[dask]'")
            raise BuildError(diags.items, Exit.ENVIRONMENT) from None
        try:
            self.client = Client(address, timeout="30s")
        except (OSError, TimeoutError) as exc:
            diags.error(f"cannot reach the Dask scheduler at {address}: {exc}",
                        hint="check the address given with --scheduler and that the scheduler is running")
            raise BuildError(diags.items, Exit.ENVIRONMENT) from None
        self.where = f"the Dask cluster at {address}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.client.close()

    def run(self, fn, tasks):
        from distributed import as_completed

        futures = {self.client.submit(fn, task, pure=False): task for task in tasks}
        for future in as_completed(futures):
            try:
                value = future.result()
            except Exception as exc:  # noqa: BLE001 - handed to the caller as data
                value = exc
            yield futures[future], value
