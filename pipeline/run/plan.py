"""Planning a build, before anything is made: the arguments checked, the
publications chosen, the fonts and the output folder looked at, what a
stopped build left completed, and the cache asked which publications are
up to date. A build that cannot be attempted stops here with BuildError.

Only light modules here: an up-to-date build must answer before WeasyPrint,
EbookLib or Markdown are imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError, Diagnostic, Diagnostics, Exit
from ..output_folder import unusable
from ..styles import file as style_file, font_files
from .gate import gate
from .staging import Unwritable, recover
from .task import Task

EDITIONS = ("epub", "pdf", "archive")
# Made only when asked for, by name (-f pdf,cover) or by the metadata (print-cover: the cover with the print edition).
ON_REQUEST = ("cover",)
EXECUTORS = ("local", "dask")


@dataclass
class Plan:
    chosen: list[Path]  # the publications of the build, in order
    tasks: list[Task] = field(default_factory=list)  # those to make
    up_to_date: dict[str, list[Diagnostic]] = field(default_factory=dict)  # those kept, with their warnings
    completed: list[str] = field(default_factory=list)  # sets a stopped build left half placed, now whole
    cache: object | None = None  # the Cache when it is used
    keys: dict[str, str] = field(default_factory=dict)  # the cache key of each publication to make
    # The layout key of each publication, under which the page-list of a
    # print edition typeset now is kept (pipeline/run/pagelists.py).
    layouts: dict[str, str] = field(default_factory=dict)
    # The page-list kept for an EPUB made without the print edition, by publication.
    pages: dict[str, dict[str, str]] = field(default_factory=dict)


def discover(source_dir: Path) -> list[Path]:
    """Every publication folder under source/, in name order."""
    if not source_dir.is_dir():
        return []
    root = Path(os.path.realpath(source_dir.parent))  # the project, even when source/ is a link
    return sorted(
        p
        for p in source_dir.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.resolve().is_relative_to(root)
    )


def select(project: Path, names, diags: Diagnostics) -> list[Path]:
    from ..confine import leading_out

    for link, target in leading_out(project, project):
        if link.name == "source":
            diags.error(
                f"source/ is a link to {target}, outside the project; no publication was read",
                link,
                hint="make source/ a folder of the project",
            )
            return []
    folders = discover(project / "source")
    for link, target in leading_out(project / "source", project):
        diags.warning(
            f"the folder is a link to {target}, outside the project; it is not read as a publication",
            link,
            hint="copy the publication into source/ instead of linking to it",
        )
    if not names:
        if not folders:
            diags.error("no publications found", project / "source", hint="make one with 'pressroom new NAME'")
        return folders
    by_name = {f.name: f for f in folders}
    chosen = []
    for name in names:
        name = Path(name).name
        if name in by_name:
            chosen.append(by_name[name])
        else:
            diags.error(
                f"no publication named '{name}' in source/",
                hint="choose from: " + (", ".join(sorted(by_name)) or "none yet"),
            )
    return chosen


def check_arguments(diags: Diagnostics, formats, jobs: int | None, executor: str, scheduler: str | None) -> None:
    """A wrong argument: BuildError with Exit.USAGE."""
    unknown = [f for f in formats if f not in EDITIONS + ON_REQUEST]
    if unknown:
        diags.error(f"unknown edition '{unknown[0]}'", hint=f"choose from: {', '.join(EDITIONS + ON_REQUEST)}")
    elif executor not in EXECUTORS:
        diags.error(f"unknown executor '{executor}'", hint="choose from: " + ", ".join(EXECUTORS))
    elif executor == "dask" and not scheduler:
        diags.error("the dask executor needs the scheduler's address", hint="give it with --scheduler tcp://HOST:8786")
    elif jobs is not None and jobs < 1:
        diags.error(f"--jobs must be 1 or more, not {jobs}")
    diags.raise_if_errors(Exit.USAGE)


def cannot_write(diags: Diagnostics, out: Path, exc: Unwritable) -> None:
    """The output folder refused the build before anything was made: nothing was attempted."""
    diags.error(
        f"cannot write into the output folder: {exc.error.strerror or exc.error}",
        out,
        hint="make it writable, make room on its disk, or choose another folder with -o",
    )
    raise BuildError(diags.items, Exit.ENVIRONMENT) from None


def plan(
    project: Path,
    out: Path,
    publications,
    formats,
    strict: bool,
    diags: Diagnostics,
    say,
    *,
    use_cache: bool,
    memory_limit: int | None,
    timeout: float | None,
    page_list: bool = False,
    press: dict | None = None,
) -> Plan:
    """What the build will make (the arguments already checked). Problems
    that stop it go into diags and raise BuildError; warnings stay in diags.
    page_list: an EPUB made without the print edition has a page-list even
    when no print layout of its sources is kept (one is typeset for it)."""
    if (problem := unusable(out, project)) is not None:
        diags.error(problem.message, out, hint=problem.hint)
        raise BuildError(diags.items, problem.exit_code)
    chosen = select(project, publications, diags)
    if chosen and not font_files(project):
        # Every edition needs them: the print layout, and the EPUB's check of
        # the characters the fonts lack (transforms/glyphs.py) and its embedded fonts.
        sheet = style_file(project, "fonts.css")
        diags.error(
            "the fonts.css in use declares no font that can be read: editions are typeset "
            "only in the fonts it declares",
            sheet,
            hint="declare fonts in styles/fonts.css with @font-face rules naming files under "
            "styles/fonts/, or remove styles/fonts.css to use the house fonts",
        )
    diags.raise_if_errors(Exit.INPUT)

    result = Plan(chosen)
    try:  # what a build stopped outright left in the output folder, before the cache looks at it
        result.completed = recover(out)
    except Unwritable as exc:
        cannot_write(diags, out, exc)
    for slug in result.completed:
        say(f"{slug}: the editions a stopped build was putting in place were put in place")
    folders = chosen
    if chosen:
        from ..cache import styles_digest

        styles = styles_digest(project)
        _page_lists(project, chosen, formats, styles, result)
        if use_cache:
            folders = _not_up_to_date(project, out, chosen, formats, strict, say, result, styles, page_list, press)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    result.tasks = [
        Task(
            project,
            folder,
            tuple(formats),
            strict,
            epoch,
            memory_limit,
            timeout or None,
            result.pages.get(folder.name),
            page_list,
            dict(press or {}),
        )
        for folder in folders
    ]
    return result


def epub_alone(formats) -> bool:
    """An EPUB asked for without the print edition, the archive (which holds a PDF/A) or the cover (which counts its pages)."""
    return "epub" in formats and not {"pdf", "archive", "cover"} & set(formats)


def _page_lists(project: Path, chosen: list[Path], formats, styles: str, result: Plan) -> None:
    """The layout key of each publication, and for an EPUB without the print
    edition the page-list kept under it. Used with or without the cache of
    editions, so that an EPUB alone does not depend on it: the page-list is
    what typesetting the same sources would give."""
    from ..cache import layout_key
    from . import pagelists

    alone = epub_alone(formats)
    for folder in chosen:
        result.layouts[folder.name] = layout = layout_key(project, folder, styles)
        listed = pagelists.load(project, folder.name, layout) if alone else None
        if listed is not None:
            result.pages[folder.name] = listed


def _not_up_to_date(
    project: Path,
    out: Path,
    chosen: list[Path],
    formats,
    strict: bool,
    say,
    result: Plan,
    styles: str,
    page_list: bool,
    press: dict | None = None,
) -> list[Path]:
    """The publications the cache cannot keep; the others go into result.up_to_date."""
    from ..cache import Cache, publication_key, warnings_of

    result.cache = cache = Cache(project, out)
    alone = epub_alone(formats)
    folders = []
    for folder in chosen:
        # Such an EPUB's bytes depend on whether it has a page-list: one made
        # without is made again once a print layout of its sources is kept.
        with_pages = (folder.name in result.pages or page_list) if alone else None
        key = publication_key(project, folder, formats, styles, result.layouts[folder.name], with_pages, press)
        entry = cache.fresh(folder.name, key, project)
        # A warning kept from a build without --strict fails one with it: then it is made again.
        kept = warnings_of(entry) if entry is not None else []
        if entry is not None and gate(kept, strict)[1]:
            say(f"{folder.name}: up to date")
            result.up_to_date[folder.name] = kept
        else:
            result.keys[folder.name] = key
            folders.append(folder)
    return folders
