"""Keep each note on the page of its call.

``footnote-policy: line`` moves a call's line to the next page when its note
does not fit. But when the block that fills the page cannot break without an
orphan or a widow, WeasyPrint 70 sends the page's last note on to the next
page to make room, and the call stays behind. So WeasyPrint's page loop
(``layout.page.make_all_pages``) is replaced, while our document is laid out,
by one that checks each page as it is made: when a note called on it was sent
on, the block that filled the page is given a page break and the pages from
the one where that block begins are made again. Only those pages are laid
out twice, where typesetting the whole document again would cost a full
layout for each round of fixes.

The loop uses WeasyPrint's internals (the page maker's states, the layout
context's note lists), so it runs only on the version it was written for;
with another, notes sent on are reported (``separated``) but not fixed.
"""

from __future__ import annotations

import collections
import contextlib
import functools

import weasyprint
from weasyprint import layout as weasy_layout
from weasyprint.formatting_structure import boxes
from weasyprint.layout import page as weasy_page

from ..pagemarks import ATTRIBUTE

SUPPORTED = weasyprint.__version__.split(".")[0] == "70"
BLOCKS = ("p", "li", "dd", "dt", "pre", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BREAK_INSIDE = {"td": "tr", "th": "tr", "figcaption": "figure"}  # where the page break goes instead
ATTEMPTS = 2  # blocks moved for one note at most


@contextlib.contextmanager
def notes_kept(pushed: list[str]):
    """While WeasyPrint lays out pages, keep notes with their calls; the ids
    (pagemarks.stamp) of the blocks given a page break go into ``pushed``."""
    if not SUPPORTED:
        yield
        return
    original = weasy_layout.make_all_pages
    weasy_layout.make_all_pages = functools.partial(_make_all_pages, pushed=pushed)
    try:
        yield
    finally:
        weasy_layout.make_all_pages = original


def _walk(box, ancestors=()):
    yield box, ancestors
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _walk(child, ancestors + (box,))


def in_flow(page_box):
    """The page's boxes in the flow of the text (no margin boxes, no notes), with their ancestors."""
    for child in page_box.children:
        if not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            yield from _walk(child)


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
    return {id(box.footnote) for box, _ in in_flow(page_box)
            if getattr(box, "footnote", None) is not None and id(box.footnote) in waiting}


class _Breaks:
    """Page breaks given to blocks of the laid-out box tree."""

    def __init__(self, root_box, blocks):
        self.blocks = blocks
        self.boxes: dict[str, tuple] = {}  # block id -> (principal box, its ancestors)
        seen = set()
        for box, ancestors in _walk(root_box):
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
        # Elements alike may share one computed style: the box gets its own.
        box.style = box.style.copy()
        box.style["break_before"] = "page"
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


def _holds(page_box, element) -> bool:
    return any(box.element is element for box, _ in in_flow(page_box))


def _state(context):
    """What making a page changes in the layout context, to go back to."""
    return (list(context.footnotes), list(context.reported_footnotes), dict(context.broken_out_of_flow))


def _restore(context, state) -> None:
    context.footnotes[:], context.reported_footnotes[:] = state[0], state[1]
    context.broken_out_of_flow.clear()
    context.broken_out_of_flow.update(state[2])


def _make_all_pages(context, root_box, html, pages, pushed):
    """WeasyPrint's page loop, able to go back: a page is made again when its
    content changed (as in WeasyPrint), and from the start of a block given
    a page break because a note called on the page was sent on."""
    breaks = None
    tries: collections.Counter = collections.Counter()
    made, states = [], []
    again_from = float("inf")  # pages from here on are made again, whatever their state
    context.rendered_notes = []
    index = 0
    while True:
        remake = context.page_maker[index][-1]
        state = _state(context)
        if not pages or index >= again_from or remake["content_changed"] or remake["pages_wanted"]:
            remake.update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
            page, resume_at = weasy_page.remake_page(index, context, root_box, html)
            reported = context.reported_footnotes
            # A note still sent on after blocks were moved for it twice will
            # not fit beside its call at all: it is left to be reported.
            apart = {note for note in _sent_on(page, reported) if tries[note] < ATTEMPTS}
            if apart:
                tries.update(apart)
                block = filling_block(page, BLOCKS)
                if block is not None and block not in pushed:
                    breaks = breaks or _Breaks(root_box, BLOCKS)
                    element = breaks.give(block)
                    if element is not None:
                        pushed.append(block)
                        first = index
                        while first > 0 and _holds(made[first - 1], element):
                            first -= 1
                        _restore(context, states[first] if first < index else state)
                        del made[first:], states[first:]
                        again_from = min(again_from, first)
                        index = first
                        continue
        else:
            resume_at = context.page_maker[index + 1][0]
            reported = None
            page = pages[index]
        made.append(page)
        states.append(state)
        index += 1
        if resume_at is None and not reported:
            context.page_maker = context.page_maker[:index + 1]
            context.broken_out_of_flow.clear()
            context.reported_footnotes.clear()
            break
    yield from made


def keep_with_calls(typeset):
    """Typeset (``typeset() -> document``) keeping notes with their calls.
    Returns the document and the notes still apart: {note id: page index of its call}."""
    pushed: list[str] = []
    with notes_kept(pushed):
        document = typeset()
    return document, separated(document)


def separated(document) -> dict[str, int]:
    """{note id: page index of its call} for each note that starts on another page."""
    calls, starts = {}, {}
    for index, page in enumerate(document.pages):
        for box, _ in in_flow(page._page_box):
            note = getattr(box, "footnote", None)
            if note is not None and box.element_tag.endswith("::footnote-call"):
                calls.setdefault(note.element.get("id"), index)
        for child in page._page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                for box, _ in _walk(child):
                    if box.element is not None and "footnote-body" in (box.element.get("class") or ""):
                        starts.setdefault(box.element.get("id"), index)
    return {note: page for note, page in calls.items() if starts.get(note, page) != page}
