"""What a task on a cluster is sent (run/remote.py): the files of its
publication as entries by their place in the project, each file named by
the digest of its bytes. The bytes reach the cluster once per build, as
blobs, and each worker once (it keeps them); a worker rebuilds the
project's part a task needs from them (run/sandbox.py) and reads nothing
else.

A task is sent its publication's folder and the project's styles/. A
file the sources name elsewhere in the project (a shared image, an
included file) is found missing on the worker, which names it; it is sent
with the task when the task is tried again. Links are sent as links, so a
worker refuses what the build here would refuse, for the same reason.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .. import styles

FILE, HOUSE, LINK, FOLDER, OTHER, ABSENT = "file", "house", "link", "folder", "other", "absent"
UNREADABLE = "unreadable"  # a file this machine may not read: the worker refuses it as the build here would


def blob_key(digest: str) -> str:
    """A blob's key on the cluster: the same bytes, the same key, sent once."""
    return f"pressroom-blob-{digest}"


def given(data: bytes) -> bytes:
    """The task that holds a blob on the cluster (run again from the task if its worker is lost)."""
    return data


@dataclass(frozen=True)
class Entry:
    kind: str  # one of the seven above; HOUSE: a styles/ file with the bytes of the house's, not sent
    data: str = ""  # the digest of a FILE or HOUSE, the text of a LINK, why an UNREADABLE file is
    mtime: int = 0  # a FILE's time: a publication with neither date nor commit is dated by its newest file


@dataclass
class Inputs:
    """A task's files, by their place in the project (a POSIX path)."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def digest(self) -> str:
        h = hashlib.sha256()
        for rel in sorted(self.entries):
            e = self.entries[rel]
            h.update(f"{rel}\0{e.kind}\0{e.data}\0{e.mtime}\n".encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def blobs(self) -> set[str]:
        """The digests whose bytes the task needs sent."""
        return {e.data for e in self.entries.values() if e.kind == FILE}


class Collector:
    """Finds each task's inputs in the project; keeps where each digest's bytes are."""

    def __init__(self, project: Path):
        self.project = Path(os.path.abspath(project))
        self.real = Path(os.path.realpath(project))
        self.paths: dict[str, Path] = {}  # digest: a file with those bytes
        self._known: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns): digest
        self._house = {rel: _digest(p) for rel, p in styles.house_files().items()}

    def inputs(self, folder: Path) -> Inputs:
        found = Inputs()
        self._add(found, Path(os.path.abspath(folder)))
        self._add(found, self.project / styles.STYLES)
        return found

    def add(self, found: Inputs, wanted: list[str]) -> bool:
        """Add the files a worker found missing; whether any was new to the task.
        A link on the way is sent as a link (with what it leads to, when that
        is in the project), never followed out of it."""
        before = len(found.entries)
        for rel in wanted:
            if not _safe(rel) or rel in found.entries:
                continue
            path = self.project
            for part in rel.split("/"):
                path = path / part
                if os.path.islink(path):
                    self._add(found, path)
                    break
            else:
                self._add(found, path)
                found.entries.setdefault(rel, Entry(ABSENT))
        return len(found.entries) > before

    def read(self, digest: str) -> bytes:
        """The bytes of a digest, read again: a file changed since it was hashed is refused."""
        path = self.paths[digest]
        data = _read(path)
        if hashlib.sha256(data).hexdigest() != digest:
            raise OSError(errno.ESTALE, "the file changed while the build ran", str(path))
        return data

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.project).as_posix()

    def _add(self, found: Inputs, path: Path) -> None:
        """The file, folder or link at path (inside the project), with what a link leads to."""
        rel = self._rel(path)
        if rel in found.entries:
            return
        for parent in path.relative_to(self.project).parents:  # a folder whose link was sent
            if parent.as_posix() != "." and found.entries.get(parent.as_posix(), Entry(FOLDER)).kind != FOLDER:
                return
        try:
            status = os.lstat(path)
        except (OSError, ValueError):
            found.entries[rel] = Entry(ABSENT)
            return
        if stat.S_ISLNK(status.st_mode):
            self._link(found, path, rel)
        elif stat.S_ISDIR(status.st_mode):
            found.entries[rel] = Entry(FOLDER)
            try:
                names = sorted(os.listdir(path))
            except OSError:
                return
            for name in names:
                if name != "__pycache__":
                    self._add(found, path / name)
        elif stat.S_ISREG(status.st_mode):
            found.entries[rel] = self._file(path, rel, status)
        else:
            found.entries[rel] = Entry(OTHER)

    def _link(self, found: Inputs, path: Path, rel: str) -> None:
        text = os.readlink(path)
        target = Path(os.path.realpath(path))
        inside = target.is_relative_to(self.real)
        if inside:
            # Made relative, straight to its file, so that it leads to the same
            # file in the worker's copy (which has another place, and no links on the way).
            text = os.path.relpath(self.project / target.relative_to(self.real), path.parent)
        found.entries[rel] = Entry(LINK, text)
        if inside and target != self.real:
            self._add(found, self.project / target.relative_to(self.real))

    def _file(self, path: Path, rel: str, status: os.stat_result) -> Entry:
        known = (str(path), status.st_size, status.st_mtime_ns)
        digest = self._known.get(known)
        if digest is None:
            try:
                digest = self._known[known] = hashlib.sha256(_read(path)).hexdigest()
            except OSError as exc:
                return Entry(UNREADABLE, exc.strerror or str(exc))
        if rel.startswith(styles.STYLES + "/") and self._house.get(rel[len(styles.STYLES) + 1 :]) == digest:
            return Entry(HOUSE, digest)
        self.paths.setdefault(digest, path)
        return Entry(FILE, digest, int(status.st_mtime))


def _digest(path: Path) -> str:
    return hashlib.sha256(_read(path)).hexdigest()


def _read(path: Path) -> bytes:
    """A plain file's bytes: a link or a pipe put in its place is not followed nor waited on."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a plain file", str(path))
        return handle.read()


def _safe(rel: str) -> bool:
    """A place inside the project: relative, with no way up."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and ".." not in parts and "" not in parts and "." not in parts
