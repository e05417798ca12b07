"""Where inline code, web addresses and ISBNs may break across lines.

A line breaker following Unicode's rules breaks after any hyphen or slash,
so ``--help`` could end a line as ``--`` and an ISBN be split in two. The
characters are never changed (a reader copies code and addresses as they
are): the text is cut into pieces that do not break (a ``nobreak`` span,
``white-space: nowrap`` in base.css) with a ``<wbr>`` between them, the only
places a line may end. An address breaks as the Chicago Manual of Style
says: after ``://``, before a slash, dot, hyphen and the like, before and
after ``=`` and ``&``. Code breaks only before a slash (a path), never at a
hyphen (it would read as an option or a minus) nor a dot (``cover.jpg``).
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

# A line may end before these (a run of the same one stays together).
URL_BEFORE = set("/\\~.,-_?#%")
CODE_BEFORE = set("/\\")
URL_BOTH_SIDES = set("=&")
# A piece longer than this may still break inside, where Unicode allows:
# better a break at a hyphen than a word running off the page. The longest
# token a table keeps whole (pdf/assemble.py's LONG_TOKEN).
LONGEST = 24

# No private-use character: the clean-up (typography.py) marks the text's
# edges with them, and an address never holds one.
URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bmailto:|\bwww\.)[^\s<>\"\ue000-\uf8ff]*[^\s<>\".,;:!?)\]'\u2019\u201d\ue000-\uf8ff]"
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# ISBN-13 with or without hyphens or spaces, and hyphenated ISBN-10.
ISBN = re.compile(r"(?<![\w-])(?:97[89](?:[- ]?\d){10}|\d{1,5}-\d{1,7}-\d{1,7}-[\dX])(?![\w-])")


def pieces(text: str, before: set[str], both: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """``text`` cut where a line may end; joined they give it back."""
    out: list[str] = []
    current = ""
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("://", i):
            out.append(current + "://")
            current, i = "", i + 3
            continue
        if c in both:
            if current:
                out.append(current)
            out.append(c)
            current = ""
        elif c in before and current and current[-1] != c:
            out.append(current)
            current = c
        else:
            current += c
        i += 1
    if current:
        out.append(current)
    # A closing separator stays with what it closes ("dist/", not "dist" and "/").
    if len(out) > 1 and all(c in before or c in both for c in out[-1]):
        out[-2:] = [out[-2] + out[-1]]
    return out


def nobreak(text: str):
    span = lxml_html.Element("span", {"class": "nobreak"})
    span.text = text
    return span


def joined(parts: list[str]) -> list:
    """The pieces as nobreak spans with a <wbr> between them; a piece too long
    to keep whole stays plain text."""
    out: list = []
    for n, part in enumerate(parts):
        if n:
            out.append(lxml_html.Element("wbr"))
        out.append(nobreak(part) if len(part) <= LONGEST else part)
    return out


def breakable(token: str) -> bool:
    """Whether a line could end inside the token: after a character that is
    not a letter, a digit or one a line never ends after (. _ ' ")."""
    return any(not c.isalnum() and c not in "._'\"" for c in token[:-1])


def code_segments(text: str) -> list | None:
    """Inline code as text and pieces; None when no part of it needs keeping
    together (words, names, file names)."""
    tokens = re.split(r"(\s+)", text)
    if not any(breakable(t) for t in tokens):
        return None
    out: list = []
    for token in tokens:
        out += joined(pieces(token, CODE_BEFORE)) if breakable(token) else [token]
    return out


def url_segments(url: str) -> list:
    return joined(pieces(url, URL_BEFORE, URL_BOTH_SIDES))


def splice(owner, where: str, segments: list) -> None:
    """Put segments (strings and elements) in place of owner's text (``where``
    "text") or tail ("tail"), in order."""
    strings: list[str] = [""]
    elements = []
    for seg in segments:
        if isinstance(seg, str):
            strings[-1] += seg
        else:
            elements.append(seg)
            strings.append("")
    setattr(owner, where, strings[0] or None)
    if where == "text":
        for n, el in enumerate(elements):
            el.tail = strings[n + 1] or None
            owner.insert(n, el)
    else:
        anchor = owner
        for n, el in enumerate(elements):
            el.tail = strings[n + 1] or None
            anchor.addnext(el)
            anchor = el
