"""Limits that keep a pathological source from exhausting the renderer.

WeasyPrint and lxml recurse over the element tree; a source nested hundreds
of levels deep (by mistake or on purpose) would crash them, so it is
refused here with the place it happens.
"""

from __future__ import annotations

import re

from ..errors import Diagnostics
from ..model import Chapter
from .sanitize import line_of

MAX_DEPTH = 48  # far deeper than any real book's lists and quotes

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?(/?)>")
# Elements that hold nothing, and those HTML lets an author leave open.
_FLAT = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "p",
    "li",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "tfoot",
    "option",
    "rt",
    "rp",
}


def raw_html_too_deep(pieces: list[str]) -> tuple[int, int] | None:
    """Where the author's raw HTML, read as one sequence, first opens more
    than MAX_DEPTH elements inside one another: (piece, offset in it), or None.

    A quick count made before the HTML parser sees it: HTML5 tree
    construction looks through every open element for each tag, so deeply
    nested HTML would take a time that grows with the square of its depth."""
    depth = 0
    for index, html in enumerate(pieces):
        if "<" not in html:
            continue
        for tag in _TAG.finditer(html):
            closing, name, empty = tag.groups()
            if name.lower() in _FLAT or empty:
                continue
            depth = max(0, depth - 1) if closing else depth + 1
            if depth > MAX_DEPTH:
                return index, tag.start()
    return None


TOO_DEEP = (
    f"the text is nested more than {MAX_DEPTH} levels deep "
    "(lists, quotes, emphasis or HTML elements inside one another)",
    "flatten the structure; check for unclosed HTML tags and emphasis",
)


def too_deep(line: int | None) -> tuple[str, int | None, str]:
    """The reader's error for a source nested too deep, at a line of its body."""
    return TOO_DEEP[0], line, TOO_DEEP[1]


def check_depth(chapter: Chapter, text: str, diags: Diagnostics) -> bool:
    """True when the chapter is within the limit; otherwise report and say False."""
    stack = [(chapter.body, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            snippet = next((t.strip()[:30] for t in el.itertext() if t.strip()), "")
            line = line_of(chapter, text, snippet) if snippet else None
            if line is None:
                line = chapter.first_line + most_nested_line(text) - 1
            diags.error(TOO_DEEP[0], chapter.source, line, hint=TOO_DEEP[1])
            return False
        stack.extend((child, depth + 1) for child in el if isinstance(child.tag, str))
    return True


def most_nested_line(text: str) -> int:
    """The line (from 1) that opens the most levels at once: quote marks, tags,
    emphasis, brackets, indentation."""

    def weight(line: str) -> int:
        stripped = line.lstrip()
        quotes = len(stripped) - len(stripped.lstrip("> "))
        return sum(line.count(c) for c in "<*_[") + quotes + (len(line) - len(stripped)) // 4

    lines = text.split("\n")
    return 1 + max(range(len(lines)), key=lambda i: weight(lines[i]))
