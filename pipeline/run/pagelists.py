"""The EPUB's page-list kept from a print layout, so that an EPUB built
without the print edition (``pressroom build -f epub``) still points at the
print pages when a layout of the same sources is known.

Whenever the print edition is typeset, with or without the cache of
editions (so that an EPUB alone does not depend on it), the page-list
taken from it ({page position or front-matter id: printed folio}, in page
order: pipeline/pagemarks.py) is written to
``PROJECT/.cache/pressroom/page-lists/<slug>.json`` under the publication's
layout key (pipeline/cache.py: its files, the styles and fonts, Pressroom
and the libraries, the build time; not the editions asked for), with the
digests of the files it used from outside its folder. One entry per
publication: the last layout typeset. An entry whose key or outside files
differ, or that cannot be read, is no entry: never an error.

Only the standard library: the plan reads it before anything heavy is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..atomic import write_atomically
from ..cache import CACHE_DIR, file_digest

FORMAT = 1
FOLDER = CACHE_DIR / "page-lists"


def path_of(project: Path, slug: str) -> Path:
    return project / FOLDER / f"{slug}.json"


def load(project: Path, slug: str, key: str) -> dict[str, str] | None:
    """The page-list kept for this layout key, or None."""
    try:
        data = json.loads(path_of(project, slug).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        pages = data["pages"]
        if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in pages):
            return None
        for name, digest in data["inputs"].items():
            path = project / name
            if not path.is_file() or file_digest(path) != digest:
                return None
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return None
    return dict(pages)


def save(project: Path, slug: str, key: str, pages: dict[str, str], inputs: list[Path]) -> None:
    """Keep the page-list of a print layout just made; inputs: the files it
    used from outside the publication's folder (shared images)."""
    try:
        digests = {p.relative_to(project).as_posix(): file_digest(p) for p in inputs if p.is_relative_to(project)}
        data = {"format": FORMAT, "key": key, "pages": [[k, v] for k, v in pages.items()], "inputs": digests}
        # Not waited on to reach the disk, as the build cache: a lost entry costs a page-list.
        write_atomically(path_of(project, slug), json.dumps(data, indent=0).encode(), durable=False)
    except OSError:
        pass  # the editions are made; only a later EPUB's page-list is lost (the build cache warns of a full disk)
