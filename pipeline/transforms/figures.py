"""Figures and tables numbered through the whole publication.

Python-Markdown numbers captions per file; a book needs one sequence, and
ids a writer can guess (figure-3, table-1) for cross-references.
"""

from __future__ import annotations

from ..model import Publication
from ..terms import term


def number(pub: Publication) -> dict[str, str]:
    """Renumber captioned figures and tables; return {id: label} for cross-references."""
    counters: dict[str, int] = {}
    labels = {}
    for chapter in pub.chapters:
        for figure in chapter.body.iter("figure"):
            prefix = next(iter(figure.find_class("caption-prefix")), None)
            if prefix is None or not (prefix.text or "").strip():
                continue
            kind = prefix.text.split()[0].lower()  # Python-Markdown writes "Figure" or "Table"
            counters[kind] = counters.get(kind, 0) + 1
            label = f"{term(kind, chapter.lang)} {counters[kind]}"
            prefix.text = f"{label}."
            if (figure.get("id") or "").startswith("__") or not figure.get("id"):
                figure.set("id", f"{kind}-{counters[kind]}")
            figure.set("data-label", label)
            labels[figure.get("id")] = label
    return labels
