"""A folder as one reproducible tar file, and back.

Entries are sorted, with one fixed time, owner 0:0 without names and
modes 0644/0755, so the same folder contents give the same bytes wherever
and whenever they are packed. Uncompressed: the payload (EPUB, PDF) is
compressed already, and any tar reads it.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path, PurePosixPath


def pack(folder: Path, mtime: int) -> bytes:
    """The tar of `folder`, whose name becomes the archive's one top-level entry."""
    entries = [folder] + sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix())
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in entries:
            info = tarfile.TarInfo(path.relative_to(folder.parent).as_posix())
            info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "", ""
            if path.is_dir():
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                data = path.read_bytes()
                info.mode, info.size = 0o644, len(data)
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class UnsafeArchive(ValueError):
    pass


def unpack(archive: Path, into: Path) -> Path:
    """Extract a tar made by pack() into `into`; return its top-level folder.

    Only plain files and folders under one top-level folder are accepted:
    no links, devices, absolute paths or '..', whatever the archive says."""
    with tarfile.open(archive, mode="r:") as tar:
        members = tar.getmembers()
        tops = set()
        for m in members:
            parts = PurePosixPath(m.name).parts
            if not parts or m.name.startswith("/") or ".." in parts or not (m.isfile() or m.isdir()):
                raise UnsafeArchive(f"{archive.name}: refusing the entry '{m.name}'")
            tops.add(parts[0])
        if len(tops) != 1:
            raise UnsafeArchive(f"{archive.name}: expected one top-level folder, found {len(tops)}")
        for m in members:
            target = into.joinpath(*PurePosixPath(m.name).parts)
            if m.isdir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                content = tar.extractfile(m)
                assert content is not None  # a regular file: the check above refused every other kind
                target.write_bytes(content.read())
    return into / tops.pop()
