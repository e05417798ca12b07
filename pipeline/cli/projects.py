"""The commands that make or change a project: new, init, add and styles."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from ..errors import BuildError, Exit
from .terminal import report, table


def _list_made(paths, folder: Path) -> None:
    for path in paths:
        print(f"  {os.path.relpath(path, folder)}{'/' if path.is_dir() else ''}")


def _start_project(make, folder: Path, kind: str, what: str, next_step: str) -> int:
    """Run ``pressroom new`` or ``init`` and list what was made."""
    try:
        made = make(folder, kind)
    except BuildError as exc:
        report(exc.diagnostics)
        return exc.exit_code
    print(f"made {what} a project with a first {kind} in source/{made[0].name}/:")
    _list_made(made, folder)
    print(f"next: {next_step}pressroom serve   (or 'pressroom build'; README.md says more)")
    return Exit.OK


def cmd_new(args) -> int:
    from ..scaffold.projects import new_project

    return _start_project(new_project, Path(args.path), args.kind, args.path, f"cd {shlex.quote(args.path)} && ")


def cmd_init(args) -> int:
    from ..scaffold.projects import init

    return _start_project(init, Path(args.project), args.kind, "this folder", "")


def cmd_add(args) -> int:
    from ..scaffold.projects import add

    try:
        folder = add(Path(args.project).resolve(), args.folder, args.kind)
    except BuildError as exc:
        report(exc.diagnostics)
        return exc.exit_code
    print(f"made {args.kind} {folder}; build it with: pressroom build {folder.name}")
    return Exit.OK


def cmd_styles(args) -> int:
    from .. import styles
    from ..scaffold.house_styles import copy_styles

    project = Path(args.project).resolve()
    if args.files or args.all:
        try:
            copied = copy_styles(project, args.files or [""])
        except BuildError as exc:
            report(exc.diagnostics)
            return exc.exit_code
        print("copied into styles/, where they replace the house's:")
        _list_made(copied, project)
        return Exit.OK
    in_use = styles.files(project)
    print(f"the house styles ({styles.house()}); the project's styles/ replaces any of them:")
    rows = [["file", "in use"]]
    for rel, shipped in styles.house_files().items():
        rows.append([rel, "the house's" if in_use[rel] == shipped else "the project's"])
    table(rows)
    return Exit.OK
