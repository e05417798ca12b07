"""Loading stage: publication folders laid out for another tool, read as they stand.

A folder holding ``book.toml`` (mdBook) or ``mkdocs.yml`` (MkDocs) needs no
``publication.yaml``: the tool's own configuration gives the order of the
files, their parts and nesting, and the metadata. A ``publication.yaml``
beside it may add or override metadata keys (and give ``contents``).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Diagnostics
from . import mdbook, mkdocs
from .layout import Layout

__all__ = ["Layout", "find", "metadata"]


def find(folder: Path, diags: Diagnostics) -> Layout | None:
    """The folder's layout, or None for Pressroom's own. A configuration that
    cannot be read gives a layout with no files: its errors are reported, and
    the folder is not read as something else instead."""
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
        diags.error("the publication has no title", layout.config, layout.lines.get("title", 1), hint=layout.title_hint)
    # Every problem is reported above; this reading only combines the two.
    combined = read_metadata(
        merged,
        {**layout.lines, **own_lines},
        manifest if own else layout.config,
        slug,
        Diagnostics(diags.root),
        require_title=False,
    )
    if "type" not in merged:
        combined.kind = "book"
    combined.reading.extensions = layout.extensions
    return combined
