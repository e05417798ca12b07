"""Whether a folder can be a build's output folder, told before anything is
built: a build into it must neither fail half-way for want of a folder
nor put its editions where they would be read as sources.

Only the standard library is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Exit


@dataclass(frozen=True)
class Problem:
    message: str
    hint: str
    exit_code: Exit = Exit.USAGE


def _within(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def unusable(out: Path, project: Path) -> Problem | None:
    """What is wrong with out (an absolute, resolved path) as the output
    folder of project, or None when a build may write into it."""
    other = "choose another output folder with -o"
    if out.exists() and not out.is_dir():
        return Problem("the output folder is not a folder but a file", f"{other}, or move the file away")
    for name, what in (("source", "its editions would be read as a publication"),
                       ("styles", "its editions would be read as styles")):
        folder = (project / name).resolve()
        if _within(out, folder):
            return Problem(f"the output folder is inside the project's {name}/ folder: {what}",
                           f"{other} outside {name}/, such as the default, dist/")
        if _within(folder, out):
            return Problem(f"the output folder holds the project's {name}/ folder", f"{other}, such as dist/")
    if not out.exists() and not out.parent.is_dir():
        return Problem("the output folder's parent folder does not exist",
                       f"make {out.parent} first, or {other}")
    return None
