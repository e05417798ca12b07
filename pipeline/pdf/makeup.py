"""Page make-up: a figure that does not fit is deferred, and the text after it fills the page.

A figure, a table or an admonition is never split (print.css), so when one
does not fit in what is left of a page, WeasyPrint sends it whole to the
next page, with the heading kept with it, and leaves the page short: ten
lines or more in the middle of a chapter. A book defers such a float: the
text that follows it fills the page, and the float stands at the head of
the next one. Each page is looked at as it is made (engine/pageloop.py):
when it ends more than ``SHORT_LINES`` lines above the foot of its text
block because the next page begins with a float (or with the headings
before one), the float is moved after the block that follows it and the
page is made again, as often as that block still fits on the page, at most
``MOVES`` times. A float never passes a heading (it stays in its section)
nor another float (their order is kept), and the EPUB keeps the source's
order: only the print layout's boxes move.

When the block after the float breaks across the page, the float follows
the rest of that block on the next page: the paragraph is not cut to make
room above it.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection

from .engine import boxes, pageloop
from .engine.boxes import in_flow

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
LISTS = ("dl", "ul", "ol")
SHORT_LINES = 2  # a mid-chapter page may end this many lines short, no more
MOVES = 6  # blocks a float is moved past, at most
FORCED = ("page", "left", "right", "recto", "verso")
FEATHER_LINES = 5  # a page this short is filled by wider gaps between its blocks
FEATHER_GAP = 1.5  # lines one gap may grow by, at most
LEADING = 0.07  # of a line, the most the space between two lines may grow by
LAST_LINES = 5  # a chapter's last page holds at least this many lines, where its text allows
BODY_LINE = 20.0  # CSS px, the body's line (10.5 pt x 1.38) when a page has no lines to measure


def is_float(box) -> bool:
    """A block that is deferred rather than split: a figure (not a quotation
    set as one) or a table."""
    if box.element is None or box.element_tag is None:
        return False
    if box.element_tag == "figure":
        return "quote" not in (box.element.get("class") or "").split()
    return box.element_tag == "table"


def room_left(page_box) -> tuple[float, float]:
    """(how far the page's last line or image ends above the foot of its text
    block, less any notes; the most common height of the page's lines of
    paragraphs, or of any lines when it has none), CSS px."""
    foot = page_box.content_box_y() + page_box.height
    for child in page_box.children:
        if isinstance(child, boxes.FootnoteAreaBox) and child.children:
            foot = min(foot, child.position_y)
    lowest, heights, prose = None, [], []
    for box, ancestors in in_flow(page_box):
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
            bottom = box.position_y + box.margin_height()
            lowest = bottom if lowest is None else max(lowest, bottom)
            if isinstance(box, boxes.LineBox):
                heights.append(round(box.height, 1))
                if ancestors and ancestors[-1].element_tag == "p":
                    prose.append(heights[-1])
    line = statistics.mode(prose or heights) if heights else BODY_LINE
    return (foot - lowest if lowest is not None else 0.0), line


def deferred(start, ancestors):
    """(float, its ancestors, the block to move it after or None if it may
    go no further) when the next page begins with a float, or the headings
    and containers before one; else None."""
    box = start
    while not is_float(box):
        if box.style["break_before"] in FORCED:
            return None  # the page ends where it must
        if box.element_tag in HEADINGS:
            at = _past_headings(ancestors[-1].children, _index(ancestors[-1].children, box))
            if at is None or not is_float(ancestors[-1].children[at]):
                return None
            box = ancestors[-1].children[at]
            break
        children = getattr(box, "children", None)
        if not children or not isinstance(box, boxes.BlockContainerBox) or isinstance(children[0], boxes.LineBox):
            return None
        box, ancestors = children[0], ancestors + (box,)
    siblings = ancestors[-1].children
    at = _past_headings(siblings, _index(siblings, box) + 1)
    # Past a heading, the float goes after the heading's first block: a heading stays with its text.
    after = siblings[at] if at is not None else None
    if after is not None and (is_float(after) or after.style["break_before"] in FORCED):
        after = None
    return box, ancestors, after


def _past_headings(siblings, at: int) -> int | None:
    """The index of the first sibling from ``at`` on that is not a heading, if any."""
    while at < len(siblings) and siblings[at].element_tag in HEADINGS:
        at += 1
    return at if at < len(siblings) else None


def _paragraphs(page_box):
    """The elements of the first and last lines of a chapter's text on the page, None without."""
    lines = [
        ancestors[-1].element
        for box, ancestors in in_flow(page_box)
        if isinstance(box, boxes.LineBox) and any(a.element_tag == "article" for a in ancestors)
    ]
    return (lines[0], lines[-1]) if lines else (None, None)


