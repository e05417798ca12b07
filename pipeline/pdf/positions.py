"""Where each printed page begins, in words of the text.

Read from WeasyPrint's page boxes (engine/boxes.py) after typesetting: the first line of each
page that belongs to a numbered block (pagemarks.stamp), and how many of
that block's words the pages before it hold. Generated text (note calls,
list markers, ``content:``) is not counted: the EPUB does not have it.
"""

from __future__ import annotations

from ..pagemarks import ATTRIBUTE, position
from .engine import boxes

# A line ending in one of these after a letter ends inside a word that the
# next line finishes: a hyphenation point, or a hyphen in a compound.
_WORD_HYPHENS = ("-", "\u2010", "\u00ad")


def _lines(box, block=None, repeated=frozenset()):
    """(line box, numbered block id) in reading order, without margin boxes,
    notes, and table headers and footers repeated from an earlier page."""
    if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
        return
    if getattr(box, "is_header", False) or getattr(box, "is_footer", False):
        ids = {b.element.get(ATTRIBUTE) for b in box.descendants() if b.element is not None}
        if ids & repeated:
            return
    element = box.element
    if (
        element is not None
        and not box.element_tag.count("::")
        and element.get(ATTRIBUTE)
        and isinstance(box, (boxes.BlockLevelBox, boxes.BlockContainerBox))
    ):
        block = element.get(ATTRIBUTE)
    if isinstance(box, boxes.LineBox):
        yield box, block
        return
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _lines(child, block, repeated)


def _text(line) -> str:
    return "".join(b.text for b in line.descendants() if isinstance(b, boxes.TextBox) and "::" not in b.element_tag)


def page_positions(document) -> list[str | None]:
    """For each page, the position (``block@words``) of its first line of
    numbered text, or None when it has none."""
    words: dict[str, int] = {}  # words begun so far, per block
    continued: dict[str, bool] = {}  # its last line ended inside a word
    found = []
    for page in document.pages:
        first = None
        for line, block in _lines(boxes.page_box(page), repeated=frozenset(words)):
            if block is None:
                continue
            text = _text(line)
            tokens = text.split()
            if not tokens:
                continue
            if first is None:
                first = position(block, words.get(block, 0))
            begun = len(tokens) - (1 if continued.get(block) and not text[0].isspace() else 0)
            words[block] = words.get(block, 0) + begun
            end = text.rstrip()
            continued[block] = (
                not text[-1].isspace() and end.endswith(_WORD_HYPHENS) and len(end) > 1 and end[-2].isalnum()
            )
        found.append(first)
    return found
