"""Making projects and publications: ``pressroom new``, ``pressroom init``
and ``pressroom add``, each refusing rather than overwriting what a writer has."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import BuildError, Diagnostic, Exit, Location
from .names import name_problem, slug, title_of
from .starters import GITIGNORE, PROJECT_README, starter_files


def refuse(message: str, where: Path, hint: str, code: Exit = Exit.USAGE) -> BuildError:
    """The error that stops a command: nothing was made, and the hint says what to do."""
    return BuildError([Diagnostic("error", message, Location(str(where)), hint)], code)


def _write(folder: Path, files: dict[str, str]) -> None:
    try:
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise refuse(
            f"the files could not be made: {exc.strerror or exc}",
            folder,
            "check that the folder can be written",
            Exit.ENVIRONMENT,
        ) from None


def add(project: Path, name: str, kind: str = "article") -> Path:
    """Make source/NAME with a starter publication; NAME is one plain folder name."""
    source = project / "source"
    problem = name_problem(name)
    if problem:
        shown = name.encode("unicode_escape").decode("ascii") if problem.endswith("control character") else name
        raise refuse(
            f"'{shown}' cannot be a publication's name: {problem}",
            source,
            "give a plain name such as 'leaflet' or 'annual-report-2024': "
            "letters, digits, '-' and '_' are safe everywhere",
        )
    target = source / name
    if os.path.lexists(source) and not Path(os.path.realpath(source)).is_relative_to(os.path.realpath(project)):
        raise refuse(
            "source/ is a link to a place outside the project; nothing was made",
            source,
            "make source/ a folder of the project",
        )
    if os.path.islink(target) or (target.exists() and not target.is_dir()):
        raise refuse("the name is taken by a file or a link", target, "choose another name")
    if target.exists() and any(target.iterdir()):
        raise refuse("the folder already exists and is not empty", target, "choose another name")
    _write(target, starter_files(kind, title_of(target)))
    return target


def _is_project(folder: Path) -> bool:
    return os.path.isdir(folder / "source")


def _project_files(folder: Path, kind: str) -> list[Path]:
    """The first publication, .gitignore and README.md of a project at folder;
    an existing .gitignore gains the lines it lacks, an existing README stays."""
    made = [add(folder, slug(folder.name), kind)]
    ignore = folder / ".gitignore"
    had = ignore.read_text(encoding="utf-8", errors="replace").splitlines() if ignore.is_file() else []
    missing = [line for line in GITIGNORE if line not in had and line.rstrip("/") not in had]
    if missing:
        text = "\n".join(had + missing) + "\n"
        _write(folder, {".gitignore": text})
        made.append(ignore)
    if not os.path.lexists(folder / "README.md"):
        _write(folder, {"README.md": PROJECT_README.format(title=title_of(folder), name=made[0].name)})
        made.append(folder / "README.md")
    return made


def new_project(path: Path, kind: str = "article") -> list[Path]:
    """A whole project at path: source/ with a first publication named after
    the folder, a .gitignore for dist/ and a README on what to do next."""
    path = Path(os.path.abspath(path))
    if os.path.lexists(path) and (not path.is_dir() or path.is_symlink()):
        raise refuse("a file or a link is in the way; nothing was made", path, "choose a new folder's name")
    if path.is_dir() and any(path.iterdir()):
        raise refuse(
            "the folder already exists and is not empty; nothing was made",
            path,
            "choose a new folder, or run 'pressroom init' inside this one to make it a project",
        )
    if _is_project(path.parent):
        raise refuse(
            "this would make a project inside the project of the folder above; nothing was made",
            path,
            f"to add a publication to that project, run 'pressroom add {slug(path.name)}' there",
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise refuse(
            f"the folder could not be made: {exc.strerror or exc}",
            path,
            "check that its parent folder can be written",
            Exit.ENVIRONMENT,
        ) from None
    return _project_files(path, kind)


def init(folder: Path, kind: str = "article") -> list[Path]:
    """Make the folder a project, keeping whatever it holds."""
    folder = Path(os.path.abspath(folder))
    if _is_project(folder):
        raise refuse(
            "this folder is a project already (it has source/); nothing was made",
            folder,
            "to add a publication, run 'pressroom add NAME'",
        )
    if not folder.is_dir():
        raise refuse("there is no such folder", folder, "make it first, or use 'pressroom new PATH'")
    return _project_files(folder, kind)