def _holds_table(box) -> bool:
    return box.element_tag == "table" or any(child.element_tag == "table" for child in getattr(box, "children", ()))


def _index(siblings, box) -> int:
    return next(n for n, child in enumerate(siblings) if child is box)


class Floats:
    """What one run of the page loop asks of each page it makes: when the
    page is short because a float went on to the next, the float is deferred
    past the blocks after it, as many as still fit on the page. When the
    float then does not fit under the end of the last of them on the next
    page, or when the block it was moved past goes on to the next page
    whole, it goes back one step, for good. ``moved``: the elements deferred, each time."""

    def __init__(self, moved: list | None = None):
        self.moved = [] if moved is None else moved
        self.steps: dict = {}  # id(element) -> [(the sibling it followed, index of the page it left short)] per move
        self.settled: set[int] = set()
        self.split: set[int] = set()  # tables let break, that could not be deferred
        self.unforced: set[int] = set()  # id() of elements whose page break is not the text's (notes.py)
        # The last move: (page index, float, its ancestors, block moved past, block before).
        self.trying: tuple | None = None
        self.ends: dict[int, object] = {}  # page index -> the element of its last line
        self.widowed: set[int] = set()  # id() of paragraphs asked for more lines on a chapter's last page

    def __call__(self, page, reported, root_box, following, index):
        if self.trying is not None and self.trying[0] == index:
            box, ancestors, after, previous = self.trying[1:]
            self.trying = None
            if not any(b.element is after.element for b, _ in in_flow(page)):
                # The block it was moved past went on to the next page whole:
                # the float would stand below it there. It goes back, for good.
                self.steps[id(box.element)].pop()
                self.settled.add(id(box.element))
                pageloop.move_after(box, ancestors, previous)
                return index
        first, last = _paragraphs(page)
        before, self.ends[index] = self.ends.get(index - 1), last
        if following is None or not mid_chapter(following[0], following[1], self.unforced, text_only=False):
            return self._last_page(page, root_box, first if first is before else None)
        room, line = room_left(page)
        if room <= SHORT_LINES * line + 1:
            return self._fill(page, room, line, following)
        found = deferred(*following)
        if found is None:
            return self._fill(page, room, line, following)
        box, ancestors, after = found
        key = id(box.element)
        steps = self.steps.get(key)
        if key in self.settled or (after is None and not steps):
            if room > FEATHER_LINES * line and _holds_table(box) and key not in self.split:
                # A table that could not be deferred (its chapter ends, another
                # float follows): it breaks between rows, its head repeated.
                self.split.add(key)
                pageloop.break_inside(box)
                return index
            return self._fill(page, room, line, following)
        if steps and (after is None or len(steps) >= MOVES or index != steps[0][1]):
            # Deferred, it still leaves a page short: it may go no further
            # (the chapter ends, another float follows), or it does not fit
            # under the end of the block it was last moved after. It goes
            # back one step, for good, and the pages are made again from there.
            previous, page_index = steps.pop()
            self.settled.add(key)
            pageloop.move_after(box, ancestors, previous)
            return page_index
        siblings = ancestors[-1].children
        at = _index(siblings, box)
        previous = siblings[at - 1] if at > 0 else None
        self.steps.setdefault(key, []).append((previous, index))
        self.trying = (index, box, ancestors, after, previous)
        self.moved.append(box.element)
        pageloop.move_after(box, ancestors, after)
        return box.element

    def _last_page(self, page, root_box, continued):
        """A chapter's last page of fewer than ``LAST_LINES`` lines, that
        begins with the end of a paragraph: the paragraph leaves more of its
        lines for it (widows), and the pages are made again from its start."""
        lines = [ancestors[-1].element for box, ancestors in in_flow(page) if isinstance(box, boxes.LineBox)]
        if not 0 < len(lines) < LAST_LINES or continued is None or id(continued) in self.widowed:
            return None
        box = next((b for b, _ in boxes.walk(root_box) if b.element is continued), None)
        if box is None:
            return None
        self.widowed.add(id(continued))
        pageloop.widows(box, lines.count(continued) + LAST_LINES - len(lines))
        return continued

    def _fill(self, page, room: float, line: float, following) -> None:
        if 0 < room <= FEATHER_LINES * line and mid_chapter(following[0], following[1], self.unforced):
            feather(page, room, line)


