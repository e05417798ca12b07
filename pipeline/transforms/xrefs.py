"""Cross-references: a link with no text of its own shows its target's name.

``[](#figure-2)`` reads "Figure 2", ``[](writing.md#footnotes)`` the heading's
title, a link to a note "note 3"; the print edition adds the page of every
internal link's target ("Figure 2, page 14": pdf/crossrefs.py).
Runs after the links are resolved, so every href is ``#id``.
"""

from __future__ import annotations

from ..model import Publication
from ..terms import term
from .headings import HEADINGS, text_of


def fill(pub: Publication) -> None:
    # One index of every id, made once: looking each link's target up in the
    # whole tree would take a time that grows with links times elements.
    by_id = {el.get("id"): el for c in pub.chapters for el in c.body.iter() if isinstance(el.tag, str) and el.get("id")}
    for chapter in pub.chapters:
        for a in chapter.body.iter("a"):
            href = a.get("href") or ""
            if not href.startswith("#") or (a.text or "").strip() or len(a):
                continue
            target = pub.anchors.get(href[1:])
            if target is None:
                continue
            el = by_id.get(href[1:]) if href[1:] != target.id else None
            if el is not None and el.get("data-label"):
                a.text = el.get("data-label")
            elif el is not None and el.tag == "aside" and el.get("data-number"):
                a.text = term("note number", chapter.lang, el.get("data-number"))
            elif el is not None and el.tag in HEADINGS:
                a.text = text_of(el)
            else:
                a.text = target.title or href[1:]
            if "page" in (a.get("class") or "").split():
                a.set("class", " ".join([c for c in a.get("class").split() if c != "page"] + ["page-ref"]))
