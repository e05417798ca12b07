"""Cross-references: a link with no text of its own shows its target's name.

``[](#figure-2)`` reads "Figure 2", ``[](writing.md#footnotes)`` the heading's
title; with ``{.page}`` the print edition adds the page ("Figure 2, page 14").
Runs after the links are resolved, so every href is ``#id``.
"""

from __future__ import annotations

from ..model import Publication
from .headings import HEADINGS, text_of


def fill(pub: Publication) -> None:
    for chapter in pub.chapters:
        for a in chapter.body.iter("a"):
            href = a.get("href") or ""
            if not href.startswith("#") or (a.text or "").strip() or len(a):
                continue
            target = pub.anchors.get(href[1:])
            if target is None:
                continue
            el = next(iter(target.body.xpath(f"//*[@id='{href[1:]}']")), None) if href[1:] != target.id else None
            if el is not None and el.get("data-label"):
                a.text = el.get("data-label")
            elif el is not None and el.tag in HEADINGS:
                a.text = text_of(el)
            else:
                a.text = target.title or href[1:]
            if "page" in (a.get("class") or "").split():
                a.set("class", " ".join([c for c in a.get("class").split() if c != "page"] + ["page-ref"]))
