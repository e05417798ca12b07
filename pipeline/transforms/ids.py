"""Ids unique across the publication, and every internal link resolved.

Python-Markdown numbers headings and notes per file, so chapters joined into
one print document would collide; here each id is made unique (a suffix on
collision) and every link is rewritten to ``#id``, the model's one form of an
internal link. Writers map it to ``file#id`` (EPUB) or keep it (print).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import Diagnostics
from ..model import Publication
from .sanitize import line_of

_BAD = re.compile(r"[^\w.\-]")


def _clean(value: str) -> str:
    value = _BAD.sub("-", value.strip())
    return value if value[:1].isalpha() else f"id-{value}"


def unique_ids(pub: Publication, texts: dict, diags: Diagnostics) -> dict:
    """Rename ids so none repeats; returns {chapter id: {old id: new id}}."""
    used = {c.id for c in pub.chapters}
    renames = {}
    for chapter in pub.chapters:
        mapping, seen = {}, set()
        for el in chapter.body.iter():
            old = el.get("id") if isinstance(el.tag, str) else None
            if old is None:
                continue
            if old in seen:
                diags.error(f"the id '{old}' is used twice in this file", chapter.source,
                            line_of(chapter, texts[chapter.id], old),
                            hint="give each element its own id")
                continue
            seen.add(old)
            new = base = _clean(old)
            n = 2
            while new in used:
                new, n = f"{base}-{n}", n + 1
            used.add(new)
            mapping[old] = new
            el.set("id", new)
            pub.anchors[new] = chapter
        chapter.body.set("id", chapter.id)
        pub.anchors[chapter.id] = chapter
        renames[chapter.id] = mapping
    return renames


def resolve_links(pub: Publication, renames: dict, texts: dict, diags: Diagnostics) -> None:
    by_source = {c.source.resolve(): c for c in pub.chapters}
    for chapter in pub.chapters:
        for a in chapter.body.iter("a"):
            href = a.get("href")
            if href is None:
                continue
            target = _resolve(href, chapter, by_source, renames)
            if target is _EXTERNAL:
                continue
            if target is None:
                what, hint = _missing(href, chapter, by_source)
                diags.error(f"broken link '{href}': {what}",
                            chapter.source, line_of(chapter, texts[chapter.id], href), hint=hint)
                a.attrib.pop("href")
            else:
                a.set("href", f"#{target}")


_EXTERNAL = object()


def _missing(href, chapter, by_source) -> tuple[str, str]:
    """What a broken link lacks, and what to do about it."""
    parts = urlsplit(href)
    if parts.scheme:
        return f"'{parts.scheme}:' links cannot be followed from a publication", "link to a web address or a file"
    if parts.path and (chapter.source.parent / unquote(parts.path)).resolve() not in by_source:
        return "no such file in the publication", "check the file name: it must be one of the publication's sources"
    return (f"nothing in {'that file' if parts.path else 'the publication'} has the id "
            f"'{unquote(parts.fragment)}'", "check the id: a heading's comes from its words, a figure's is figure-1, figure-2 and so on")


def _resolve(href, chapter, by_source, renames):
    parts = urlsplit(href)
    if parts.scheme in ("http", "https", "mailto", "tel", "urn", "doi") or parts.netloc:
        return _EXTERNAL
    if parts.scheme:
        return None
    target_chapter = chapter
    if parts.path:
        path = (chapter.source.parent / unquote(parts.path)).resolve()
        target_chapter = by_source.get(path)
        if target_chapter is None:
            return None
    fragment = unquote(parts.fragment)
    if not fragment:
        return target_chapter.id
    found = renames[target_chapter.id].get(fragment)
    if found is None and not parts.path:
        # A bare #id names something anywhere in the publication when only
        # one chapter has it (figure-3, a heading's id).
        elsewhere = [m[fragment] for m in renames.values() if fragment in m]
        if len(elsewhere) == 1:
            return elsewhere[0]
    return found


