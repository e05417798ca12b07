"""What a layout of another tool gives the loading stage, and the checks
its readers share on the folders a configuration names."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from ..confine import real_path
from ..errors import Diagnostics
from ..placement import Placement


@dataclass
class Layout:
    name: str  # "mdbook" or "mkdocs"
    config: Path  # book.toml or mkdocs.yml
    raw: dict  # its metadata under Pressroom's key names
    lines: dict  # key -> line in config
    entries: list[tuple[Path, Placement]]  # the files in order, with where the book puts each
    root: Path  # the folder the site is made from (src/, docs/): links leaving it leave the book
    front_matter: bool = True  # whether its Markdown files may open with YAML front matter
    page_keys: tuple | None = None  # the keys of a file's front matter Pressroom takes (None: all)
    extensions: tuple = ()  # Python-Markdown extensions the configuration asks for
    others: list[Path] = field(default_factory=list)  # other files it reads (SUMMARY.md)
    title_hint: str = "give the publication a title"
    # Work on each source after it is read (mdBook's includes), reporting into diags.
    prepare: Callable | None = None


def inside(path: Path, folder: Path) -> bool:
    """Whether a path, links followed, lies inside the folder (for folders:
    files are checked by confine.py when read)."""
    real = real_path(path)
    return real is not None and real.is_relative_to(os.path.realpath(folder))


def sources_folder(
    folder: Path, given, config: Path, line: int, diags: Diagnostics, what: str, hint: str
) -> Path | None:
    """The real path of the folder a configuration names for its pages (src/,
    docs/), or None, with a located error, when it is not a folder inside the
    publication's."""
    root = real_path(folder / str(given))
    if root is None or not inside(root, folder) or not root.is_dir():
        diags.error(f"{what} is not a folder inside the publication's", config, line, hint=hint)
        return None
    return root
