"""No blank boxes: every character the editions print must be in a committed font.

WeasyPrint draws a character no font has as an empty box and only logs it;
a character the committed fonts lack may also be taken from whatever fonts
the machine has, so the PDF would differ between machines. The cmaps of the
fonts in ``styles/fonts/`` are read with fontTools; text is set in the
proportional fonts (Charis SIL, then DejaVu Serif), code in the fixed-pitch
one (DejaVu Sans Mono) with the text fonts behind it. Each character none of
them covers is a warning naming the character and where it first occurs.
In the print copy of a chapter (``printable``) it becomes U+FFFD REPLACEMENT
CHARACTER, a visible mark where WeasyPrint would leave a blank; the EPUB
keeps the character, for readers whose own fonts may have it.
"""

from __future__ import annotations

import functools
import struct
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

from .. import confine, styles
from ..errors import Diagnostics
from ..model import Publication

CODE = {"code", "pre", "kbd", "samp"}
SET_AS_CODE = {"task-box"}  # classes the style sheets set in the code font (a task list's ballot boxes)
NOT_PRINTED = {"backlink"}  # classes the print edition leaves out
# Default-ignorable characters are never drawn, so need no glyph.
_IGNORED_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x180B, 0x180F), (0x034F, 0x034F))
# Metadata printed on the title and copyright pages.
PRINTED_KEYS = ("title", "subtitle", "author", "creator", "contributor", "publisher", "rights", "toc-title")
# What the print edition shows instead, the first one the text fonts have.
SUBSTITUTES = ("\ufffd", "?")


@functools.lru_cache(maxsize=64)
def _font_info(path: str, stamp: tuple) -> tuple[str, frozenset, bool, str]:
    """(family, characters, fixed pitch, licence) of one font file."""
    font = TTFont(path, lazy=True, fontNumber=0)
    try:
        names = font["name"]
        family = str(names.getDebugName(16) or names.getDebugName(1) or Path(path).stem)
        # isFixedPitch from the post table's header: decompiling the table
        # would parse every glyph name, a third of the time spent here.
        fixed = bool(struct.unpack(">I", font.reader["post"][12:16])[0])
        return (
            family,
            _characters(font),
            fixed,
            _licence(str(names.getDebugName(13) or ""), str(names.getDebugName(14) or "")),
        )
    finally:
        font.close()


# fontTools' order of preference for the Unicode subtable (getBestCmap), HarfBuzz's.
_PREFERRED = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def _characters(font) -> frozenset:
    """The characters the font maps to a glyph other than .notdef, as fontTools'
    getBestCmap gives them. Read straight from the subtable when it is a format 12
    (the committed fonts' own), whose groups are ranges: fontTools' map of each
    character to a glyph name took a cold build of one article 20 ms."""
    try:
        found = _format_12(font.reader["cmap"])
    except struct.error:  # a damaged table: fontTools says what is wrong with it
        found = None
    return _mapped(font) if found is None else found


def _format_12(data: bytes) -> frozenset | None:
    """The characters of the cmap table's preferred Unicode subtable; None when it is not a format 12."""
    records = {}
    for n in range(struct.unpack(">H", data[2:4])[0]):
        platform, encoding, offset = struct.unpack(">HHI", data[4 + 8 * n : 12 + 8 * n])
        records.setdefault((platform, encoding), offset)
    offset = next((records[key] for key in _PREFERRED if key in records), None)
    if offset is None or struct.unpack(">H", data[offset : offset + 2])[0] != 12:
        return None
    length, _, count = struct.unpack(">III", data[offset + 4 : offset + 16])
    if length != 16 + 12 * count or offset + length > len(data):
        return None
    found: set[int] = set()
    last_end = 0
    for start, end, glyph in struct.iter_unpack(">III", data[offset + 16 : offset + length]):
        # As fontTools reads a group: clamped to U+10FFFF, an inverted one or one that
        # starts inside the one before skipped, the first code of a group at glyph 0 left out.
        end = min(end, 0x10FFFF)
        if start > end or start < last_end:
            continue
        last_end = end
        found.update(range(start + (glyph == 0), end + 1))
    return frozenset(found)


def _mapped(font) -> frozenset:
    """The characters of fontTools' best Unicode subtable, whatever its format."""
    # Glyphs by number: the names in the post table are not needed, and
    # reading them takes longer than the character map itself.
    font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
    return frozenset(c for c, g in (font.getBestCmap() or {}).items() if g != "g0")


