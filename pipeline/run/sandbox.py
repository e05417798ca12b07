"""On a cluster's worker: the part of the project a task was sent
(run/inputs.py), made again from its blobs in a folder of the worker's
own. The task is built there as in the project, and the confinement of
every read (pipeline/confine.py) to that folder means it reads only what
it was sent.

A publication's task is built in the same folder every time (one at a
time in a worker process), made anew for it: the parsed style sheets and
loaded fonts of the last publication then serve the next one of the same
project. A chapter of a book laid out by another
worker process has a copy of its own, kept while the book's other
chapters may need it.

A worker keeps each blob it has fetched, by digest, until it ends: a
task fetches from the cluster only the blobs its worker has not seen,
so a catalogue's shared files reach each worker once.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import hashlib
import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

from .. import styles
from .inputs import ABSENT, FILE, FOLDER, HOUSE, LINK, OTHER, UNREADABLE, Entry, Inputs, _safe

KEPT = 4  # folders kept once no task uses them
_lock = threading.RLock()  # store() is called with it held
_store: Path | None = None
_folders: dict[str, list] = {}  # digest: [root, tasks using it], oldest first
_fetching = threading.Lock()  # one fetch at a time: a blob two chapters need is fetched once
fetched: collections.Counter = collections.Counter()  # digest: times fetched from the cluster


def store() -> Path:
    """This worker process's folder: blobs/ by digest, and the tasks' folders."""
    global _store
    with _lock:
        if _store is None:
            _store = Path(tempfile.mkdtemp(prefix="pressroom-worker-"))
            (_store / "blobs").mkdir()
            atexit.register(shutil.rmtree, _store, True)
        return _store


def _blob(digest: str) -> Path:
    return store() / "blobs" / digest


def keep(digest: str, data: bytes) -> None:
    """A blob into this worker's store (whole, or not at all), once its bytes are checked."""
    if hashlib.sha256(data).hexdigest() != digest:
        raise ValueError(f"a blob's bytes are not those of its digest {digest}")
    path = _blob(digest)
    part = path.with_name(f".{digest}.{uuid.uuid4().hex}")
    part.write_bytes(data)
    os.replace(part, path)


def fetch(inputs: Inputs, names: str) -> None:
    """Fetch from the cluster the blobs of the task this worker has not
    seen: the build publishes each as a dataset, names + its digest, while
    a task may need it. The waiting is done outside the worker's thread
    pool: a blob lost with its worker is made again by a task, which needs a thread."""
    if all(_blob(d).exists() for d in inputs.blobs()):
        return
    from distributed import worker_client

    with worker_client() as client, _fetching:
        missing = sorted(d for d in inputs.blobs() if not _blob(d).exists())
        found = client.gather([client.get_dataset(names + d) for d in missing])
        for digest, data in zip(missing, found, strict=True):
            keep(digest, data)
            fetched[digest] += 1


def _house(rel: str, digest: str) -> Path:
    path = _blob(digest)
    if not path.exists():
        data = (styles.house() / rel).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError(f"this worker's house file styles/{rel} is not the build's: its Pressroom differs")
        keep(digest, data)
    return path


@contextlib.contextmanager
def held(inputs: Inputs):
    """The project's part the task was sent, as a folder (the project's place) for the block."""
    digest = inputs.digest()
    with _lock:  # made by one thread at a time: the chapters of a book running beside each other share it
        kept = _folders.pop(digest, None) or [_make(inputs), 0]
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


def publication(inputs: Inputs) -> Path:
    """The folder of a publication's task, made again for this one (the
    caller holds the process's one_at_a_time lock), with nothing of the last."""
    root = store() / "publication" / "project"
    shutil.rmtree(root, ignore_errors=True)
    with _lock:
        return _make(inputs, root)


def _make(inputs: Inputs, root: Path | None = None) -> Path:
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="task-", dir=store())) / "project"
    root.mkdir(parents=True, exist_ok=True)
    for rel in sorted(inputs.entries):
        if not _safe(rel):
            raise ValueError(f"a task was sent a file outside its project: {rel!r}")
        _put(root / rel, rel, inputs.entries[rel])
    return root


def _put(path: Path, rel: str, entry: Entry) -> None:
    if entry.kind == ABSENT:
        return  # missing in the project too: the worker finds it so
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
            os.link(_blob(entry.data), path)
        else:
            shutil.copyfile(_blob(entry.data), path)
            os.utime(path, (entry.mtime, entry.mtime))
    elif entry.kind == OTHER:
        os.mkfifo(path)
    elif entry.kind == UNREADABLE:
        path.touch()  # listed as in the project; refused when read (unreadable_in)


def _remove(root: Path) -> None:
    shutil.rmtree(root.parent, ignore_errors=True)


def not_sent(root: Path, inputs: Inputs):
    """For confine.noting_missing: whether a missing file may be one of the
    project's the task was not sent (not one inside a folder sent whole)."""
    top = os.path.abspath(root)

    def wanted(path: str) -> bool:
        if not path.startswith(top + os.sep):
            return False
        rel = place(root, path)
        folders = (p.as_posix() for p in Path(rel).parents if p.as_posix() != ".")
        return rel not in inputs.entries and not any(inputs.entries.get(f) == Entry(FOLDER) for f in folders)

    return wanted


def unreadable_in(root: Path, inputs: Inputs) -> dict[str, str]:
    """For confine.noting_missing: the files the client could not read, by their real path here, with why."""
    real = os.path.realpath(root)
    return {os.path.join(real, rel): e.data for rel, e in inputs.entries.items() if e.kind == UNREADABLE}


def place(root: Path, path: str) -> str:
    """The place in the project of a path inside root."""
    return Path(path).relative_to(os.path.abspath(root)).as_posix()
