"""One embedded font program per font in a book joined from parts (join.py).

Each part's PDF embeds its own subset of every font it uses, so a book of
sixty chapters carries sixty subsets of its text face. WeasyPrint subsets
TrueType fonts keeping each glyph at its place (glyph id = character id,
``/CIDToGIDMap /Identity``), and names a font's resources alike in every
part: the subsets of one font can be made one, holding every glyph any part
uses, with their widths and their Unicode map, and every page pointed at it.
A font that is not such a TrueType subset is left as it is.
"""

from __future__ import annotations

import io
import re

import pikepdf
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def merge(out: pikepdf.Pdf) -> None:
    """Give every page's font resources one merged font per font."""
    resources = _font_resources(out)
    found: dict[str, dict] = {}  # BaseFont -> {objgen: font}
    for fonts in resources:
        for font in fonts.values():
            found.setdefault(str(font.get("/BaseFont")), {})[font.objgen] = font
    for fonts in found.values():
        if len(fonts) < 2:
            continue
        merged = _merged(out, list(fonts.values()))
        if merged is None:
            continue
        for table in resources:
            for key, font in table.items():
                if font.objgen in fonts:
                    table[key] = merged


def _font_resources(out) -> list:
    """The distinct /Font dictionaries of the pages' resources."""
    seen, found = set(), []
    for page in out.pages:
        fonts = page.obj.get("/Resources", Dictionary()).get("/Font")
        if fonts is None:
            continue
        key = fonts.objgen if fonts.is_indirect else id(fonts)
        if key not in seen:
            seen.add(key)
            found.append(fonts)
    return found


def _descendant(font):
    if font.get("/Subtype") != Name.Type0:
        return None
    cid = font.DescendantFonts[0]
    if cid.get("/Subtype") != Name.CIDFontType2 or cid.get("/CIDToGIDMap") != Name.Identity:
        return None
    if "/FontFile2" not in cid.get("/FontDescriptor", Dictionary()) or "/ToUnicode" not in font:
        return None
    return cid


def _merged(out, fonts: list):
    """The first font, holding the glyphs, widths and Unicode of them all; None if they cannot be merged."""
    cids = [_descendant(font) for font in fonts]
    if any(cid is None for cid in cids):
        return None
    # The subsets' own timestamp kept: saving would stamp the font with the time of the build.
    programs = [TTFont(io.BytesIO(cid.FontDescriptor.FontFile2.read_bytes()), recalcTimestamp=False) for cid in cids]
    if any("glyf" not in program for program in programs):
        return None
    programs.sort(key=lambda program: -program["maxp"].numGlyphs)
    base = programs[0]
    # Glyph names differ from subset to subset (they come from each one's
    # character map): glyphs are matched by id, and copied still compiled,
    # so that a composite's components stay ids too.
    order, glyphs, hmtx = base.getGlyphOrder(), base["glyf"].glyphs, base["hmtx"]
    for program in programs[1:]:
        theirs, their_glyphs = program.getGlyphOrder(), program["glyf"].glyphs
        if len(theirs) > len(order):
            return None
        for gid, name in enumerate(theirs):
            if _drawn(their_glyphs[name]) and not _drawn(glyphs[order[gid]]):
                glyphs[order[gid]] = their_glyphs[name]
                hmtx[order[gid]] = program["hmtx"][name]
    data = io.BytesIO()
    base.save(data)
    program_stream = pikepdf.Stream(out, data.getvalue())
    program_stream.Length1 = len(data.getvalue())
    widths: dict[int, object] = {}
    unicode: dict[int, bytes] = {}
    for font, cid in zip(fonts, cids):
        widths.update(_widths(cid.get("/W", Array())))
        unicode.update(_bfchars(font.ToUnicode.read_bytes()))
    first, first_cid = fonts[0], cids[0]
    first_cid.FontDescriptor.FontFile2 = out.make_indirect(program_stream)
    first_cid.W = _width_array(widths)
    first.ToUnicode = out.make_indirect(pikepdf.Stream(out, _cmap(unicode)))
    return first


def _drawn(glyph) -> bool:
    """A glyph with an outline (still compiled, or not)."""
    return bool(getattr(glyph, "data", b"")) or getattr(glyph, "numberOfContours", 0) != 0


def _widths(array) -> dict[int, object]:
    """{glyph id: width} of a /W array (``c [w1 w2 ...]`` or ``c1 c2 w``)."""
    found: dict[int, object] = {}
    items, n = list(array), 0
    while n < len(items):
        start = int(items[n])
        if isinstance(items[n + 1], Array):
            for offset, width in enumerate(items[n + 1]):
                found[start + offset] = width
            n += 2
        else:
            for gid in range(start, int(items[n + 1]) + 1):
                found[gid] = items[n + 2]
            n += 3
    return found


def _width_array(widths: dict[int, object]) -> Array:
    """A /W array of runs of consecutive glyph ids."""
    out: list = []
    run: list = []
    start = previous = None
    for gid in sorted(widths):
        if previous is not None and gid == previous + 1:
            run.append(widths[gid])
        else:
            if run:
                out += [start, Array(run)]
            start, run = gid, [widths[gid]]
        previous = gid
    if run:
        out += [start, Array(run)]
    return Array(out)


def _bfchars(cmap: bytes) -> dict[int, bytes]:
    return {int(glyph, 16): text for glyph, text in _BFCHAR.findall(cmap.split(b"endcodespacerange", 1)[-1])}


def _cmap(unicode: dict[int, bytes]) -> bytes:
    """A ToUnicode CMap as WeasyPrint writes them."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(unicode.items())
    for at in range(0, len(items), 100):
        batch = items[at : at + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
