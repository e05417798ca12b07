"""Limits that keep a pathological source from exhausting the renderer.

WeasyPrint and lxml recurse over the element tree; a source nested hundreds
of levels deep (by mistake or on purpose) would crash them, so it is
refused here with the place it happens.
"""

from __future__ import annotations

from ..errors import Diagnostics
from ..model import Chapter
from .sanitize import line_of

MAX_DEPTH = 48  # far deeper than any real book's lists and quotes


def check_depth(chapter: Chapter, text: str, diags: Diagnostics) -> bool:
    """True when the chapter is within the limit; otherwise report and say False."""
    stack = [(chapter.body, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            snippet = next((t.strip()[:30] for t in el.itertext() if t.strip()), "")
            line = line_of(chapter, text, snippet) if snippet else _most_nested_line(chapter, text)
            diags.error(f"the text is nested more than {MAX_DEPTH} levels deep "
                        "(lists, quotes or HTML elements inside one another)", chapter.source, line,
                        hint="flatten the structure; check for unclosed HTML tags")
            return False
        stack.extend((child, depth + 1) for child in el if isinstance(child.tag, str))
    return True


def _most_nested_line(chapter: Chapter, text: str) -> int:
    """The line that opens the most levels at once: quote marks, tags, indentation."""
    def weight(line: str) -> int:
        stripped = line.lstrip()
        return line.count("<") + len(stripped) - len(stripped.lstrip(">")) + (len(line) - len(stripped)) // 4
    lines = text.split("\n")
    index = max(range(len(lines)), key=lambda i: weight(lines[i]))
    return chapter.meta.get("_first_line", 1) + index
