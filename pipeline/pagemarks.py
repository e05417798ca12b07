"""Print page positions shared by both editions.

The print writer marks every sentence start with an empty anchor; WeasyPrint
reports on which page each anchor lands. The EPUB writer marks the same
positions in its own copy of the same tree, keeps the first anchor of each
printed page as a page-break marker and drops the rest, so the EPUB's
page-list points at the text where each print page begins.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

BLOCKS = {"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "pre"}
SKIP = {"footnotes", "footnote"}
_SENTENCE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f])")


def _pieces(text: str) -> list[str]:
    cuts = [0] + [m.end() for m in _SENTENCE.finditer(text)] + [len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def _skipped(el) -> bool:
    return any(set((a.get("class") or "").split()) & SKIP for a in el.iterancestors()) or \
        any(a.tag in BLOCKS for a in el.iterancestors())


def mark(body, prefix: str) -> list[str]:
    """Insert an empty <span class="pm" id=...> at each sentence start; return the ids in order."""
    ids = []

    def marker():
        span = lxml_html.Element("span", {"class": "pm", "id": f"{prefix}{len(ids)}"})
        ids.append(span.get("id"))
        return span

    for block in [b for b in body.iter(*BLOCKS) if not _skipped(b)]:
        children = list(block)
        if block.text and block.text.strip():
            parts = _pieces(block.text)
            block.text = None
            for i, part in enumerate(parts):
                span = marker()
                span.tail = part
                block.insert(i, span)
        else:
            span = marker()
            span.tail, block.text = block.text, None
            block.insert(0, span)
        for child in children:
            if not child.tail or not child.tail.strip():
                continue
            parts = _pieces(child.tail)
            child.tail = parts[0]
            position = block.index(child)
            for offset, part in enumerate(parts[1:], 1):
                span = marker()
                span.tail = part
                block.insert(position + offset, span)
    return ids


def page_starts(anchors_by_page: list[list[str]], marker_ids: list[str],
                fixed: dict[str, str] | None = None) -> dict[str, int]:
    """For each page, the first marker (in reading order) that lands on it,
    or else one of the ``fixed`` front-matter ids: {id: page number}."""
    order = {mid: i for i, mid in enumerate(marker_ids)}
    starts = {}
    for number, anchors in enumerate(anchors_by_page, 1):
        on_page = [a for a in anchors if a in order]
        if on_page:
            starts[min(on_page, key=order.__getitem__)] = number
        else:
            front = [a for a in anchors if a in (fixed or {})]
            if front:
                starts[front[0]] = number
    return starts


def chapter_of(marker_id: str) -> str:
    return marker_id.removeprefix("pm-").rsplit("-", 1)[0]


def print_edition_id(identifier: str) -> str:
    """The print edition's own identifier, derived from the publication's."""
    import uuid
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'pressroom:print:{identifier}')}"
