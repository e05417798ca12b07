"""Engine piece 'paragraph lines': the lines WeasyPrint broke each paragraph
into, and a style given to one paragraph before the next layout.

WeasyPrint breaks lines greedily, one line at a time, and justifies by
stretching word spaces only. Pressroom composes paragraph by paragraph
(pdf/linebreak.py): it reads how each paragraph was broken (loose lines,
hyphens, a hyphen at a recto's foot) and sets the faulty ones again with a
slightly different setting (hyphenation limit zone, word and letter
spacing), keeping the one that reads best. For that it relies on:

- ``HTML.etree_element``, the parsed tree of an ``HTML`` object, read and
  given ``style`` attributes before ``render()`` (a paragraph's setting; and
  ``display: none`` on everything but the paragraphs being tried, a galley
  cheaper to lay out than the document); the boxes of the rendered document
  point at the same elements (``box.element``);
- the line boxes of each page (``LineBox``, reached through page boxes,
  boxes.py), their text boxes' ``text`` and ``style`` (``font_size``,
  ``word_spacing``, ``text_align_all``, ``hyphenate_character``) and
  ``justification_spacing``, the width WeasyPrint added to each space when
  it justified the line.

Upstream: a documented line-breaking hook (a paragraph's break points
chosen by the caller, or a total-fit breaker such as Knuth and Plass's with
CSS ``text-wrap: pretty``), or at least the justification spacing of each
line in a public, read-only box tree.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from .boxes import FootnoteAreaBox, LineBox, MarginBox, TextBox, page_box, walk

PIECE = "paragraph lines"
COPY = 1 << 32  # a galley copy's paragraphs are keyed copy * COPY + their index (galleys())
_MARK = "data-galley-index"  # held by a kept paragraph while its galley is copied


@dataclass(frozen=True)
class Line:
    """One laid-out line of justified text."""

    page: int  # index of its page in the document
    paragraph: int  # its block's element, by document order (elements())
    hyphen: bool  # ends in a hyphen (added by hyphenation, or the text's own)
    stretch: float  # what justification added to each word space, plus word-spacing, in ems
    foot: bool  # the last line of the text on its page (not a note's)


def elements(html) -> dict[int, int]:
    """{id(element): its index in document order} of an ``HTML`` object's tree."""
    return {id(element): index for index, element in enumerate(html.etree_element.iter())}


def restyle(html, styles: dict[int, str]) -> None:
    """Give the elements at these indexes (document order) these declarations,
    after any style of their own."""
    if not styles:
        return
    for index, element in enumerate(html.etree_element.iter()):
        if index in styles:
            own = (element.get("style") or "").strip().rstrip(";")
            element.set("style", f"{own}; {styles[index]}" if own else styles[index])


def galley(html, keep: set[int]) -> None:
    """Leave only the elements at these indexes (and what is in them) to lay
    out: they keep their ancestors, so their width, classes and inherited
    style, and their siblings, hidden, so that selectors such as
    ``p:first-child`` and ``h2 + p`` still match as in the document; the
    rest (other sections, chapters) is taken out, which saves matching its
    selectors. The document's head stays."""
    tree = list(html.etree_element.iter())
    kept = [tree[i] for i in sorted(keep) if i < len(tree)]
    parents = {id(child): element for element in tree for child in element}
    path: dict[int, object] = {}
    for element in kept:
        above = parents.get(id(element))
        while above is not None and id(above) not in path:
            path[id(above)] = above
            above = parents.get(id(above))
    kept_ids = {id(element) for element in kept}
    holding = {id(parents[id(element)]) for element in kept if id(element) in parents}
    for element in path.values():
        for child in list(element):  # type: ignore[call-overload]
            if id(child) in path or id(child) in kept_ids or child.tag == "head":
                continue
            if id(element) in holding:
                if isinstance(child.tag, str):
                    # Hidden, and emptied: its styles need not be computed.
                    child.set("style", "display: none")
                    for inner in list(child):
                        child.remove(inner)
                    child.text = None
            else:
                element.remove(child)  # type: ignore[attr-defined]


def galleys(html, copies: list[dict[int, str]]) -> dict[int, int]:
    """One galley (galley()) of the paragraphs of all ``copies`` ({element
    index: declarations}), its content then set once per copy: a copy
    shows only its own paragraphs, each given its declarations, so one
    layout tries many settings. Gives {id(element): copy * COPY + index}
    of each copy's paragraphs, to read their lines with (lines())."""
    tree = list(html.etree_element.iter())
    keep = set().union(*copies) if copies else set()
    for index in keep:
        if index < len(tree):
            tree[index].set(_MARK, str(index))
    galley(html, keep)
    body = next((element for element in html.etree_element if element.tag == "body"), None)
    if body is None:
        return {}
    content = list(body)
    for element in content:
        body.remove(element)
    found: dict[int, int] = {}
    for number, styles in enumerate(copies):
        for element in content:
            made = copy.deepcopy(element)
            for kept in made.iter():
                mark = kept.get(_MARK) if isinstance(kept.tag, str) else None
                if mark is None:
                    continue
                del kept.attrib[_MARK]
                own = (kept.get("style") or "").strip().rstrip(";")
                declarations: str | None = styles.get(int(mark))
                if declarations is None:
                    kept.set("style", f"{own}; display: none" if own else "display: none")
                else:
                    kept.set("style", f"{own}; {declarations}" if own else declarations)
                    found[id(kept)] = number * COPY + int(mark)
            body.append(made)
    return found


def _text_boxes(box):
    return [b for b, _ in walk(box) if isinstance(b, TextBox)]


def lines(document, index: dict[int, int]) -> list[Line]:
    """The justified lines of the document, page by page, in order."""
    found: list[Line] = []
    for number, page in enumerate(document.pages):
        root = page_box(page)
        flow: list[Line] = []
        notes: list[Line] = []
        last_box = last_flow = None  # the page's last line box in the flow, and its last justified one
        for child in root.children:
            if isinstance(child, MarginBox):
                continue
            into = notes if isinstance(child, FootnoteAreaBox) else flow
            for box, ancestors in walk(child):
                if not isinstance(box, LineBox):
                    continue
                if into is flow:
                    last_box = box
                if box.style["text_align_all"] != "justify" or not ancestors:
                    continue
                texts = _text_boxes(box)
                element = ancestors[-1].element
                if not texts or element is None or id(element) not in index:
                    continue
                size = texts[0].style["font_size"] or 1
                stretch = max(
                    (getattr(t, "justification_spacing", 0) or 0) + (t.style["word_spacing"] or 0) for t in texts
                )
                end = texts[-1].text.rstrip()
                hyphen = end.endswith(("-", "\u2010", texts[-1].style["hyphenate_character"] or "\u2010"))
                into.append(Line(number, index[id(element)], hyphen, stretch / size, False))
                if into is flow:
                    last_flow = box
        if flow and last_flow is last_box:
            flow[-1] = replace(flow[-1], foot=True)
        found += flow + notes
    return found
