"""Characters drawn with no glyph: a font's .notdef box where a letter
should be. A PDF maps each glyph it draws to its text (ToUnicode); a glyph
number the embedded font program does not hold, or glyph 0, is drawn as
.notdef whatever text it stands for. U+FFFD, the mark Pressroom prints for
a character no font has, is found in the text itself (pages.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _to_unicode(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap's glyph codes and their text (bfchar and bfrange)."""
    found: dict[int, str] = {}

    def text(hexes: bytes) -> str:
        raw = bytes.fromhex(hexes.decode())
        return raw.decode("utf-16-be", errors="replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        codes = _HEX.findall(block)
        for code, value in zip(codes[::2], codes[1::2]):
            found[int(code, 16)] = text(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = ord(text(value)[-1]) if text(value) else 0
            prefix = text(value)[:-1]
            for n, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                found[code] = prefix + chr(start + n)
    return found


def _glyph_count(descendant) -> int | None:
    from fontTools.ttLib import TTFont

    descriptor = descendant.get("/FontDescriptor")
    program = descriptor.get("/FontFile2") if descriptor is not None else None
    if program is None:
        return None
    try:
        return TTFont(io.BytesIO(program.read_bytes()), lazy=True)["maxp"].numGlyphs
    except Exception:  # a font program fontTools cannot read is not this check's to judge
        return None


def notdef(path: Path) -> dict[str, set[str]]:
    """{font name: the characters it draws as .notdef}, for the Type 0 fonts
    with an identity glyph map (as WeasyPrint writes them)."""
    import pikepdf

    missing: dict[str, set[str]] = {}
    seen: set[tuple[int, int]] = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in _fonts(page.obj.get("/Resources")):
                if font.objgen in seen or font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
                    continue
                seen.add(font.objgen)
                descendant = font["/DescendantFonts"][0]
                if str(descendant.get("/CIDToGIDMap", "/Identity")) != "/Identity":
                    continue
                count = _glyph_count(descendant)
                if count is None:
                    continue
                name = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
                chars = {
                    t for code, t in _to_unicode(font["/ToUnicode"].read_bytes()).items() if code == 0 or code >= count
                }
                if chars:
                    missing.setdefault(name, set()).update(chars)
    return missing


def _fonts(resources, depth: int = 0):
    """The fonts of a page's resources and of the forms it draws."""
    if resources is None or depth > 8:
        return
    yield from (resources.get("/Font") or {}).values()
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"), depth + 1)
