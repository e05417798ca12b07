"""The build, as a sequence of named stages:
load sources -> read into the model -> transform -> write editions.

Nothing is written until every publication has been read without error, and
each edition is written to a temporary file that replaces the old one only
when complete, so a failed build leaves dist/ as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# Only light modules here: an up-to-date build must answer before WeasyPrint,
# EbookLib or Markdown are imported. The heavy ones are imported where used.
from .errors import BuildError, Diagnostic, Diagnostics, Exit, Location
from .styles import font_files
from .workers import DEFAULT_MEMORY_LIMIT_MIB, LOST, Outcome, Task, out_of_memory, stopped

EDITIONS = ("epub", "pdf", "archive")


@dataclass
class Output:
    publication: str
    edition: str
    path: Path
    size: int
    pages: int | None = None


@dataclass
class BuildResult:
    outputs: list[Output] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)  # publications whose editions were kept (the cache)


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _locked(folder: Path):
    """An exclusive lock on the output folder itself (no lock file to leave behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _discover(source_dir: Path) -> list[Path]:
    """Every publication folder under source/, in name order: as sources.discover,
    without importing the reading stage (YAML, language tags) on the fast path."""
    if not source_dir.is_dir():
        return []
    root = source_dir.resolve().parent
    return sorted(p for p in source_dir.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and p.resolve().is_relative_to(root))


def _select(project: Path, names, diags: Diagnostics) -> list[Path]:
    folders = _discover(project / "source")
    if not names:
        if not folders:
            diags.error("no publications found", project / "source",
                        hint="make one with 'pressroom new source/NAME'")
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
    """The parent's side: writes each publication's editions atomically, then
    its SHA256SUMS entries and its cache entry, under the output folder's lock."""

    def __init__(self, project: Path, out: Path, result: BuildResult, cache, keys: dict[str, str]):
        self.project, self.out, self.result, self.cache, self.keys = project, out, result, cache, keys

    def edition(self, slug: str, edition: str, name: str, blob: bytes, pages: int | None) -> None:
        path = self.out / name
        write_atomically(path, blob)
        self.result.outputs.append(Output(slug, edition, path, len(blob), pages))

    def place(self, slug: str, edition: str, name: str, staged: Path, pages: int | None) -> None:
        """Move an edition written complete into a staging folder of out/ into place."""
        path = self.out / name
        size = staged.stat().st_size
        os.replace(staged, path)
        self.result.outputs.append(Output(slug, edition, path, size, pages))

    def finish(self, slug: str, complete: bool, inputs=(), warnings=()) -> None:
        from .archive import checksums

        outputs = [o for o in self.result.outputs if o.publication == slug]
        if not outputs and self.cache is None:
            return
        # After each publication, so that the manifest never lags what is in out/.
        self.out.mkdir(parents=True, exist_ok=True)
        with _locked(self.out):  # two builds at once must not lose each other's entries
            if outputs:
                write_atomically(self.out / checksums.NAME, checksums.updated(self.out, [o.path for o in outputs]))
            if self.cache is not None:
                if complete and slug in self.keys:
                    from .cache import file_digest

                    self.cache.record(slug, self.keys[slug],
                                      [(o.edition, o.path.name, o.size, o.pages) for o in outputs],
                                      {p.relative_to(self.project).as_posix(): file_digest(p) for p in inputs
                                       if p.is_relative_to(self.project)},
                                      [_as_dict(d) for d in warnings])
                else:
                    self.cache.forget(slug)
                self.cache.save()


def _as_dict(d: Diagnostic) -> dict:
    loc = d.location
    return {"severity": d.severity, "message": d.message, "hint": d.hint,
            "location": None if loc is None else {"path": loc.path, "line": loc.line, "column": loc.column}}


def _from_dict(d: dict) -> Diagnostic:
    loc = d.get("location")
    return Diagnostic(d["severity"], d["message"], Location(**loc) if loc else None, d.get("hint"))


def _strictly(diags: Diagnostics, strict: bool) -> None:
    if strict and diags.warnings:
        diags.items = [Diagnostic("error", d.message, d.location, d.hint) for d in diags.items]


def build(project: str | Path = ".", publications=None, formats=EDITIONS, out_dir: str | Path | None = None,
          strict: bool = False, progress: Callable[[str], None] | None = None, *, jobs: int | None = 1,
          executor: str = "local", scheduler: str | None = None, use_cache: bool = False,
          memory_limit: int | None = DEFAULT_MEMORY_LIMIT_MIB) -> BuildResult:
    """Build the chosen publications (all by default) into out_dir (dist/ by default).

    jobs: worker processes (None: one per core); with 1, everything runs in this
    process. executor "dask" sends the work to the Dask scheduler at `scheduler`.
    use_cache: keep the editions of a publication whose inputs are unchanged
    (see pipeline/cache.py). memory_limit: MiB of address space per local worker.
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
    folders = _select(project, publications, diags)
    if folders and not font_files(project):
        # Every edition needs them: the EPUB's page-list comes from the print layout.
        diags.error("there are no fonts in styles/fonts/: editions are typeset only in the "
                    "project's own fonts", project / "styles" / "fonts",
                    hint="copy styles/ with its fonts from Pressroom into the project")
    diags.raise_if_errors(Exit.INPUT)

    result = BuildResult()
    cache, keys = None, {}
    if use_cache and folders:
        from .cache import Cache, publication_key, styles_digest

        cache = Cache(project, out)
        styles = styles_digest(project)
        todo = []
        for folder in folders:
            key = publication_key(project, folder, formats, styles)
            entry = cache.fresh(folder.name, key, project)
            if entry is not None and not (strict and entry.get("warnings")):
                say(f"{folder.name}: up to date")
                result.up_to_date.append(folder.name)
                diags.items += [_from_dict(w) for w in entry.get("warnings", [])]
            else:
                keys[folder.name] = key
                todo.append(folder)
        folders = todo

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    tasks = [Task(project, folder, tuple(formats), strict, epoch) for folder in folders]
    writer = _Writer(project, out, result, cache, keys)
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if executor == "local" and workers <= 1:
        _build_here(tasks, diags, strict, result, writer, say)
    elif tasks:
        _build_with_workers(tasks, diags, strict, result, writer, say, executor, scheduler, workers, memory_limit)
    else:
        result.diagnostics = list(diags.items)
    order = {f.name: i for i, f in enumerate(folders)}
    result.outputs.sort(key=lambda o: order.get(o.publication, -1))  # stable: editions keep their order
    return result


def _build_here(tasks: list[Task], diags: Diagnostics, strict: bool, result: BuildResult, writer: _Writer,
                say) -> None:
    """Everything in this process, one publication after another (--jobs 1)."""
    from .workers import outside_inputs, read

    pubs, own = [], {}
    for task in tasks:
        say(f"reading {task.folder.name}")
        before = len(diags.items)
        pub = read(task, diags)
        own[task.folder.name] = diags.items[before:]
        if pub is not None:
            pubs.append((task, pub))
    _strictly(diags, strict)
    diags.raise_if_errors()
    result.diagnostics = list(diags.items)
    for task, pub in pubs:
        try:
            for edition, name, blob, pages in editions(pub, task.project, task.formats, say, alone=len(tasks) == 1):
                writer.edition(pub.slug, edition, name, blob, pages)
        except MemoryError:
            result.diagnostics.append(out_of_memory(task, None))
            writer.finish(pub.slug, complete=False)
            continue
        result.diagnostics += getattr(pub, "render_warnings", [])
        writer.finish(pub.slug, complete=True, inputs=outside_inputs(pub),
                      warnings=own[pub.slug] + getattr(pub, "render_warnings", []))


def _build_with_workers(tasks, diags, strict, result, writer, say, executor, scheduler, workers,
                        memory_limit) -> None:
    """Each publication in a worker. Local workers read and make each one in
    a single stage (_staged); on a cluster, first all are read (and every
    problem collected), then, if none has an error, their editions are made
    and sent back to be written here as each one arrives."""
    from .workers import build_task, check_task

    if executor == "local":
        with _PoolRunner(workers, memory_limit) as runner:
            _staged(runner, tasks, diags, strict, result, writer, say, memory_limit)
        return
    runner = _DaskRunner(scheduler, diags)
    memory_limit = None  # the cluster's workers have their own limits
    with runner:
        say(f"reading {len(tasks)} publications on {runner.where}")
        found, lost = {}, {}
        for task, value in runner.run(check_task, tasks):
            if isinstance(value, BaseException) or value is LOST:
                # Not a problem of the sources: this one is left out, the others go on.
                lost[task.folder.name] = _lost(task, value, memory_limit)
                continue
            found[task.folder.name] = value
        for task in tasks:  # in publication order, whatever order the workers finished in
            diags.items += found.get(task.folder.name, [])
        _strictly(diags, strict)
        diags.raise_if_errors()
        result.diagnostics = list(diags.items) + [lost[t.folder.name] for t in tasks if t.folder.name in lost]
        tasks = [t for t in tasks if t.folder.name not in lost]
        if tasks:
            say(f"building {len(tasks)} publications on {runner.where}")
        for task, outcome in runner.run(build_task, tasks):
            slug = task.folder.name
            if isinstance(outcome, BaseException):
                if not _is_lost_worker(outcome):
                    raise outcome
                outcome = Outcome(slug, [_lost(task, outcome, memory_limit)])
            result.diagnostics += outcome.diagnostics
            if any(d.severity == "error" for d in outcome.diagnostics):
                writer.finish(slug, complete=False)
                continue
            say(f"{slug}: writing {len(outcome.editions)} files")
            for edition, name, blob, pages in outcome.editions:
                writer.edition(slug, edition, name, blob, pages)
            writer.finish(slug, complete=True, inputs=outcome.inputs,
                          warnings=[d for d in found[slug] if d.severity == "warning"] + outcome.diagnostics)


def _staged(runner, tasks, diags, strict, result, writer, say, memory_limit) -> None:
    """Workers read each publication and write its editions into a staging
    folder inside the output folder; when every publication has been read
    without errors, the editions are moved into place (a rename each),
    otherwise the staging folder goes and the output folder is as it was."""
    import functools
    import shutil

    from .workers import make_task

    writer.out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pressroom-staging-", dir=writer.out))
    try:
        say(f"building {len(tasks)} publications on {runner.where}")
        outcomes, lost = {}, {}
        for task, value in runner.run(functools.partial(make_task, staging=staging), tasks):
            if isinstance(value, BaseException):
                lost[task.folder.name] = _lost(task, value, memory_limit)
            else:
                outcomes[task.folder.name] = value
        for task in tasks:  # in publication order, whatever order the workers finished in
            diags.items += outcomes[task.folder.name].read if task.folder.name in outcomes else []
        _strictly(diags, strict)
        diags.raise_if_errors()
        result.diagnostics = list(diags.items) + [lost[t.folder.name] for t in tasks if t.folder.name in lost]
        for task in tasks:
            slug = task.folder.name
            if slug not in outcomes:
                continue
            outcome = outcomes[slug]
            result.diagnostics += outcome.diagnostics
            if any(d.severity == "error" for d in outcome.diagnostics):
                writer.finish(slug, complete=False)
                continue
            for edition, name, staged, pages in outcome.editions:
                writer.place(slug, edition, name, staged, pages)
            writer.finish(slug, complete=True, inputs=outcome.inputs,
                          warnings=[d for d in outcome.read if d.severity == "warning"] + outcome.diagnostics)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _is_lost_worker(exc: BaseException) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(exc, (BrokenProcessPool, MemoryError))


def _lost(task: Task, exc, memory_limit) -> Diagnostic:
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, BrokenProcessPool):
        return stopped(task, memory_limit)
    if exc is LOST or _is_lost_worker(exc):
        return out_of_memory(task, memory_limit)
    raise exc


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
        return ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker,
                                   initargs=(self.memory_limit,))

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
            self.pool.shutdown(wait=True, cancel_futures=True)
            for task in again:
                with self._pool(1) as alone:
                    try:
                        value = alone.submit(fn, task).result()
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
