"""The output folder's side of a build: each publication's editions are
staged, complete, in a folder of the output folder's own, then moved into
place as one set together with their SHA256SUMS entries.

A set replaces the editions it holds all together or not at all: when
moving one of them fails, or the build is interrupted while they are moved,
those already moved are put back as they were. A publication whose editions
were not all made leaves nothing but its staging folder, which the build
removes, so its previous editions stay as they were.

A build killed outright (kill -9, a power cut) cannot put anything back.
So before the first file of a set is moved, the set's list is written
beside it (a journal): the next build, before anything else, moves the
rest of a set whose journal it finds, and removes every staging folder
that no running build holds (each build holds a lock on its own).
`pressroom verify` names what such a build left.

Only the standard library is imported here, and the checksums' module
when a set is placed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
from pathlib import Path

from ..atomic import write_atomically
from ..output_folder import JOURNAL, STAGING_PREFIX, held, journal, left_over


@contextlib.contextmanager
def locked(folder: Path):
    """An exclusive lock on the output folder itself (no lock file to leave behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class Unwritable(Exception):
    """An edition could not be written into the output folder (a full disk, a read-only folder)."""

    def __init__(self, path: Path, error: OSError):
        super().__init__(f"{path}: {error.strerror or error}")
        self.path, self.error = path, error


class Staging:
    """One build's staging folder, OUT/.pressroom-staging-XXXX/, with a folder
    per publication. Nothing is created until open() (a build with nothing
    to make leaves the output folder untouched); from then on the build
    holds a lock on it, so that another build knows it is not left over.
    Everything (the output folder too, when the build made it and left it
    empty) is removed when the build ends, however it ends."""

    def __init__(self, out: Path):
        self.out = out
        self.folder = out / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
        self._made_out = not out.exists()
        self._held: int | None = None

    def open(self) -> None:
        """Make the staging folder and hold it; Unwritable when the output folder cannot be written."""
        try:
            self.out.mkdir(exist_ok=True)
            self.folder.mkdir()
            self._held = os.open(self.folder, os.O_RDONLY)
        except OSError as exc:
            raise Unwritable(self.out, exc) from exc
        with contextlib.suppress(OSError):  # a file system without locks: others then leave it be (_held)
            fcntl.flock(self._held, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.folder, ignore_errors=True)
        if self._held is not None:
            os.close(self._held)
            self._held = None
        if self._made_out:
            with contextlib.suppress(OSError):
                self.out.rmdir()  # only when empty: nothing was built

    def of(self, slug: str) -> Path:
        return self.folder / slug

    def discard(self, slug: str) -> None:
        """What is left of a publication's staging once it was placed or failed."""
        shutil.rmtree(self.of(slug), ignore_errors=True)


def stage(staging: Path, slug: str, name: str, data: bytes) -> Path:
    """Write one edition, complete and on disk, into its publication's
    folder of the staging folder (which is in the output folder)."""
    path = staging / slug / name
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise Unwritable(staging.parent, exc) from exc
    return path


def publish(out: Path, staged: list[Path]) -> None:
    """Move one publication's staged editions into out as one set, with
    SHA256SUMS updated for them (and its other entries kept). Call under
    the output folder's lock."""
    from ..archive import checksums

    manifest = staged[0].parent / checksums.NAME
    journal = staged[0].parent / JOURNAL
    try:
        write_atomically(manifest, checksums.updated(out, staged))
        write_atomically(journal, json.dumps([p.name for p in staged]).encode())
    except OSError as exc:
        raise Unwritable(out, exc) from exc
    try:
        replace_set(out, [*staged, manifest])
    finally:
        journal.unlink(missing_ok=True)  # placed, or put back as it was


def replace_set(out: Path, staged: list[Path]) -> None:
    """Move the staged files into out (each under its own name), all or none.
    Call under the output folder's lock."""
    keep = staged[0].parent / ".previous"
    saved: dict[str, Path] = {}
    moved: list[str] = []
    try:
        keep.mkdir(exist_ok=True)
        for path in staged:
            target = out / path.name
            if os.path.lexists(target):
                saved[path.name] = keep / path.name
                try:
                    os.link(target, keep / path.name, follow_symlinks=False)
                except OSError:  # a file system without hard links
                    shutil.copy2(target, keep / path.name, follow_symlinks=False)
        for path in staged:
            os.replace(path, out / path.name)
            moved.append(path.name)
    except BaseException as exc:
        for name in reversed(moved):
            if name in saved:
                os.replace(saved[name], out / name)
            else:
                (out / name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise Unwritable(out, exc) from exc
        raise


# --- what a stopped build left ------------------------------------------------------


def recover(out: Path) -> list[str]:
    """Finish what stopped builds left in out: move the rest of each set whose
    placement had begun (and bring SHA256SUMS up to date for it), then remove
    their staging folders. Returns the publications whose sets were
    completed. Staging folders of running builds are left alone."""
    from ..archive import checksums

    stale = [(folder, placing) for folder, placing, held in left_over(out) if not held]
    if not stale:
        return []
    completed = []
    try:
        with locked(out):
            for folder, placing in stale:
                if held(folder):
                    continue
                for slug in placing:
                    names = journal(folder / slug) or []
                    for name in names:
                        staged = folder / slug / name
                        # Only files a build made: a link could bring in a file from elsewhere.
                        if name != checksums.NAME and staged.is_file() and not staged.is_symlink():
                            os.replace(staged, out / name)
                    editions = [out / n for n in names if n != checksums.NAME and (out / n).is_file()]
                    if editions:
                        write_atomically(out / checksums.NAME, checksums.updated(out, editions))
                    completed.append(slug)
                shutil.rmtree(folder, ignore_errors=True)
    except OSError as exc:
        raise Unwritable(out, exc) from exc
    return completed
