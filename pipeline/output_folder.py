"""The output folder as others see it: whether a folder can be a build's
output folder, told before anything is built (a build into it must neither
fail half-way for want of a folder nor put its editions where they would be
read as sources), and what builds left in it (their staging folders, see
pipeline/run/staging.py), for the next build, `pressroom clean` and
`pressroom verify`.

Only the standard library is imported here.
"""

from __future__ import annotations

import fcntl
import json
import os
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
    for name, what in (
        ("source", "its editions would be read as a publication"),
        ("styles", "its editions would be read as styles"),
    ):
        folder = (project / name).resolve()
        if _within(out, folder):
            return Problem(
                f"the output folder is inside the project's {name}/ folder: {what}",
                f"{other} outside {name}/, such as the default, dist/",
            )
        if _within(folder, out):
            return Problem(f"the output folder holds the project's {name}/ folder", f"{other}, such as dist/")
    if not out.exists() and not out.parent.is_dir():
        return Problem("the output folder's parent folder does not exist", f"make {out.parent} first, or {other}")
    return None


# --- what builds left ------------------------------------------------------------

STAGING_PREFIX = ".pressroom-staging-"  # `pressroom clean` removes what a killed build left
JOURNAL = ".placing"  # in a publication's staging folder: the set being moved into place


def held(folder: Path) -> bool:
    """Whether a running build holds this staging folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True  # held, or no locks on this file system: then it cannot be told, and is left be
    finally:
        os.close(fd)
    return False


def journal(slug_folder: Path) -> list[str] | None:
    """The names of a set being placed, or None when there is none (or it cannot be read)."""
    try:
        names = json.loads((slug_folder / JOURNAL).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(names, list) or not all(
        isinstance(n, str) and n == Path(n).name and n not in ("", ".", "..") for n in names
    ):
        return None
    return names


def left_over(out: Path) -> list[tuple[Path, list[str], bool]]:
    """Each staging folder in out: (folder, publications whose set was being
    placed when the build stopped, whether a running build holds it)."""
    found = []
    for folder in sorted(out.glob(f"{STAGING_PREFIX}*")) if out.is_dir() else []:
        if folder.is_dir() and not folder.is_symlink():
            try:
                placing = [
                    slug.name
                    for slug in sorted(folder.iterdir())
                    if slug.is_dir() and not slug.is_symlink() and journal(slug) is not None
                ]
            except OSError:  # not ours to read: left be
                found.append((folder, [], True))
                continue
            found.append((folder, placing, held(folder)))
    return found
