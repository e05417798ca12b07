"""WeasyPrint's functions replaced for the layouts of one thread only.

The page loop and the late folios replace a module global of WeasyPrint
while a document is laid out. A Dask worker lays out several documents at
once in threads of one process (a book's parts, one of them waiting for the
others), so the replacement must not reach the other threads' layouts: the
global is replaced by a dispatcher while any thread needs it, and the
dispatcher calls, for each thread, its own replacement or the original.
"""

from __future__ import annotations

import contextlib
import functools
import threading

_lock = threading.Lock()
_local = threading.local()
_users: dict[tuple[int, str], list] = {}  # (module, name) -> [original, threads using it]


@contextlib.contextmanager
def replaced(module, name: str, replacement, **keywords):
    """While the block runs, this thread's calls of ``module.name(...)`` go to
    ``replacement(..., original=the function replaced, **keywords)``; other
    threads' to what they had."""
    key = (id(module), name)
    with _lock:
        if key not in _users:
            original = getattr(module, name)
            _users[key] = [original, 0]
            setattr(module, name, functools.partial(_dispatch, key, original))
        _users[key][1] += 1
    mine = getattr(_local, "calls", None)
    if mine is None:
        mine = _local.calls = {}
    previous = mine.get(key)
    mine[key] = functools.partial(replacement, original=_users[key][0], **keywords)
    try:
        yield
    finally:
        if previous is None:
            del mine[key]
        else:
            mine[key] = previous
        with _lock:
            _users[key][1] -= 1
            if not _users[key][1]:
                setattr(module, name, _users.pop(key)[0])


def _dispatch(key, original, *args, **kwargs):
    call = getattr(_local, "calls", {}).get(key)
    return (call or original)(*args, **kwargs)
