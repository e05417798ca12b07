"""The contents tree: headings from every chapter, levels relative to the shallowest."""

from __future__ import annotations

from ..model import Heading, Publication

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def text_of(el) -> str:
    return " ".join("".join(el.itertext()).split())


def build_toc(pub: Publication) -> None:
    found = []
    for chapter in pub.chapters:
        for el in chapter.body.iter(*HEADINGS):
            if el.get("id") and "unlisted" not in (el.get("class") or "").split():
                found.append((int(el.tag[1]), el, chapter))
    if not found:
        return
    base = min(level for level, _, _ in found)
    stack: list[Heading] = []
    for level, el, chapter in found:
        heading = Heading(level - base + 1, el.get("id"), text_of(el), chapter)
        el.set("data-level", str(heading.level))
        chapter.headings.append(heading)
        if chapter.title is None and heading.level == 1:
            chapter.title = heading.title
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        (stack[-1].children if stack else pub.toc).append(heading)
        stack.append(heading)
    for chapter in pub.chapters:
        if chapter.title is None:
            chapter.title = chapter.meta.get("title") or (
                chapter.headings[0].title if chapter.headings else pub.metadata.title)
