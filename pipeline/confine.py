"""One door for every file a build reads.

A file is read only when, links followed, it is a plain file inside the
folder it belongs to (the project, or the publication's folder) and can be
read. Anything else is refused with a located error saying what the file
is and where its link leads: no byte from elsewhere reaches an edition, and
a build never waits on a named pipe or a device.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT = "the project"
FOLDER = "the publication's folder"


@dataclass(frozen=True)
class Refusal:
    reason: str  # completes "<what> ...": "is a folder, not a file"
    hint: str


class Refused(OSError):
    """A file that was refused (raised by read_bytes)."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.reason)
        self.refusal = refusal


# Opened without waiting (a pipe put in a file's place is not waited on), and not inherited.
_OPEN = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def printable(text: str) -> str:
    """A name as a message may show it: control characters escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _shown(path: Path, within: Path) -> str:
    try:
        return printable(Path(os.path.abspath(path)).relative_to(os.path.abspath(within)).as_posix())
    except ValueError:
        return printable(str(path))


def _first_link(path: Path, within: Path) -> tuple[str, str, bool] | None:
    """The first link on the way to the file (the file itself or one of its
    folders) below ``within``: its name, what it says, whether that exists."""
    top = os.path.abspath(within)
    current = Path(path.anchor) if path.is_absolute() else Path()
    for part in path.parts[1 if path.is_absolute() else 0 :]:
        current = current / part
        if not os.path.abspath(current).startswith(top + os.sep):
            continue
        try:
            if os.path.islink(current):
                return _shown(current, within), printable(os.readlink(current)), os.path.exists(current)
        except OSError:
            return None
    return None


# On a cluster's worker (run/remote.py): which missing files to note (some
# may be files of the project the task was not sent), the list they go
# into, and the files the client could not read, by real path, with why.
@dataclass
class _AsSent:
    wanted: Callable[[str], bool]
    found: list[str]
    unreadable: Mapping[str, str]


_as_sent: contextvars.ContextVar[_AsSent | None] = contextvars.ContextVar("as_sent", default=None)


@contextlib.contextmanager
def noting_missing(wanted: Callable[[str], bool], unreadable: Mapping[str, str] | None = None) -> Iterator[list[str]]:
    """Within the block, the absolute path of each file checked and found
    missing for which wanted(path) is true, in the list given; and each
    file named in ``unreadable`` refused as unreadable, for the reason given."""
    found: list[str] = []
    token = _as_sent.set(_AsSent(wanted, found, unreadable or {}))
    try:
        yield found
    finally:
        _as_sent.reset(token)


def missing_noted() -> bool:
    """Whether a file was found missing within noting_missing()."""
    sent = _as_sent.get()
    return sent is not None and bool(sent.found)


def check(path: Path, within: Path, scope: str = PROJECT) -> Path | Refusal:
    """The file's real path when it may be read, or why it may not."""
    try:
        return _check(Path(path), within, scope)
    except ValueError:  # a NUL in the name
        return Refusal("is not a possible file name", "check the file name")


def _check(path: Path, within: Path, scope: str) -> Path | Refusal:
    link = _first_link(path, within)
    through = f": {link[0]} is a link to {link[1]}" if link else ""
    real = Path(os.path.realpath(path))  # not strict: a loop or a missing file still gives a path
    if not real.is_relative_to(os.path.realpath(within)):
        return Refusal(
            f"leads outside {scope}{through}; it was not read" if link else f"is outside {scope}",
            f"copy the file into {scope} instead of linking to it"
            if link
            else f"copy the file into {scope} and give its path from there",
        )
    try:
        status = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Refusal(
                f"cannot be followed: {link[0] if link else 'a link on its way'} is part of a loop of links",
                "point the link at a file, or put the file in its place",
            )
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            if (sent := _as_sent.get()) is not None and sent.wanted(missing := os.path.abspath(real if link else path)):
                sent.found.append(missing)
            dangling = link is not None and not link[2]
            return Refusal(
                f"does not exist{through + ', which does not exist' if dangling else ''}",
                "check the file name and its folder",
            )
        return _unreadable(exc)
    if stat.S_ISDIR(status.st_mode):
        return Refusal("is a folder, not a file", "give the path of a file")
    if (sent := _as_sent.get()) is not None and str(real) in sent.unreadable:
        return _unreadable(OSError(errno.EACCES, sent.unreadable[str(real)]))
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a plain file")
        return Refusal(f"is {kind}, not a plain file; it was not read", "put a plain file in its place")
    try:
        os.close(os.open(real, _OPEN))
    except OSError as exc:
        return _unreadable(exc)
    return real


def _unreadable(exc: OSError) -> Refusal:
    if isinstance(exc, PermissionError):
        return Refusal("cannot be read: permission denied", "let your user read the file (chmod a+r)")
    return Refusal(f"cannot be read: {exc.strerror or exc}", "check the file and the disk")


def confined(
    path: Path,
    diags,
    within: Path,
    scope: str = PROJECT,
    *,
    what: str = "the file",
    at: Path | None = None,
    line: int | None = None,
    column: int | None = None,
    hint: str | None = None,
) -> Path | None:
    """The file's real path, or None with a located error: at the file itself,
    or at ``at``/``line`` where it is named (``what`` says how: "image 'a.png'").
    ``hint`` replaces the hint for a file that does not exist."""
    found = check(path, within, scope)
    if isinstance(found, Path):
        return found
    missing = found.reason.startswith("does not exist")
    diags.error(
        printable(f"{what} {found.reason}"),
        at if at is not None else path,
        line,
        column,
        hint=hint if missing and hint else found.hint,
    )
    return None


def real_path(path: Path) -> Path | None:
    """The path with links followed; None for a name no file can have (a NUL in it)."""
    try:
        return Path(os.path.realpath(path))
    except ValueError:
        return None


def leading_out(folder: Path, within: Path) -> list[tuple[Path, str]]:
    """The links in ``folder`` to folders outside ``within``, with what they say."""
    if not folder.is_dir():
        return []
    root = os.path.realpath(within)
    return [
        (p, printable(os.readlink(p)))
        for p in sorted(folder.iterdir())
        if p.is_symlink() and p.is_dir() and not Path(os.path.realpath(p)).is_relative_to(root)
    ]


def allowed(path: Path, within: Path) -> bool:
    """Whether the file may be read (the writers' filter: problems were reported when reading)."""
    return isinstance(check(path, within), Path)


def read_bytes(path: Path, within: Path, scope: str = PROJECT) -> bytes:
    """The bytes of a file that may be read; Refused otherwise. The file is
    opened without waiting and checked again once open, so one swapped for
    a pipe between the check and the reading is not waited on."""
    found = check(path, within, scope)
    if isinstance(found, Refusal):
        raise Refused(found)
    fd = os.open(found, _OPEN)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused(Refusal("is not a plain file; it was not read", "put a plain file in its place"))
        return handle.read()
