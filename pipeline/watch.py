"""Saves noticed: which publications to rebuild when a source or style changes.

Shared by ``pressroom watch`` and ``pressroom serve``. watchfiles listens to
the system's file notifications and falls back to looking every so often
where there are none (network and container mounts); setting
WATCHFILES_FORCE_POLLING=1 makes it look always. Polling compares
modification times to the second, so a file saved again within the second
of its last save would go unseen: the files of each rebuild are looked at
again when it ends, and saved again meanwhile, rebuilt again.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from collections.abc import Callable, Iterable

WATCHED = ("source", "styles")


def changed_publications(project: Path, paths: Iterable[str | Path]) -> set[str] | None:
    """Names of the publications to rebuild after these paths changed; None
    means every one (a style, or a file of the project itself)."""
    names: set[str] = set()
    for path in paths:
        try:
            parts = Path(path).relative_to(project).parts
        except ValueError:
            continue
        if not parts:
            continue
        if parts[0] == "styles" or (len(parts) == 1 and parts[0] not in WATCHED):
            return None
        if parts[0] == "source" and len(parts) > 1:
            # A new or removed publication folder is itself a change to that publication.
            names.add(parts[1])
    return names


class _Filter:
    """What counts as a save: watchfiles' defaults (no editor swap files,
    no .git), within source/ and styles/, or a visible file of the project
    itself; never the output folder."""

    def __init__(self, project: Path, ignored: Iterable[Path]):
        from watchfiles import DefaultFilter

        self.project = project
        self.ignored = [Path(p) for p in ignored]
        self.default = DefaultFilter()

    def __call__(self, change, path: str) -> bool:
        if not self.default(change, path):
            return False
        p = Path(path)
        if any(p == i or p.is_relative_to(i) for i in self.ignored):
            return False
        try:
            parts = p.relative_to(self.project).parts
        except ValueError:
            return False
        if not parts:
            return False
        if parts[0] in WATCHED:
            return True
        return len(parts) == 1 and not parts[0].startswith(".") and not p.is_dir()


_UNSEEN = ("unseen",)


def _state(path: str) -> tuple[int, int] | None:
    """A file's modification time (to the nanosecond) and size; None when gone."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def watch(
    project: Path,
    rebuild: Callable[[list[str] | None], None],
    stop: threading.Event | None = None,
    interval: float = 0.5,
    *,
    ignored: Iterable[Path] = (),
    ready: Callable[[], None] | None = None,
) -> None:
    """Call rebuild(names) after each burst of saves (None: every publication)
    until `stop` is set. interval: seconds between looks when polling.
    ready: called once the watching has begun (a save before may be missed)."""
    from watchfiles import watch as changes

    project = Path(project).resolve()
    stop = stop or threading.Event()
    ignored = [Path(p).resolve() for p in ignored] + [project / "dist", project / ".cache"]
    missing = [name for name in WATCHED if not (project / name).is_dir()]
    # A folder that is not there yet cannot be watched: then the project is,
    # filtered to it. (Not narrowed once it appears: a save made while the
    # watching changed over would be missed.)
    roots = [project] if missing else [project / name for name in WATCHED]
    handled: dict[str, tuple[int, int] | None] = {}  # path -> its state when it was last rebuilt
    for batch in changes(
        *roots,
        watch_filter=_Filter(project, ignored),
        stop_event=stop,
        step=50,
        rust_timeout=200,
        yield_on_timeout=True,
        poll_delay_ms=max(10, int(interval * 1000)),
    ):
        if ready is not None:
            ready()
            ready = None
        # A save this loop saw and rebuilt already is not a new one.
        paths = {path for _change, path in batch if _state(path) != handled.get(path, _UNSEEN)}
        while paths and not stop.is_set():
            names = changed_publications(project, paths)
            if names is not None and not names:
                break
            before = {path: _state(path) for path in paths}
            rebuild(sorted(names) if names is not None else None)
            handled.update(before)
            paths = {path for path, state in before.items() if _state(path) != state}
