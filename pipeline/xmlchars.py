"""Characters no edition can carry: XML 1.0 has no place for most C0
controls, lone surrogates, U+FFFE and U+FFFF, and HTML refuses the C1
controls and DEL. Text is cleaned of them where it is read (sources.py,
yamlsafe.py, book.toml's values) and where the reader decodes character
references (readers/html5.py); each place is named in a warning.
"""

from __future__ import annotations

import re

# A form feed is whitespace to CommonMark (a page break in old plain text):
# it becomes a space without a word said.
QUIET = {"\f": " "}
# Separators in all but name: a space keeps the words on either side apart.
AS_SPACE = {c: " " for c in "\v\x1c\x1d\x1e\x1f\x85"}
UNCARRIED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BACKSPACE",
    0x0B: "VERTICAL TAB",
    0x1B: "ESC",
    0x7F: "DEL",
    0x85: "NEXT LINE",
    0xFFFE: "a noncharacter",
    0xFFFF: "a noncharacter",
}


def name(char: str) -> str:
    """U+0007 (BEL): the code point, and what it is when it has no glyph to show."""
    code = ord(char)
    what = NAMES.get(code) or ("a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character")
    return f"U+{code:04X} ({what})"


_SPACED = re.compile("[\f\v\x1c-\x1f\x85]")
_REMOVED = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_LISTED = 1000  # a file full of them is named at its first places, not at each


def clean(text: str) -> tuple[str, list[tuple[int, str]]]:
    """The text without the characters no edition can carry, and the first
    MAX_LISTED taken out or made a space (offset in ``text``, character). A
    form feed becomes a space and is not listed."""
    if not UNCARRIED.search(text):
        return text, []
    found = []
    for match in UNCARRIED.finditer(text):
        if match.group() not in QUIET:
            found.append((match.start(), match.group()))
            if len(found) == MAX_LISTED:
                break
    return _REMOVED.sub("", _SPACED.sub(" ", text)), found


def describe(chars: list[str]) -> str:
    """'U+0007 (BEL) was removed', or several at once, each named once."""
    names = list(dict.fromkeys(name(c) for c in chars))
    spaced = all(c in AS_SPACE for c in chars)
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    verb = "was" if len(chars) == 1 else "were"
    return f"{shown}, which no edition can carry, {verb} {'made a space' if spaced else 'removed'}"


def report(text: str, found: list[tuple[int, str]], path, diags, limit: int = 20) -> None:
    """One warning for each line that had such characters, at the first one's
    column; past ``limit`` lines, one warning counts the rest."""
    by_line: dict[int, list[tuple[int, str]]] = {}
    line, start, counted = 1, 0, 0  # offsets ascend: lines are counted once over the text
    for offset, char in found:
        line += text.count("\n", counted, offset)
        counted = offset
        start = text.rfind("\n", 0, offset) + 1
        by_line.setdefault(line, []).append((offset - start + 1, char))
    for n, (line, chars) in enumerate(sorted(by_line.items())):
        if n == limit:
            diags.warning(
                "later lines had characters no edition can carry too; they were removed", path, line, hint=HINT
            )
            break
        diags.warning(describe([c for _, c in chars]), path, line, chars[0][0], hint=HINT)


_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def report_references(text: str, first_line: int, path, diags) -> None:
    """Name each character reference (&#7;) that makes a character no edition
    can carry, at its line and column: the reader's HTML is cleaned of them
    (readers/html5.py) after the source was. References in code are text."""
    fenced = False
    for number, line in enumerate(text.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced or line.startswith(("    ", "\t")) or "&#" not in line:
            continue
        for match in _REFERENCE.finditer(line):
            hexa, decimal = match.groups()
            code = int(hexa, 16) if hexa else int(decimal)
            # NUL and surrogates become U+FFFD in the reader; a reference in a code span stays as written.
            if code in (0,) or 0xD800 <= code <= 0xDFFF or code >= 0x110000 or line.count("`", 0, match.start()) % 2:
                continue
            if UNCARRIED.match(chr(code)) and chr(code) not in QUIET:
                done = "made a space" if chr(code) in AS_SPACE else "removed"
                diags.warning(
                    f"'{match.group()}' makes {name(chr(code))}, which no edition can carry; it was {done}",
                    path,
                    first_line + number,
                    match.start() + 1,
                    hint="write the character itself, or leave it out",
                )


HINT = "delete the invisible character in your editor (it often comes pasted in from a terminal or a PDF)"
