"""Raw HTML blocks are checked before lxml silently repairs them.

The forgiving parser turns sloppy HTML into a well-formed tree, but the
writer should hear that a tag was never closed or closed out of order,
since the repair may not be what was meant.
"""

from __future__ import annotations

from html.parser import HTMLParser

from ..errors import Diagnostics
from ..model import Chapter
from .sanitize import line_of

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements HTML lets an author leave open; closing them is implied.
OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "rt", "rp"}


class _Balance(HTMLParser):
    """Open and close tags of one block; each problem with its (line, column) in the block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, tuple[int, int]]] = []
        self.problems: list[tuple[str, tuple[int, int]]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag not in (name for name, _ in self.open):
            self.problems.append((f"</{tag}> closes an element that is not open", self.getpos()))
            return
        while self.open:
            top, where = self.open.pop()
            if top == tag:
                break
            if top not in OPTIONAL_END:
                self.problems.append((f"<{top}> is not closed before </{tag}>", where))


def check_blocks(chapter: Chapter, blocks: list[str], text: str, diags: Diagnostics) -> None:
    for block in blocks:
        if not block.lstrip().startswith("<") or len(block.strip()) < 4 or "\n" not in block.strip() and \
                block.strip().count("<") == 1:
            continue  # a lone inline tag: its partner is another piece
        checker = _Balance()
        checker.feed(block)
        checker.close()
        problems = checker.problems + [(f"<{tag}> is never closed", where) for tag, where in checker.open
                                       if tag not in OPTIONAL_END]
        first = line_of(chapter, text, block.strip()[:40])
        skipped = block[:len(block) - len(block.lstrip())].count("\n")  # blank lines before the block's text
        for problem, (line, offset) in problems:
            where = (first + line - 1 - skipped, offset + 1) if first is not None else (None, None)
            diags.warning(f"raw HTML: {problem}; it was repaired, check the result", chapter.source,
                          *where, hint="close every HTML element you open")
