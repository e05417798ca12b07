"""A publication's name: whether it can be a folder under source/ on every
system, the portable name made from a folder's name, and the title made from it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Names Windows keeps for devices, with or without an extension (con.txt).
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
NOT_PORTABLE = set('<>:"|?*')
MAX_NAME_BYTES = 255


def name_problem(name: str) -> str | None:
    """Why a publication name cannot be a folder under source/ on every system, or None."""
    if not name.strip():
        return "the name is empty"
    if "/" in name or "\\" in name:
        return "a publication name is the name of one folder under source/, without '/' or '\\'"
    if name.startswith("."):
        return "a name starting with '.' is hidden, and '.' and '..' are not folders of their own"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "the name holds a control character"
    bad = sorted({c for c in name if c in NOT_PORTABLE})
    if bad:
        return f"the name holds {' '.join(bad)}, which Windows and macOS do not allow in a folder's name"
    if name[-1] in ". " or name[0] == " ":
        return "the name starts with a space or ends with a space or a dot, which Windows drops"
    if name.split(".")[0].lower() in RESERVED:
        return f"'{name.split('.')[0]}' is the name of a device on Windows"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"the name is longer than {MAX_NAME_BYTES} bytes"
    return None


def slug(text: str) -> str:
    """A portable publication name from a folder's name ('Mein Buch!' -> 'mein-buch')."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9_]+", "-", plain).strip("-_")[:80]
    return name if name and not name_problem(name) else "my-publication"


def title_of(folder: Path) -> str:
    """A title from a folder's name ('annual-report' -> 'Annual report')."""
    words = re.sub(r"[-_]+", " ", folder.name).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"