def mid_chapter(start, ancestors, unforced: Collection[int] = (), text_only: bool = True) -> bool:
    """Whether the next page goes on with the same chapter: no forced break
    before the box it begins with, nor before the first boxes inside it,
    but those of the elements in ``unforced`` (by id); and (``text_only``)
    that the page is in a chapter, not in the front matter."""
    if text_only and not any(box.element_tag == "article" for box in ancestors):
        return False
    box = start
    while True:
        if box.style["break_before"] in FORCED and id(box.element) not in unforced:
            return False
        children = getattr(box, "children", None)
        if not children or not isinstance(box, boxes.BlockContainerBox) or isinstance(children[0], boxes.LineBox):
            return True
        box = children[0]


def feather(page_box, room: float, line: float) -> float:
    """Give a mid-chapter page's last space to the gaps between its blocks,
    most above headings, none between paragraphs, so that its last line
    stands at the foot of the text block and facing pages end on the same
    line. No gap grows by more than ``FEATHER_GAP`` lines; what is left (a
    page of prose) goes to the space between its lines, at most ``LEADING``
    of a line each. Returns the space given."""
    blocks = _flow_blocks(page_box)
    if room <= 0 or not blocks:
        return 0.0
    weights = [_weight(before, after) for before, after in zip(blocks, blocks[1:])]
    moved = 0.0
    if sum(weights):
        unit = min(room / sum(weights), FEATHER_GAP * line / max(weights))
        for box, weight in zip(blocks[1:], weights):
            moved += weight * unit
            pageloop.shift(box, moved)
    units = [part for block in blocks for part in _leaded(block)]
    if room - moved > 0.5 and len(units) > 1:
        step = min((room - moved) / (len(units) - 1), LEADING * line)
        for n, part in enumerate(units[1:], 1):
            pageloop.shift(part, n * step)
        moved += step * (len(units) - 1)
    return moved


def _leaded(block) -> list:
    """A paragraph's lines, which may stand further apart; any other block whole."""
    lines = getattr(block, "children", None)
    if block.element_tag == "p" and lines and all(isinstance(line, boxes.LineBox) for line in lines):
        return list(lines)
    return [block]


def _flow_blocks(page_box) -> list:
    """The blocks of the container that holds the page's text, in order:
    down from the page through boxes that hold a single block, and into
    the lists (with no rule or background of their own, drawn as they were)."""
    # The note area is among them, a box of no element or of an "@" one while the page is made.
    children = [
        c
        for c in page_box.children
        if not isinstance(c, (boxes.MarginBox, boxes.FootnoteAreaBox))
        and c.element_tag
        and not c.element_tag.startswith("@")
    ]
    while len(children) == 1 and isinstance(children[0], boxes.BlockContainerBox):
        inner = [c for c in children[0].children if isinstance(c, boxes.BlockLevelBox)]
        if not inner or len(inner) != len(children[0].children):
            break
        children = inner
    return [block for child in children for block in _opened(child)]


def _opened(box) -> list:
    """The box, or the items of a list that draws nothing of its own."""
    if box.element_tag not in LISTS or not all(isinstance(c, boxes.BlockLevelBox) for c in box.children):
        return [box]
    style = box.style
    if any(style[f"border_{side}_width"] for side in ("top", "bottom", "left", "right")):
        return [box]
    if style["background_color"].alpha or any(
        image is not None and image[0] != "none" for image in style["background_image"]
    ):
        return [box]
    return list(box.children) or [box]


def _weight(before, after) -> int:
    """How much of a page's last space the gap between two blocks takes."""
    if after.element_tag in HEADINGS:
        return 3
    if before.element_tag in HEADINGS or (before.element_tag, after.element_tag) == ("dt", "dd"):
        return 0  # a heading stays close to its text, a term to its definition
    return 0 if before.element_tag == after.element_tag else 1


def chain(*revisers):
    """One reviser asking each in turn: the first that changes something is heard."""

    def revise(page, reported, root_box, following, index):
        for reviser in revisers:
            element = reviser(page, reported, root_box, following, index)
            if element is not None:
                return element
        return None

    return revise
