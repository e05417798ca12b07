"""The output folder's side of a build: each publication's editions are
staged, complete, in a folder of the output folder's own, then moved into
place as one set together with their SHA256SUMS entries.

A set replaces the editions it holds all together or not at all: when
moving one of them fails, or the build is interrupted while they are moved,
those already moved are put back as they were. A publication whose editions
were not all made leaves nothing but its staging folder, which the build
removes, so its previous editions stay as they were.

Only the standard library is imported here.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import tempfile
from pathlib import Path

STAGING_PREFIX = ".pressroom-staging-"  # `pressroom clean` removes what a killed build left


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    per publication. Nothing is created until the first edition is staged,
    and everything (the output folder too, when the build made it and left
    it empty) is removed when the build ends, however it ends."""

    def __init__(self, out: Path):
        self.out = out
        self.folder = out / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
        self._made_out = not out.exists()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.folder, ignore_errors=True)
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
    from .archive import checksums

    manifest = staged[0].parent / checksums.NAME
    try:
        write_atomically(manifest, checksums.updated(out, staged))
    except OSError as exc:
        raise Unwritable(out, exc) from exc
    replace_set(out, [*staged, manifest])


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
