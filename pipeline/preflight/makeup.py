"""The measures of page make-up: pages that end short in mid-chapter,
content outside the text block or the page, images too coarse for print.

A chapter opens at an outline entry of a level whose every entry opens its
page (nothing of the text above it), taking the levels from the top while
they do (parts, then chapters): the pages before one, and before an empty
page, end short on purpose.
"""

from __future__ import annotations

from .lines import EDGE, Setting
from .pages import Document, Heading, Page


def chapter_openings(doc: Document, s: Setting) -> set[int]:
    """The indexes of the pages that open a chapter."""
    levels: dict[int, list[Heading]] = {}
    for heading in doc.outline:
        levels.setdefault(heading.level, []).append(heading)
    opening: set[int] = set()
    for level in sorted(levels):
        entries = levels[level]
        if all(_opens(doc.pages[h.page], h, s) for h in entries):
            opening |= {h.page for h in entries}  # parts, then chapters within them
        else:
            break
    return opening


def _opens(page: Page, heading: Heading, s: Setting) -> bool:
    if heading.top is None:
        return False
    block = s.blocks[page.recto]
    above = [line for line in page.lines if heading.top + s.leading / 2 < line.baseline <= block.top + s.leading / 2]
    return not above


def _in_block(page: Page, s: Setting) -> list:
    block = s.blocks[page.recto]
    floor, ceiling = block.bottom - s.leading * 0.75, block.top + s.leading * 0.5
    return sorted((line for line in page.lines if floor <= line.baseline <= ceiling), key=lambda line: -line.baseline)


def _notes(lines: list, s: Setting) -> int:
    """How many of the block's lines (highest first) are page-foot notes: a
    run of smaller lines at the foot, set off from the text by a gap."""
    n = len(lines)
    while n > 0 and lines[n - 1].size < s.size:
        n -= 1
    if n == len(lines) or n == 0 or lines[n - 1].baseline - lines[n].baseline < 1.5 * s.leading:
        return 0
    return len(lines) - n


def feet(page: Page, s: Setting, gap: float = 2.0) -> tuple[float, float] | None:
    """(the foot of the text, the foot it could reach) on a page: the lowest
    baseline of the text or an image in the block, and the block's foot, or
    where its page-foot notes begin; None for a page with nothing in it."""
    lines = _in_block(page, s)
    notes = _notes(lines, s)
    text = lines[: len(lines) - notes]
    block = s.blocks[page.recto]
    images = [image.bottom + s.size * 0.25 for image in page.images if image.bottom >= block.bottom - s.size]
    found = [line.baseline for line in text] + images
    if not found:
        return None
    reach = lines[len(lines) - notes].baseline + gap * s.leading if notes else block.bottom
    return min(found), reach


def note_gap(doc: Document, s: Setting) -> float:
    """Leadings from the text's last baseline to the first note's on a full
    page: the least found on a page with notes, two at most."""
    found = [2.0]
    for page in doc.pages:
        lines = _in_block(page, s)
        notes = _notes(lines, s)
        if notes:
            found.append((lines[-notes - 1].baseline - lines[-notes].baseline) / s.leading)
    return min(found)


def short_pages(doc: Document, s: Setting, body: set[int]) -> list[tuple[Page, float]]:
    """(page, how many lines short) for each page of body text that ends
    above the block's foot in mid-chapter: not the last page of a chapter,
    not before an empty page, not in the front matter."""
    openings = chapter_openings(doc, s)
    first = min((h.page for h in doc.outline), default=0)  # the front matter comes before
    found = []
    gap = note_gap(doc, s)
    for page in doc.pages[first:-1]:
        following = doc.pages[page.index + 1]
        if page.index not in body or following.index in openings or not following.lines:
            continue
        ends = feet(page, s, gap)
        if ends is None:
            continue
        short = (ends[0] - ends[1]) / s.leading
        if short > 0.5:
            found.append((page, round(short, 1)))
    return found


def outside(doc: Document, s: Setting) -> tuple[list[tuple[Page, str]], list[tuple[Page, str]]]:
    """Text or images running past the text block's sides (overflow), and
    past the trimmed page (clipped): each with its page and a few words."""
    overflow, clipped = [], []
    for page in doc.pages:
        block = s.blocks[page.recto]
        x0, y0, x1, y1 = page.trim
        for line in page.lines:
            ink = [c for c in line.chars if not c.text.isspace()]
            if not ink:
                continue
            words = " ".join(line.text.split())[:40]
            if ink[0].left < x0 - EDGE or ink[-1].right > x1 + EDGE or not y0 <= line.baseline <= y1:
                clipped.append((page, words))
            elif any(c.hidden for c in ink):
                clipped.append((page, " ".join("".join(c.text for c in ink if c.hidden).split())[:40]))
            elif ink[0].left < block.left - EDGE or ink[-1].right > block.right + EDGE:
                # Headings centred and folios outside the block sit within
                # its sides; only what crosses a side is overflow.
                if line.baseline >= block.bottom - s.leading and line.baseline <= block.top + 2 * s.leading:
                    overflow.append((page, words))
        for image in page.images:
            where = f"an image {round(image.right - image.left)} × {round(image.top - image.bottom)} pt"
            b0, _, b1, _ = page.bleed
            if image.left < b0 - EDGE or image.right > b1 + EDGE:
                clipped.append((page, where))
            elif image.left < x0 - EDGE or image.right > x1 + EDGE:
                continue  # into the bleed: an image printed to the edge of the page
            elif image.left < block.left - EDGE or image.right > block.right + EDGE:
                overflow.append((page, where))
    return overflow, clipped
