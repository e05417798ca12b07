"""Engine piece 'library search': WeasyPrint's shared libraries loaded without a
slow search for names that do not exist.

WeasyPrint (``weasyprint.text.ffi``, when it is imported) asks cffi for each
library under several names, most of which no Linux system has
('libgobject-2.0-0', 'gobject-2.0-0', ...), and for each cffi calls
``ctypes.util.find_library``, which runs ldconfig, gcc and ld in
subprocesses before it gives up: about a tenth of a second of every cold
start. WeasyPrint has no setting for the names, so while it is imported
``ctypes.util.find_library`` is replaced: a name the linker's cache does not
list is answered at once; every other name goes to ctypes as before.
Nothing is changed where libraries may live outside that cache
(LD_LIBRARY_PATH set, or no ldconfig).

Upstream: try the platform's usual name first ('libgobject-2.0.so.0' on
Linux) and stop at the first that loads; or let the names be set (as
``WEASYPRINT_DLL_DIRECTORIES`` sets the folders on Windows).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import shutil
import subprocess

PIECE = "library search"


def _listed() -> str | None:
    """The linker cache's listing (ldconfig -p), or None when it cannot be read."""
    ldconfig = shutil.which("ldconfig") or next(
        (p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(p)), None
    )
    if ldconfig is None or os.environ.get("LD_LIBRARY_PATH") or os.environ.get("LIBRARY_PATH"):
        return None
    try:
        done = subprocess.run(
            [ldconfig, "-p"], capture_output=True, text=True, timeout=10, env={**os.environ, "LC_ALL": "C", "LANG": "C"}
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None


@contextlib.contextmanager
def quick_library_search():
    """While WeasyPrint is imported, names the linker's cache does not list are not searched for."""
    listing = _listed() if os.name == "posix" else None
    if listing is None:
        yield
        return
    find = ctypes.util.find_library

    def find_listed(name: str) -> str | None:
        return find(name) if f"lib{name}." in listing else None

    ctypes.util.find_library = find_listed
    try:
        yield
    finally:
        ctypes.util.find_library = find
