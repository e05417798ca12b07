"""Loading stage: publication folders laid out for another tool, read as they stand.

A folder holding ``book.toml`` (mdBook) or ``mkdocs.yml`` (MkDocs) needs no
``publication.yaml``: the tool's own configuration gives the order of the
files, their parts and nesting, and the metadata. A ``publication.yaml``
beside it may add or override metadata keys (and give ``contents``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from ..errors import Diagnostics


@dataclass
class Layout:
    name: str  # "mdbook" or "mkdocs"
    config: Path  # book.toml or mkdocs.yml
    raw: dict  # its metadata under Pressroom's key names
    lines: dict  # key -> line in config
    entries: list[tuple[Path, dict]]  # the files in order, with what the book says of each
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
    from ..confine import real_path

    real = real_path(path)
    return real is not None and real.is_relative_to(os.path.realpath(folder))


def sources_folder(folder: Path, given, config: Path, line: int, diags: Diagnostics, what: str,
                   hint: str) -> Path | None:
    """The real path of the folder a configuration names for its pages (src/,
    docs/), or None, with a located error, when it is not a folder inside the
    publication's."""
    from ..confine import real_path

    root = real_path(folder / str(given))
    if root is None or not inside(root, folder) or not root.is_dir():
        diags.error(f"{what} is not a folder inside the publication's", config, line, hint=hint)
        return None
    return root


def find(folder: Path, diags: Diagnostics) -> Layout | None:
    """The folder's layout, or None for Pressroom's own. A configuration that
    cannot be read gives a layout with no files: its errors are reported, and
    the folder is not read as something else instead."""
    from . import mdbook, mkdocs

    for module, names in ((mdbook, (mdbook.CONFIG,)), (mkdocs, mkdocs.CONFIGS)):
        for name in names:
            config = folder / name
            if not os.path.lexists(config):
                continue
            unread = Layout(module.__name__.rsplit(".", 1)[-1], config, {}, {}, [], folder)
            return module.load(config, diags) or unread
    return None


def metadata(layout: Layout, own: dict, own_lines: dict, manifest: Path, slug: str, diags: Diagnostics):
    """The layout's metadata with publication.yaml's keys over it. Each key is
    checked in the file it is written in, so a message names that file."""
    from ..metadata import read_metadata

    read_metadata(layout.raw, layout.lines, layout.config, slug, diags, require_title=False)
    if own:
        read_metadata(own, own_lines, manifest, slug, diags, require_title=False)
    merged = {**layout.raw, **own}
    if not merged.get("title"):
        diags.error("the publication has no title", layout.config, layout.lines.get("title", 1),
                    hint=layout.title_hint)
    # Every problem is reported above; this reading only combines the two.
    combined = read_metadata(merged, {**layout.lines, **own_lines}, manifest if own else layout.config, slug,
                             Diagnostics(diags.root), require_title=False)
    if "type" not in merged:
        combined.kind = "book"
    combined.reading.extensions = layout.extensions
    return combined
