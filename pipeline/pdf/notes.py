"""Keep each note on the page of its call.

``footnote-policy: line`` moves a call's line to the next page when its note
does not fit. But when the block that fills the page cannot break without an
orphan or a widow, WeasyPrint 70 sends the page's last note on to the next
page to make room, and the call stays behind. So each page is checked as it
is made (engine/pageloop.py): when a note called on it was sent on, the
block that filled the page is given a page break and the pages from the one
where that block begins are made again. Only those pages are laid out
twice, where typesetting the whole document again would cost a full layout
for each round of fixes.

The page loop uses WeasyPrint's internals, so it runs only on the version it
was written for; with another, notes sent on are reported (``separated``)
but not fixed.
"""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Callable

from ..pagemarks import ATTRIBUTE
from . import makeup
from .engine import boxes, pageloop
from .engine.boxes import in_flow

BLOCKS = ("p", "li", "dd", "dt", "pre", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BREAK_INSIDE = {"td": "tr", "th": "tr", "figcaption": "figure"}  # where the page break goes instead
ATTEMPTS = 2  # blocks moved for one note at most


@contextlib.contextmanager
def notes_kept(pushed: list[str], on_page: Callable[[int], None] | None = None):
    """While WeasyPrint lays out pages, keep notes with their calls; the ids
    (pagemarks.stamp) of the blocks given a page break go into ``pushed``.
    Floats that do not fit are deferred (makeup.py) once the notes are
    settled. on_page(pages laid out so far), as the count grows. Gives
    the page loop's ``Runs``."""
    # One for every run of the page loop: the boxes it moved stay moved. A
    # page ended early to keep a note with its call is still filled.
    floats = makeup.Floats()
    with pageloop.pages_revised(lambda: makeup.chain(_Reviser(pushed, floats.unforced), floats), on_page) as runs:
        yield runs


def filling_block(page_box, blocks) -> str | None:
    """The id of the numbered block whose last line on the page filled it:
    the block being laid out when WeasyPrint sent the note on."""
    last = None
    for box, ancestors in in_flow(page_box):
        if isinstance(box, boxes.LineBox):
            last = ancestors
    for box in reversed(last or ()):
        if box.element is not None and box.element_tag in blocks and box.element.get(ATTRIBUTE):
            return box.element.get(ATTRIBUTE)
    return None


def _sent_on(page_box, reported) -> set[int]:
    """The notes (by identity) called on this page but sent on to the next."""
    if not reported:
        return set()
    waiting = {id(note) for note in reported}
    return {
        id(box.footnote)
        for box, _ in in_flow(page_box)
        if getattr(box, "footnote", None) is not None and id(box.footnote) in waiting
    }


class _Breaks:
    """Page breaks given to blocks of the laid-out box tree."""

    def __init__(self, root_box, blocks):
        self.blocks = blocks
        self.boxes: dict[str, tuple] = {}  # block id -> (principal box, its ancestors)
        seen = set()
        for box, ancestors in boxes.walk(root_box):
            element = box.element
            if element is None or id(element) in seen:
                continue
            seen.add(id(element))  # the outermost box of an element is the one in the flow
            if element.get(ATTRIBUTE):
                self.boxes[element.get(ATTRIBUTE)] = (box, ancestors)

    def give(self, block_id: str):
        """Break the page before the block (or what must go with it); the element given the break."""
        found = self.boxes.get(block_id)
        if found is None:
            return None
        box, ancestors = found
        if box.element_tag in BREAK_INSIDE:
            box, ancestors = _ancestor(box, ancestors, BREAK_INSIDE[box.element_tag])
        if box.element_tag == "tr" and _previous(box, ancestors) is None:
            # The first row of the body: a break before it would leave the
            # table's head alone at the foot of the page, so the table goes.
            box, ancestors = _ancestor(box, ancestors, "table", outermost=True)
            if ancestors and ancestors[-1].element_tag == "figure":
                box, ancestors = ancestors[-1], ancestors[:-1]
        while (previous := _previous(box, ancestors)) is not None and previous.element_tag in HEADINGS:
            box = previous
        pageloop.break_before(box)
        return box.element


def _ancestor(box, ancestors, tag, outermost=False):
    """The nearest (or outermost of the nearest element's) ancestor box of that tag."""
    for depth in range(len(ancestors) - 1, -1, -1):
        if ancestors[depth].element_tag == tag:
            while outermost and depth > 0 and ancestors[depth - 1].element is ancestors[depth].element:
                depth -= 1
            return ancestors[depth], ancestors[:depth]
    return box, ancestors


def _previous(box, ancestors):
    """The block box before this one in its parent, if any."""
    if not ancestors:
        return None
    siblings = ancestors[-1].children
    at = next((n for n, child in enumerate(siblings) if child is box), 0)
    return siblings[at - 1] if at > 0 else None


class _Reviser:
    """What one run of the page loop asks of each page it makes: when a note
    called on it was sent on, the block that filled the page gets a page break."""

    def __init__(self, pushed: list[str], given: set[int] | None = None):
        self.pushed = pushed
        self.given = set() if given is None else given  # id() of the elements given a page break
        self.breaks: _Breaks | None = None
        self.tries: collections.Counter = collections.Counter()

    def __call__(self, page, reported, root_box, following=None, index=0):
        # A note still sent on after blocks were moved for it twice will
        # not fit beside its call at all: it is left to be reported.
        apart = {note for note in _sent_on(page, reported) if self.tries[note] < ATTEMPTS}
        if not apart:
            return None
        self.tries.update(apart)
        block = filling_block(page, BLOCKS)
        if block is None or block in self.pushed:
            return None
        self.breaks = self.breaks or _Breaks(root_box, BLOCKS)
        element = self.breaks.give(block)
        if element is not None:
            self.pushed.append(block)
            self.given.add(id(element))
        return element


def keep_with_calls(typeset, on_page: Callable[[int], None] | None = None):
    """Typeset (``typeset() -> document``) keeping notes with their calls,
    calling on_page(pages laid out so far) as the count grows.
    Returns the document, the notes still apart ({note id: page index of
    its call}), and whether its pages were revised only in the page loop's
    last run (pageloop.Runs.settled)."""
    pushed: list[str] = []
    with notes_kept(pushed, on_page) as runs:
        document = typeset()
    return document, separated(document), runs.settled


def separated(document) -> dict[str, int]:
    """{note id: page index of its call} for each note that starts on another page."""
    calls, starts = {}, {}
    for index, page in enumerate(document.pages):
        for box, _ in in_flow(boxes.page_box(page)):
            note = getattr(box, "footnote", None)
            if note is not None and box.element_tag.endswith("::footnote-call"):
                calls.setdefault(note.element.get("id"), index)
        for child in boxes.page_box(page).children:
            if isinstance(child, boxes.FootnoteAreaBox):
                for box, _ in boxes.walk(child):
                    if box.element is not None and "footnote-body" in (box.element.get("class") or ""):
                        starts.setdefault(box.element.get("id"), index)
    return {note: page for note, page in calls.items() if starts.get(note, page) != page}
