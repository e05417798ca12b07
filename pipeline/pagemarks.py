"""Print page positions shared by both editions.

Both writers number the text blocks of each chapter the same way (an
attribute, ``data-pm``, which costs the typesetter nothing). After
typesetting, the print writer reads where each page begins: in which block,
after how many of its words (pdf/positions.py). The EPUB writer puts a
page-break marker at that word of the same block, so the EPUB's page-list
points at the text where each print page begins.

A position is written ``<block id>@<words before it>``, e.g. ``pm-ch2-14@37``.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

BLOCKS = {"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "pre"}
SKIP = {"footnotes", "footnote"}
ATTRIBUTE = "data-pm"
# Text that is not part of a block's words in both editions: a note's call
# (a number in the EPUB, generated content in print) and math (MathML in the
# EPUB, a picture in print).
NOT_WORDS = {"noteref"}
# The front-matter pages a print page can begin on, and the EPUB file each is in.
FRONT_PAGE_FILES = {"titlepage": "titlepage.xhtml", "contents": "nav.xhtml"}
_WORD = re.compile(r"\S+")


def _skipped(el) -> bool:
    return any(set((a.get("class") or "").split()) & SKIP for a in el.iterancestors()) or any(
        a.tag in BLOCKS for a in el.iterancestors()
    )


def stamp(body, prefix: str) -> list[str]:
    """Number the outermost text blocks (``data-pm``); return their ids in reading order."""
    ids = []
    for block in [b for b in body.iter(*BLOCKS) if not _skipped(b)]:
        ids.append(f"{prefix}{len(ids)}")
        block.set(ATTRIBUTE, ids[-1])
    return ids


def position(block_id: str, words: int) -> str:
    return f"{block_id}@{words}"


def block_of(position_id: str) -> str:
    return position_id.split("@", 1)[0]


def _pieces(block):
    """(element, "text" or "tail") for each piece of the block's words, in reading order."""

    def walk(el):
        if el.text:
            yield el, "text"
        for child in el:
            if isinstance(child.tag, str) and not _not_words(child):
                yield from walk(child)
            if child.tail:
                yield child, "tail"

    yield from walk(block)


def _not_words(el) -> bool:
    return bool(set((el.get("class") or "").split()) & NOT_WORDS) or el.tag.endswith("math")


def insert_before_word(block, words: int, marker) -> None:
    """Put ``marker`` (an empty element) before the block's word number ``words``
    (counted from 0), or at its end when it has fewer."""
    seen, after_space = 0, True
    for el, where in _pieces(block):
        text = getattr(el, where) or ""
        for match in _WORD.finditer(text):
            if match.start() == 0 and not after_space:
                continue  # the rest of a word begun in the piece before
            if seen == words:
                _split(el, where, match.start(), marker)
                return
            seen += 1
        if text:
            after_space = text[-1].isspace()
    block.append(marker)


def _split(el, where: str, offset: int, marker) -> None:
    text = getattr(el, where)
    if where == "text":
        el.text, marker.tail = text[:offset], text[offset:]
        el.insert(0, marker)
    else:
        el.tail, marker.tail = text[:offset], text[offset:]
        el.addnext(marker)


def place(body, prefix: str, labels: dict[str, str]) -> list[tuple[lxml_html.HtmlElement, str]]:
    """EPUB side: an empty span at each of this chapter's page positions
    ({position: printed page label}); returns (span, label) pairs for the
    caller to make into page-break markers."""
    stamp(body, prefix)
    blocks = {el.get(ATTRIBUTE): el for el in body.iter() if isinstance(el.tag, str) and el.get(ATTRIBUTE)}
    wanted = sorted(
        ((block_of(p), int(p.split("@", 1)[1]), label) for p, label in labels.items() if block_of(p) in blocks),
        key=lambda t: -t[1],
    )  # later words first: offsets stay true
    placed = []
    for block_id, words, label in wanted:
        marker = lxml_html.Element("span")
        insert_before_word(blocks[block_id], words, marker)
        placed.append((marker, label))
    for el in blocks.values():
        del el.attrib[ATTRIBUTE]
    return placed


def page_starts(
    positions: list[str | None], anchors_by_page: list[list[str]], fixed: dict[str, str] | None = None
) -> dict[str, int]:
    """For each page, the position where its text begins, or else one of the
    ``fixed`` front-matter ids: {position or id: page number}, in page order."""
    starts = {}
    for number, (where, anchors) in enumerate(zip(positions, anchors_by_page), 1):
        if where is not None:
            starts.setdefault(where, number)
            continue
        front = [a for a in anchors if a in (fixed or {}) and a not in starts]
        if front:  # its first page: an id is among the anchors of every page its box reaches
            starts[front[0]] = number
    return starts


def chapter_of(position_id: str) -> str:
    return block_of(position_id).removeprefix("pm-").rsplit("-", 1)[0]


def print_edition_id(identifier: str) -> str:
    """The print edition's own identifier, derived from the publication's."""
    import uuid

    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'pressroom:print:{identifier}')}"
