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


def _problems(checker: _Balance) -> list:
    """Everything fed is read: what was closed wrongly, then what was never closed."""
    checker.close()
    return checker.problems + [
        (f"<{tag}> is never closed", where) for tag, where in checker.open if tag not in OPTIONAL_END
    ]


def report_reading(chapter: Chapter, reading, text: str, diags: Diagnostics) -> None:
    """Report what the reader saw: its own warnings, what it left out on
    purpose (one warning per kind and file, with the count and first line),
    and raw HTML whose tags do not balance."""
    first = chapter.first_line
    for message, line, hint in reading.warnings:
        diags.warning(message, chapter.source, first + line - 1, hint=hint)
    dropped: dict[str, list[int]] = {}
    for what, line in reading.dropped:
        dropped.setdefault(what, []).append(line)
    for what, lines in dropped.items():
        said = (
            f"this {what} is left out of the editions"
            if len(lines) == 1
            else f"{len(lines)} {what}s are left out of the editions; the first is here"
        )
        diags.warning(said, chapter.source, first + lines[0] - 1, hint="nothing to do if it was a note to yourself")
    check_raw_html(chapter, reading.raw_html, text, diags)


def check_raw_html(chapter: Chapter, pieces: list, text: str, diags: Diagnostics) -> None:
    """Check the raw HTML pieces of a file as one sequence: an element may
    open in one block and close in another, with Markdown between them."""
    located = [(html, line) for html, line in pieces if line is not None]
    if located:
        _check_sequence(chapter, located, diags)
    for block in (html for html, line in pieces if line is None):
        _check_block(chapter, block, text, diags)


def _check_sequence(chapter: Chapter, pieces: list, diags: Diagnostics) -> None:
    checker = _Balance()
    starts = []  # (line in the fed text where a piece starts, its line in the body)
    fed = 1
    for html, line in pieces:
        starts.append((fed, line))
        piece = html if html.endswith("\n") else html + "\n"
        checker.feed(piece)
        fed += piece.count("\n")
    first = chapter.first_line
    for problem, (line, offset) in _problems(checker):
        start, source_line = max((s for s in starts if s[0] <= line), default=(1, 1))
        diags.warning(
            f"raw HTML: {problem}; it was repaired, check the result",
            chapter.source,
            first + source_line - 1 + line - start,
            offset + 1,
            hint="close every HTML element you open",
        )


def _check_block(chapter: Chapter, block: str, text: str, diags: Diagnostics) -> None:
    if (
        not block.lstrip().startswith("<")
        or len(block.strip()) < 4
        or "\n" not in block.strip()
        and block.strip().count("<") == 1
    ):
        return  # a lone inline tag: its partner is another piece
    checker = _Balance()
    checker.feed(block)
    first = line_of(chapter, text, block.strip()[:40])
    skipped = block[: len(block) - len(block.lstrip())].count("\n")  # blank lines before the block's text
    for problem, (line, offset) in _problems(checker):
        where: tuple[int | None, int | None] = (
            (first + line - 1 - skipped, offset + 1) if first is not None else (None, None)
        )
        diags.warning(
            f"raw HTML: {problem}; it was repaired, check the result",
            chapter.source,
            *where,
            hint="close every HTML element you open",
        )
