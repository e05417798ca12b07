"""Writing a file so that a reader sees either its old bytes or all its new
ones, never part of them: a temporary file beside it, flushed to the disk,
then renamed over it. The editions, SHA256SUMS and the build cache are
written this way.

Only the standard library is imported here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes, durable: bool = True) -> None:
    """durable: flushed to the disk before the rename, so that a power cut
    leaves the old bytes or the new ones. A file that only saves work (the
    cache) need not wait for the disk: at worst it is unreadable and ignored."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
