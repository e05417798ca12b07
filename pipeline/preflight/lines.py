"""The measures of line breaking, on the body text: the lines set in the
size most of the text is set in, inside the text block. The text block of
each side (mirrored margins: rectos and versos apart) is where most body
lines start and end; a justified line is one that reaches its right edge.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .pages import Document, Line, Page

HYPHENS = ("-", "\u2010", "\u00ad")
_LEADER = re.compile(r"(?:\. ?){4,}\S*\s*$|…{2,}")
EDGE = 1.0  # points: how far from the block's edge a line still reaches it


@dataclass
class Block:
    """The text block of one side of the spread, and its body text's setting."""

    left: float
    right: float
    bottom: float  # the baseline of a full page's last line
    top: float  # the baseline of a full page's first line


@dataclass
class Setting:
    size: float  # the body text's size, as the PDF sets it
    leading: float  # the distance between its baselines
    space: float  # the advance of a space in it: the natural word space
    blocks: dict[bool, Block]  # by recto


def _mode(values, digits: int = 0):
    counted = Counter(round(v, digits) for v in values)
    return max(counted, key=lambda v: (counted[v], -v)) if counted else None


def setting(doc: Document) -> Setting | None:
    """The body text's size, leading and natural space, and each side's
    text block; None when the PDF holds no text."""
    sizes = Counter(c.size for p in doc.pages for line in p.lines for c in line.chars if not c.text.isspace())
    if not sizes:
        return None
    size = max(sizes, key=lambda s: (sizes[s], s))
    body = [(p, line) for p in doc.pages for line in p.lines if line.size == size]
    spaces = [c.right - c.left for _, line in body for c in line.chars if c.text == " " and c.size == size]
    steps = [
        round(a.baseline - b.baseline, 1)
        for p in doc.pages
        for a, b in zip(
            [line for line in p.lines if line.size == size], [line for line in p.lines if line.size == size][1:]
        )
        if 0 < a.baseline - b.baseline < 3 * size
    ]
    leading = _mode(steps, 1) or size * 1.2
    # The block's foot and head are the same on both sides: the lowest and
    # highest body baselines that several pages share (a full page's). A
    # line set apart from the text, a folio or a running head in the body
    # size, is no part of it.
    feet: Counter = Counter()
    heads: Counter = Counter()
    for p in doc.pages:
        column = sorted((line.baseline for line in p.lines if line.size == size), reverse=True)
        while len(column) > 1 and column[0] - column[1] > 1.6 * leading:
            column.pop(0)
        while len(column) > 1 and column[-2] - column[-1] > 1.6 * leading:
            column.pop()
        if column:
            feet[round(column[-1])] += 1
            heads[round(column[0])] += 1
    shared = max(2, sum(feet.values()) // 10)
    bottom = float(min((v for v, n in feet.items() if n >= shared), default=min(feet, default=0)))
    top = float(max((v for v, n in heads.items() if n >= shared), default=max(heads, default=0)))
    blocks = {}
    for side in (True, False):
        lines = [line for p, line in body if p.recto == side] or [line for _, line in body]
        # The right edge is where justified lines end: the furthest end
        # that many lines share.
        ends = Counter(round(line.right) for line in lines)
        common = [e for e, n in ends.items() if n >= max(3, len(lines) // 20)]
        blocks[side] = Block(
            _mode([line.left for line in lines]) or 0.0,
            float(max(common)) if common else max(line.right for line in lines),
            bottom,
            top,
        )
    return Setting(size, leading, _mode(spaces, 2) or size / 4, blocks)


def body_lines(doc: Document, s: Setting) -> list[tuple[Page, Line]]:
    """The lines of body text, in reading order (down each page, whatever
    order the PDF draws them in): set in the body size, inside their side's
    text block; not a line of the contents, whose leader dots run to its
    page number."""
    found = []
    for page in doc.pages:
        block = s.blocks[page.recto]
        for line in sorted(page.lines, key=lambda line: (-round(line.baseline, 1), line.left)):
            if (
                line.size == s.size
                and line.left >= block.left - EDGE
                and line.right <= block.right + EDGE
                and block.bottom - s.leading / 2 <= line.baseline <= block.top + s.leading / 2
                and not _LEADER.search(line.text)
            ):
                found.append((page, line))
    return found


def gaps(line: Line, space: float, own: bool = False) -> list[float]:
    """The gaps between the words of a line: between two characters with
    ink, wider than half a space (a space character may be there or not).
    With own, only the gaps whose space is the body text's (not a code
    span's wider one)."""
    found, previous, between = [], None, None
    for c in line.chars:
        if c.text.isspace():
            between = c
            continue
        if previous is not None and c.left - previous.right > space / 2:
            if not own or between is None or abs((between.right - between.left) - space) <= 0.1 * space:
                found.append(c.left - previous.right)
        previous, between = c, None
    return found


def justified(line: Line, block: Block, space: float) -> bool:
    return abs(line.right - block.right) <= EDGE and bool(gaps(line, space))


def hyphenated(line: Line) -> bool:
    text = line.text.rstrip()
    return len(text) > 1 and text.endswith(HYPHENS) and text[-2].isalpha()


def word_space(line: Line, space: float) -> float:
    """The line's word space: the middle of its gaps (a gap beside a formula
    or a code span may be wider, all the others are the same)."""
    found = sorted(gaps(line, space, own=True))
    return found[len(found) // 2] if found else 0.0


def words_of(line: Line, space: float) -> str:
    """The line's text with a space at each gap between words, whether the
    PDF draws a space character there or moves the text along."""
    ink = [c for c in line.chars if not c.text.isspace()]
    return "".join(a.text + (" " if b.left - a.right > space / 2 else "") for a, b in zip(ink, ink[1:])) + (
        ink[-1].text if ink else ""
    )


def snippet(line: Line, space: float, end: bool = True) -> str:
    """A few words of the line: its end, or its start."""
    text = words_of(line, space)
    if len(text) <= 30:
        return text
    return "…" + text[-30:] if end else text[:30] + "…"
