"""The contents tree: headings from every chapter, levels relative to the shallowest."""

from __future__ import annotations

import re

from ..model import Heading, Publication

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def text_of(el) -> str:
    return " ".join("".join(el.itertext()).split())


def drop_empty(chapter, text: str, diags) -> None:
    """A heading with nothing in it (a lone '#') names nothing: readers
    announce an empty heading, and Ace refuses it. It goes, with a warning."""
    from .sanitize import line_of

    empty = [
        el
        for el in chapter.body.iter(*HEADINGS)
        if not text_of(el) and next(el.iter("img", "svg", "math"), None) is None
    ]
    written = iter(re.finditer(r"^ {0,3}#{1,6}[ \t]*#*[ \t]*$", text, re.M))
    for el in empty:
        found = next(written, None)
        line = (
            chapter.first_line + text.count("\n", 0, found.start()) if found else line_of(chapter, text, f"<{el.tag}")
        )
        diags.warning(
            "an empty heading was left out", chapter.source, line, hint="give the heading its words, or remove the line"
        )
        el.drop_tree()  # its tail stays


def offset(chapter) -> int:
    """How many levels a chapter's headings sit below its source's: one per
    part it is in and, for a file nested in an mdBook chapter, one per level
    of nesting, counted from its shallowest heading (# or ##, as authors write them)."""
    levels = chapter.place.offset
    if chapter.place.continues:
        written = [int(el.tag[1]) for el in chapter.body.iter(*HEADINGS)]
        levels += 1 - min(written, default=1)
    return levels


def build_toc(pub: Publication) -> None:
    found = []
    for chapter in pub.chapters:
        shift = offset(chapter)
        for el in chapter.body.iter(*HEADINGS):
            # An empty heading has nothing to show in the contents.
            if el.get("id") and text_of(el) and "unlisted" not in (el.get("class") or "").split():
                # Chapters inside a part sit one level below the part's title.
                found.append((int(el.tag[1]) + shift, el, chapter))
    if not found:
        return
    stack: list[tuple[int, Heading]] = []  # (source level, heading)
    for level, el, chapter in found:
        while stack and stack[-1][0] >= level:
            stack.pop()
        # Depth in the tree, not the source's level: a skipped level (# then
        # ###) would break the heading order readers and Ace rely on.
        heading = Heading(len(stack) + 1, el.get("id"), text_of(el), chapter)
        el.set("data-level", str(heading.level))
        # An article's or a collection piece's title is set as h1 by the
        # writers, so its sections start at h2.
        titled = pub.metadata.kind == "article" or bool(chapter.meta.get("title"))
        el.tag = f"h{min(6, heading.level + titled)}"
        if (
            not chapter.headings
            and chapter.role != "part"
            and level == 1 + chapter.place.offset
            and not chapter.place.continues
        ):
            # The chapter's own title, whatever its depth under parts: the
            # print sheet sets it as a chapter opening and a running head.
            # A file nested in an mdBook chapter continues it: its title is a section's.
            el.set("class", " ".join(((el.get("class") or "").split()) + ["chapter-title"]))
        chapter.headings.append(heading)
        if chapter.title is None and heading.level == 1:
            chapter.title = heading.title
        (stack[-1][1].children if stack else pub.toc).append(heading)
        stack.append((level, heading))
    for chapter in pub.chapters:
        if chapter.title is None:
            chapter.title = chapter.meta.get("title") or (
                chapter.headings[0].title if chapter.headings else chapter.place.label or pub.metadata.title
            )
