"""Figures and tables numbered through the whole publication.

Python-Markdown numbers captions per file; a book needs one sequence, and
ids a writer can guess (figure-3, table-1) for cross-references.

A table's caption is set above it, a figure's below: the book convention,
since a table is read from the top and its caption says what the columns
hold. Writers write captions after what they caption, so the caption moves.
"""

from __future__ import annotations

from ..model import Publication
from ..terms import term


def _caption_above_table(figure, kind: str | None) -> None:
    """Move a table's caption to the top of its figure (in every edition)."""
    caption = next((c for c in figure if c.tag == "figcaption"), None)
    if caption is None or figure.index(caption) == 0:
        return
    others = [c for c in figure if isinstance(c.tag, str) and c is not caption]
    if kind != "table" and not (kind is None and len(others) == 1 and others[0].tag == "table"):
        return
    previous = caption.getprevious()
    if caption.tail and caption.tail.strip() == "":
        caption.tail = None
    elif caption.tail:  # words after the caption stay where they were
        previous.tail = (previous.tail or "") + caption.tail
        caption.tail = None
    figure.remove(caption)
    caption.tail = figure.text
    figure.text = None
    figure.insert(0, caption)
    caption.set("class", " ".join(filter(None, [caption.get("class"), "above"])))


def number(pub: Publication) -> dict[str, str]:
    """Renumber captioned figures and tables; return {id: label} for cross-references."""
    counters: dict[str, int] = {}
    labels = {}
    for chapter in pub.chapters:
        for figure in chapter.body.iter("figure"):
            prefix = next(iter(figure.find_class("caption-prefix")), None)
            if prefix is None or not (prefix.text or "").strip():
                _caption_above_table(figure, None)
                continue
            kind = prefix.text.split()[0].lower()  # Python-Markdown writes "Figure" or "Table"
            _caption_above_table(figure, kind)
            counters[kind] = counters.get(kind, 0) + 1
            label = f"{term(kind, chapter.lang)} {counters[kind]}"
            prefix.text = f"{label}."
            if (figure.get("id") or "").startswith("__") or not figure.get("id"):
                figure.set("id", f"{kind}-{counters[kind]}")
            figure.set("data-label", label)
            labels[figure.get("id")] = label
    return labels
