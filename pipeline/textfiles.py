"""The text files of a publication, found and decoded: here and nowhere else.

Used by the loading stage (sources.py) and by the layouts of other tools
(layouts/), below both.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from . import confine, xmlchars
from .errors import Diagnostics

MAX_SOURCE_BYTES = 20 * 1024 * 1024  # a Markdown file larger than this is surely a mistake


def listed(folder: Path, diags: Diagnostics) -> list[Path]:
    """The entries of a folder in name order; one that cannot be listed is an error."""
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        diags.error(
            f"the folder cannot be read: {exc.strerror or exc}",
            folder,
            hint="let your user read the folder (chmod a+rx)",
        )
        return []


def is_candidate(path: Path) -> bool:
    """Whether a file found by its name is read. A hidden one only when it is
    a plain file: an editor's lock file (.#chapter.md) is a link to nowhere."""
    return not path.name.startswith(".") or path.is_file()


def read_text(path: Path, diags: Diagnostics, within: Path, scope: str = confine.FOLDER) -> str | None:
    """Read a text source inside ``within`` (confine.py): UTF-8, or UTF-16/32
    with a byte order mark. The first undecodable byte is reported by line and
    column; characters no edition can carry are taken out with a warning at
    each place (xmlchars.py)."""
    real = confine.confined(path, diags, within, scope)
    if real is None:
        return None
    try:
        size = real.stat().st_size
        if size > MAX_SOURCE_BYTES:
            diags.error(
                f"the file is {size / 1048576:.1f} MiB, over the limit of {MAX_SOURCE_BYTES // 1048576} MiB",
                path,
                1,
                hint="split it into chapters",
            )
            return None
        data = confine.read_bytes(real, within, scope)
    except OSError as exc:
        diags.error(f"the file cannot be read: {exc.strerror or exc}", path, hint="check the file and the disk")
        return None
    text = _decode(data, path, diags)
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned, uncarried = xmlchars.clean(text)
    xmlchars.report(text, uncarried, path, diags)
    return cleaned


# A byte order mark says which encoding a file is in: UTF-16 and UTF-32 are
# read as they say (the longer marks first: UTF-32-LE's begins with UTF-16-LE's).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(data: bytes, path: Path, diags: Diagnostics) -> str | None:
    """The file's text: UTF-8, or what its byte order mark names. The first
    byte that does not decode is reported by line and column."""
    encoding = next((name for bom, name in BOMS if data.startswith(bom)), "utf-8")
    if encoding == "utf-8" and data.count(0) > len(data) // 10:
        diags.error(
            "the file is not UTF-8 text: it is full of NUL bytes (UTF-16 without a byte order mark, "
            "or not text at all)",
            path,
            1,
            hint="save the file as UTF-8 in your editor",
        )
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            diags.error(
                f"the file says it is {encoding.upper().removesuffix('-SIG')} but byte {exc.start + 1} does not decode",
                path,
                1,
                hint="save the file as UTF-8 in your editor",
            )
            return None
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.error(
            f"byte 0x{data[exc.start]:02x} is not UTF-8",
            path,
            line,
            column,
            hint="save the file as UTF-8 in your editor",
        )
        return None
