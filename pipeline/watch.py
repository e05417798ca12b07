"""``pressroom watch``: rebuild what changed when a source or style is saved.

Polling, not OS notifications: it works the same on every filesystem
(network and container mounts included) and needs no extra dependency.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    if not folder.is_dir():
        return {}
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


def changed_publications(project: Path, before: dict, after: dict) -> set[str] | None:
    """Names of publications to rebuild; None means every one (a style changed)."""
    names: set[str] = set()
    for path in set(before) ^ set(after) | {p for p in after if p in before and before[p] != after[p]}:
        parts = path.relative_to(project).parts
        if parts[0] == "styles":
            return None
        if parts[0] == "source" and len(parts) > 2:
            names.add(parts[1])
    return names


def watch(project: Path, rebuild: Callable[[list[str] | None], None], stop: threading.Event | None = None,
          interval: float = 0.5) -> None:
    stop = stop or threading.Event()

    def state():
        return {**snapshot(project / "source"), **snapshot(project / "styles")}

    before = state()
    while not stop.wait(interval):
        after = state()
        if after == before:
            continue
        names = changed_publications(project, before, after)
        before = after
        if names is None or names:
            rebuild(sorted(names) if names else None)
            before = state()  # a rebuild may have been slow; start from what is there now
        time.sleep(0)
