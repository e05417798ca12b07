"""Engine piece 'page loop': pages looked at as they are made, and made again.

notes.py keeps each note on the page of its call. WeasyPrint 70 sends a
page's last note on to the next page when the block that fills the page
cannot break without an orphan or a widow, and the call stays behind; the
fix is to give that block a page break and make the pages again from the
one where it begins. WeasyPrint offers no hook between pages: its page loop
(``weasyprint.layout.make_all_pages``, called by ``layout_document`` through
its module's global name) is replaced, while a document is laid out, by one
that calls a ``revise`` function after each page it makes (and, for a build's
progress bars, reports how many pages are laid out). Making pages again relies on
``layout.page.remake_page(index, context, root_box, html)``, on the layout
context's ``page_maker`` (its last item per page: the ``content_changed``,
``pages_wanted``, ``anchors`` and ``content_lookups`` of a remake state) and
on its note lists (``footnotes``, ``reported_footnotes``,
``broken_out_of_flow``), which are saved before each page and put back to
go back. A page break is given by a copy of the box's computed style with
``break_before: page``: boxes of elements alike share one style.

The page make-up (makeup.py) defers a figure that does not fit: ``revise``
is also told where the next page begins (the box at the end of the page's
``resume_at``, WeasyPrint's path of child indexes, as its own
``_update_page_groups`` reads it), and a box is moved after a later sibling
in its parent's ``children`` before the page is made again. Only boxes after
the page's start move, so the paths of the pages made before stay right.
A page made is given its last space by moving its laid-out blocks down
(``Box.translate``), before WeasyPrint reads its anchors and links.

Only the version it was written for runs the loop (``SUPPORTED``); with
another, WeasyPrint's own loop runs and nothing is revised, so notes
sent on are reported (notes.separated) but not fixed.

Upstream: a documented way to keep a footnote on the page of its call (a
``footnote-policy`` that moves the block, not only the line), or a hook
called after each page is laid out that may ask for a page break before an
element and the pages from there to be made again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

import weasyprint
from weasyprint import layout as weasy_layout
from weasyprint.layout import page as weasy_page

from . import threadwise
from .boxes import LineBox, in_flow

PIECE = "page loop"
SUPPORTED = weasyprint.__version__.split(".")[0] == "70"
REMAKE_STATE = ("content_changed", "pages_wanted", "anchors", "content_lookups")
CONTEXT_NOTES = ("footnotes", "reported_footnotes", "broken_out_of_flow")


@dataclass
class Runs:
    """The pages each run of the page loop made, and those it revised
    (``revise`` asked for pages to be made again). Boxes moved or given a
    break stay so in the runs after: when a later run makes a revised page
    again (page numbers were still settling), the revision was made on
    text that has changed since."""

    made: list[set[int]] = field(default_factory=list)
    revised: list[set[int]] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        """No page revised in a run is made again in a later one."""
        return not any(self.revised[run] & later for run in range(len(self.made)) for later in self.made[run + 1 :])


@contextlib.contextmanager
def pages_revised(start, on_page: Callable[[int], None] | None = None):
    """While WeasyPrint lays out a document, call ``revise(page box, notes
    sent on to the next page, root box, following, page index)`` after each
    page it makes (``following``: (box, its ancestors) of the box the next
    page begins with, None after the last page); when it returns a page's
    index, the pages from that one are made again; when
    ``revise`` returns an element it gave a page break (break_before), the
    pages from the first one holding that element are made again. WeasyPrint
    runs its page loop again while page numbers settle: ``start()`` gives
    the ``revise`` of each run. ``on_page(pages laid out)`` is called as the
    count grows, never with a count already given, however often pages are
    made again (a build's progress). Gives the ``Runs``, filled as the loop runs."""
    runs = Runs()
    if not SUPPORTED:
        yield runs
        return

    def begin():
        revise = start()
        runs.made.append(set())
        runs.revised.append(set())

        def revised(page, reported, root_box, following, index):
            runs.made[-1].add(index)
            asked = revise(page, reported, root_box, following, index)
            if asked is not None:
                runs.revised[-1].add(index)
            return asked

        return revised

    with threadwise.replaced(weasy_layout, "make_all_pages", _make_all_pages, start=begin, on_page=_rising(on_page)):
        yield runs


def _rising(on_page: Callable[[int], None] | None) -> Callable[[int], None] | None:
    """on_page, called only with a count higher than any before."""
    if on_page is None:
        return None
    highest = 0

    def report(count: int) -> None:
        nonlocal highest
        if count > highest:
            highest = count
            on_page(count)

    return report


def break_before(box) -> None:
    """Break the page before the box, and before no other: elements alike
    may share one computed style, so the box gets its own."""
    box.style = box.style.copy()
    box.style["break_before"] = "page"


def move_after(box, ancestors, sibling) -> None:
    """Move a box of the tree to be laid out after another child of its
    parent (``ancestors[-1]``), or first when ``sibling`` is None: the pages
    are made again from where it was."""
    parent = ancestors[-1]
    children = [child for child in parent.children if child is not box]
    at = -1 if sibling is None else next(n for n, child in enumerate(children) if child is sibling)
    parent.children = children[: at + 1] + [box] + children[at + 1 :]


def break_inside(box) -> None:
    """Let the box break across pages (break_inside: auto), on its own style."""
    box.style = box.style.copy()
    box.style["break_inside"] = "auto"


def widows(box, lines: int) -> None:
    """Ask for at least this many of the box's lines on the page it ends on, on its own style."""
    box.style = box.style.copy()
    box.style["widows"] = lines


def shift(box, dy: float) -> None:
    """Move a laid-out box, and all inside it, down the page (``translate``)."""
    box.translate(0, dy)


def following(root_box, resume_at):
    """(box, ancestors) of the box a page's ``resume_at`` begins the next
    page with: the last child index at each level, down to the one left to
    lay out whole (None), or to the block whose lines go on."""
    if resume_at is None:
        return None
    box, ancestors = root_box, ()
    while resume_at is not None:
        index, resume_at = tuple(resume_at.items())[-1]
        if box is not root_box and isinstance(getattr(box, "children", None), list) and box.children:
            if isinstance(box.children[0], LineBox):
                break  # inside a block's lines: the indexes are the text's, the block goes on
        if not 0 <= index < len(getattr(box, "children", ())):
            break
        box, ancestors = box.children[index], ancestors + (box,)
    return box, ancestors


def _holds(page_box, element) -> bool:
    return any(box.element is element for box, _ in in_flow(page_box))


def _state(context):
    """What making a page changes in the layout context, to go back to."""
    return (list(context.footnotes), list(context.reported_footnotes), dict(context.broken_out_of_flow))


def _restore(context, state) -> None:
    context.footnotes[:], context.reported_footnotes[:] = state[0], state[1]
    context.broken_out_of_flow.clear()
    context.broken_out_of_flow.update(state[2])


def _make_all_pages(context, root_box, html, pages, start, on_page=None, original=None):
    """WeasyPrint's page loop, able to go back: a page is made again when its
    content changed (as in WeasyPrint), and from the start of an element
    ``revise`` gave a page break."""
    revise = start()
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
            element = revise(page, reported, root_box, following(root_box, resume_at), index)
            if element is not None:
                first = index
                if isinstance(element, int):  # a page's index: made again from there
                    first = max(0, min(element, index))
                while not isinstance(element, int) and first > 0 and _holds(made[first - 1], element):
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
        if on_page is not None:
            on_page(index)
        if resume_at is None and not reported:
            context.page_maker = context.page_maker[: index + 1]
            context.broken_out_of_flow.clear()
            context.reported_footnotes.clear()
            break
    yield from made
