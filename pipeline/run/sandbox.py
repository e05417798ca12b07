"""On a cluster's worker: the part of the project a task was sent
(run/inputs.py), made again from its blobs in a folder of the worker's
own. The task is built there as in the project, and the confinement of
every read (pipeline/confine.py) to that folder means it reads only what
it was sent.

A publication's task is built in the same folder every time (one at a
time in a worker process), emptied of the last task's files first: the
parsed style sheets and loaded fonts of the last publication then serve
the next one of the same project. A chapter of a book laid out by another
worker process has a copy of its own, kept while the book's other
chapters may need it. The worker keeps each blob it has written, by
digest, until it ends.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

from .. import styles
from .inputs import FILE, FOLDER, HOUSE, LINK, OTHER, Entry, Inputs, _safe

KEPT = 4  # folders kept once no task uses them
_lock = threading.RLock()  # store() is called with it held
_store: Path | None = None
_folders: dict[str, list] = {}  # digest: [root, tasks using it], oldest first


def store() -> Path:
    """This worker process's folder: blobs/ by digest, and the tasks' folders."""
    global _store
    with _lock:
        if _store is None:
            _store = Path(tempfile.mkdtemp(prefix="pressroom-worker-"))
            (_store / "blobs").mkdir()
            atexit.register(shutil.rmtree, _store, True)
        return _store


def _blob(digest: str, blobs: dict[str, bytes]) -> Path:
    path = store() / "blobs" / digest
    if not path.exists():
        part = path.with_name(f".{digest}.{uuid.uuid4().hex}")
        part.write_bytes(blobs[digest])
        os.replace(part, path)
    return path


def _house(rel: str, digest: str) -> Path:
    path = store() / "blobs" / digest
    if not path.exists():
        part = path.with_name(f".{digest}.{uuid.uuid4().hex}")
        shutil.copyfile(styles.house() / rel, part)
        os.replace(part, path)
    return path


@contextlib.contextmanager
def held(inputs: Inputs, blobs: dict[str, bytes]):
    """The project's part the task was sent, as a folder (the project's place) for the block."""
    digest = inputs.digest()
    with _lock:  # made by one thread at a time: the chapters of a book running beside each other share it
        kept = _folders.pop(digest, None) or [_make(inputs, blobs), 0]
        kept[1] += 1
        _folders[digest] = kept  # now the newest
    try:
        yield kept[0]
    finally:
        with _lock:
            kept[1] -= 1
            idle = [d for d, (_, users) in _folders.items() if not users]
            for old in idle[: max(0, len(idle) - KEPT)]:
                _remove(_folders.pop(old)[0])


def publication(inputs: Inputs, blobs: dict[str, bytes]) -> Path:
    """The folder of a publication's task, made again for this one (the
    caller holds the process's one_at_a_time lock). What the build keeps
    in .cache/ stays: it is keyed by what it was made from."""
    root = store() / "publication" / "project"
    if root.exists():
        for entry in os.scandir(root):
            if entry.name != ".cache":
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
    with _lock:
        return _make(inputs, blobs, root)


def _make(inputs: Inputs, blobs: dict[str, bytes], root: Path | None = None) -> Path:
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="task-", dir=store())) / "project"
    root.mkdir(parents=True, exist_ok=True)
    for rel in sorted(inputs.entries):
        if not _safe(rel):
            raise ValueError(f"a task was sent a file outside its project: {rel!r}")
        _put(root / rel, rel, inputs.entries[rel], blobs)
    return root


def _put(path: Path, rel: str, entry: Entry, blobs: dict[str, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if entry.kind == FOLDER:
        path.mkdir(exist_ok=True)
    elif entry.kind == LINK:
        os.symlink(entry.data, path)
    elif entry.kind == HOUSE:
        os.link(_house(rel[len(styles.STYLES) + 1 :], entry.data), path)
    elif entry.kind == FILE:
        # A copy with the file's time (a publication without date nor commit
        # is dated by its newest file); styles are shared links to the blob.
        if rel.startswith(styles.STYLES + "/"):
            os.link(_blob(entry.data, blobs), path)
        else:
            shutil.copyfile(_blob(entry.data, blobs), path)
            os.utime(path, (entry.mtime, entry.mtime))
    elif entry.kind == OTHER:
        os.mkfifo(path)


def _remove(root: Path) -> None:
    shutil.rmtree(root.parent, ignore_errors=True)


def not_sent(root: Path, inputs: Inputs):
    """For confine.noting_missing: whether a missing file is one of the project's the task was not sent."""
    top = os.path.abspath(root)

    def wanted(path: str) -> bool:
        return path.startswith(top + os.sep) and place(root, path) not in inputs.entries

    return wanted


def place(root: Path, path: str) -> str:
    """The place in the project of a path inside root."""
    return Path(path).relative_to(os.path.abspath(root)).as_posix()
