"""Typographic quotes and apostrophes for plain metadata text (the description).

The text of the chapters gets them from the reader; metadata is written by
hand in YAML and arrives with straight ones, which a reading system shows
as they are on the book's page in its library.
"""

from __future__ import annotations

from ..readers.syntax import QUOTES

APOSTROPHE = "\u2019"
# After these (or at the start) a quote opens; elsewhere it closes.
_OPENERS = set(" \t\n([{\u2014\u2013-/\u00a0\u202f") | set("\u201c\u2018\u201e\u201a\u00ab")


def typographic(text: str, lang: str) -> str:
    """``text`` with straight quotes as the language's quotation marks and
    straight apostrophes as U+2019; a text without straight quotes is returned as is."""
    if '"' not in text and "'" not in text:
        return text
    marks = QUOTES.get(lang.split("-")[0].lower(), QUOTES["en"])
    double_open, double_close, single_open, single_close = (marks[0], marks[1], marks[2], marks[3])
    out: list[str] = []
    open_single = False
    for i, ch in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opening = before in _OPENERS and not after.isspace()
        if ch == '"':
            out.append(double_open if opening else double_close)
        elif ch == "'":
            if before.isalnum() and (after.isalnum() or not open_single):
                out.append(APOSTROPHE)  # don't, users', the 1990's
            elif opening and after.isdigit():
                out.append(APOSTROPHE)  # '90s
            elif opening:
                out.append(single_open)
                open_single = True
            else:
                out.append(single_close)
                open_single = False
        else:
            out.append(ch)
    return "".join(out)
