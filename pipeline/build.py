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

from . import sources
from .archive import archive_edition, checksums
from .document import read_publication
from .epub import build_epub
from .epub.package import FRONT_PAGES
from .pagemarks import page_starts
from .errors import BuildError, Diagnostic, Diagnostics, Exit
from .pdf import render

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


def _select(project: Path, names, diags: Diagnostics) -> list[Path]:
    folders = sources.discover(project / "source")
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


def build(project: str | Path = ".", publications=None, formats=EDITIONS, out_dir: str | Path | None = None,
          strict: bool = False, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build the chosen publications (all by default) into out_dir (dist/ by default)."""
    project = Path(project).resolve()
    out = Path(out_dir).resolve() if out_dir else project / "dist"
    say = progress or (lambda message: None)
    diags = Diagnostics(root=project)
    unknown = [f for f in formats if f not in EDITIONS]
    if unknown:
        diags.error(f"unknown edition '{unknown[0]}'", hint=f"choose from: {', '.join(EDITIONS)}")
        raise BuildError(diags.items, Exit.USAGE)
    folders = _select(project, publications, diags)
    pubs = []
    for folder in folders:
        say(f"reading {folder.name}")
        loaded = sources.load(folder, diags)
        if loaded is not None:
            pubs.append(read_publication(loaded, project, diags, strict))
    if strict and diags.warnings:
        diags.items = [Diagnostic("error", d.message, d.location, d.hint) for d in diags.items]
    diags.raise_if_errors()

    result = BuildResult(diagnostics=list(diags.items))
    for pub in pubs:
        # The print edition is typeset even for an EPUB alone: the EPUB's
        # page-list points at the print pages.
        say(f"{pub.slug}: typesetting the print edition")
        rendered = render(pub, project, trim=pub.metadata.options.print.trim)
        if "pdf" in formats:
            path = out / f"{pub.slug}.pdf"
            write_atomically(path, rendered.pdf)
            result.outputs.append(Output(pub.slug, "pdf", path, len(rendered.pdf), rendered.page_count))
        if "epub" in formats or "archive" in formats:  # the bag holds the EPUB
            say(f"{pub.slug}: packaging the EPUB edition")
            starts = page_starts(rendered.anchors, rendered.markers, FRONT_PAGES)
            # The page-list speaks in the folios printed on the pages (roman in the
            # front matter); a page with no folio printed has no entry.
            starts = {target: rendered.folios[n - 1] if rendered.folios else str(n)
                      for target, n in starts.items() if not rendered.folios or rendered.folios[n - 1]}
            data = build_epub(pub, project, starts, embed_fonts=pub.metadata.options.epub.embed_fonts)
            if "epub" in formats:
                path = out / f"{pub.slug}.epub"
                write_atomically(path, data)
                result.outputs.append(Output(pub.slug, "epub", path, len(data)))
        if "archive" in formats:
            say(f"{pub.slug}: typesetting the archival PDF and packing the bag")
            for edition, name, blob, pages in archive_edition(pub, project, rendered, data):
                path = out / name
                write_atomically(path, blob)
                result.outputs.append(Output(pub.slug, edition, path, len(blob), pages))
        # After each publication, so that the manifest never lags what is in out/.
        written = [o.path for o in result.outputs if o.publication == pub.slug]
        if written:
            with _locked(out):  # two builds at once must not lose each other's entries
                write_atomically(out / checksums.NAME, checksums.updated(out, written))
    return result