def _licence(description: str, url: str) -> str:
    if "Open Font License" in description or "OFL" in url:
        return "SIL Open Font License 1.1"
    if "Bitstream" in description:
        return "Bitstream Vera Fonts licence"
    return url or description.split("\n")[0]


def families(project: Path) -> dict[str, tuple[frozenset, bool, str]]:
    """{family: (characters of all its faces, fixed pitch, licence)} of the committed fonts."""
    found: dict[str, tuple[frozenset, bool, str]] = {}
    for path in styles.font_files(project):
        stat = path.stat()
        family, chars, fixed, licence = _font_info(str(path), (stat.st_mtime_ns, stat.st_size))
        known = found.get(family, (frozenset(), fixed, licence))
        found[family] = (known[0] | chars, fixed, licence)
    return found


def coverage(project: Path) -> tuple[frozenset, frozenset] | None:
    """(characters of the text fonts, characters usable in code), or None
    when the project commits no fonts."""
    found = families(project)
    if not found:
        return None
    text = frozenset().union(*(chars for chars, fixed, _ in found.values() if not fixed))
    fixed = frozenset().union(*(chars for chars, fixed, _ in found.values() if fixed))
    return text, text | fixed


def ignorable(char: str) -> bool:
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORED_RANGES)


def describe(char: str) -> str:
    name = unicodedata.name(char, None)
    if name is None:
        name = "a private-use character" if unicodedata.category(char) == "Co" else "an unassigned code point"
        return f"U+{ord(char):04X} ({name})"
    return f"U+{ord(char):04X} {name} ({char})"


def _in_code_font(el) -> bool:
    return el.tag in CODE or bool(SET_AS_CODE & set((el.get("class") or "").split()))


def runs_of(body):
    """(text, in_code) for every piece of printed text, in document order."""

    def walk(el, in_code):
        if not isinstance(el.tag, str) or set((el.get("class") or "").split()) & NOT_PRINTED:
            return
        inside = in_code or _in_code_font(el)
        if el.text:
            yield el.text, inside
        for child in el:
            yield from walk(child, inside)
            if child.tail:
                yield child.tail, inside

    yield from walk(body, False)


def missing(pieces, covered: tuple[frozenset, frozenset]) -> dict[str, int]:
    """{character: occurrences} of the characters no committed font has."""
    text_cover, code_cover = covered
    found: dict[str, int] = {}
    for run, in_code in pieces:
        cover = code_cover if in_code else text_cover
        for char in run:
            if ord(char) > 0x20 and ord(char) not in cover and not ignorable(char):
                found[char] = found.get(char, 0) + 1
    return found


def locate(text: str, char: str, first_line: int = 1) -> tuple[int | None, int | None]:
    """Line and column of the first occurrence of a character, written as
    itself or as an HTML character reference."""
    code = ord(char)
    for needle in (char, f"&#x{code:x};", f"&#x{code:X};", f"&#{code};"):
        index = text.find(needle)
        if index >= 0:
            line_start = text.rfind("\n", 0, index) + 1
            return first_line + text.count("\n", 0, index), index - line_start + 1
    return None, None


def substitute(covered: tuple[frozenset, frozenset]) -> str:
    return next((s for s in SUBSTITUTES if ord(s) in covered[0]), SUBSTITUTES[-1])


def _report(diags: Diagnostics, char: str, count: int, path: Path, line, column, in_code: bool, instead: str) -> None:
    """``instead``: the substitute printed in its place."""
    times = f" ({count} times)" if count > 1 else ""
    fonts = "code" if in_code else "text"
    shown = f"shows {describe(instead)} in its place"
    diags.warning(
        f"no committed font has {describe(char)}{times}: the printed {fonts} {shown}",
        path,
        line,
        column,
        hint="use another character, or add a font that has it to styles/fonts/",
    )


def check(pub: Publication, texts: dict[str, str], project: Path, diags: Diagnostics) -> None:
    covered = coverage(project)
    if covered is None:
        return
    instead = substitute(covered)
    unprinted: set[str] = set()
    metadata_path = pub.sources[0] if pub.sources else None
    if metadata_path is not None and confine.allowed(metadata_path, pub.folder):
        printed = [(str(v), False) for key in PRINTED_KEYS for v in _values(pub.metadata, key)]
        text = metadata_path.read_text(encoding="utf-8", errors="replace")
        for char, count in missing(printed, covered).items():
            unprinted.add(char)
            _report(diags, char, count, metadata_path, *locate(text, char), in_code=False, instead=instead)
    for chapter in pub.chapters:
        own = [
            (str(chapter.meta[k]), False)
            for k in ("title", "subtitle", "author")
            if chapter.meta.get(k) and pub.metadata.kind != "article"
        ]  # a collection piece's head, from its front matter
        if own and confine.allowed(chapter.source, pub.folder):
            head = chapter.source.read_text(encoding="utf-8", errors="replace")
            for char, count in missing(own, covered).items():
                unprinted.add(char)
                _report(diags, char, count, chapter.source, *locate(head, char), in_code=False, instead=instead)
        runs = list(runs_of(chapter.body))
        in_text = missing([r for r in runs if not r[1]], covered)
        in_code = missing([r for r in runs if r[1]], covered)
        if in_text or in_code:
            chapter.unprinted = (frozenset(in_text), frozenset(in_code), instead)
        text = texts.get(chapter.id, "")
        # Letters of one script first met on the same line (a word in another
        # script) make one warning; other characters one each.
        by_line: dict = {}
        for char, count in missing(runs, covered).items():
            line, column = locate(text, char, chapter.first_line)
            key = (line, _script(char)) if line is not None else object()
            by_line.setdefault(key, []).append((char, count, line, column))
        for found in by_line.values():
            if len(found) == 1:
                char, count, line, column = found[0]
                _report(diags, char, count, chapter.source, line, column, in_code=char not in in_text, instead=instead)
            else:
                _report_many(
                    diags, found, chapter.source, in_code=all(c not in in_text for c, *_ in found), instead=instead
                )
    pub.unprinted = (frozenset(unprinted), instead)


def _script(char: str) -> str:
    """The script of a letter or mark, from its name (DEVANAGARI, CJK, ARABIC); any other character is its own."""
    if unicodedata.category(char)[0] in "LM":
        return unicodedata.name(char, "").split(" ")[0] or char
    return char


def _report_many(diags: Diagnostics, found: list, path: Path, in_code: bool, instead: str) -> None:
    """Several characters no font has, first met on one line."""
    _, _, line, column = min(found, key=lambda f: f[3] or 0)
    chars = "".join(c for c, *_ in found)
    names = ", ".join(f"U+{ord(c):04X}" for c, *_ in found[:4]) + (", ..." if len(found) > 4 else "")
    fonts = "code" if in_code else "text"
    diags.warning(
        f"no committed font has {len(found)} characters first met here, {chars} ({names}): "
        f"the printed {fonts} shows {describe(instead)} in their place",
        path,
        line,
        column,
        hint="use other characters, or add a font that has them to styles/fonts/",
    )


def printable_text(text: str, pub: Publication) -> str:
    """Printed metadata (front matter, a piece's head) with the substitute in
    place of each character check() found no text font for. Only characters
    outside ASCII are ever missing, so markup around the text is untouched."""
    chars, instead = pub.unprinted
    return "".join(instead if c in chars else c for c in text) if chars else text


def printable(body, chapter) -> None:
    """In the print copy of a chapter's body, put the substitute in place of
    each character check() found no font for."""
    found = chapter.unprinted
    if not found:
        return
    in_text, in_code, instead = found

    def fix(value, inside):
        chars = in_code if inside else in_text
        return "".join(instead if c in chars else c for c in value) if value else value

    def walk(el, inside):
        # Math is drawn as a picture with its own font.
        if not isinstance(el.tag, str) or el.tag.endswith("math"):
            return
        inside = inside or _in_code_font(el)
        el.text = fix(el.text, inside)
        for child in el:
            walk(child, inside)
            child.tail = fix(child.tail, inside)

    walk(body, False)


def _values(meta, key: str) -> list[str]:
    if key == "title":
        return [meta.title]
    if key in ("author", "creator"):
        return [c.name for c in meta.creators] if key == "author" else []
    if key == "contributor":
        return [c.name for c in meta.contributors]
    if key == "toc-title":
        return [meta.toc_title]
    value = getattr(meta, key, None)
    return [value] if value else []
