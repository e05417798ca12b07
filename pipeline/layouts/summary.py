"""mdBook's SUMMARY.md: the book's order, parts, nesting and drafts.

The grammar is mdBook's (src/book/summary.rs): an optional first ``#``
heading is the summary's own title; links before the first list are prefix
chapters (front matter); list items, nested by indentation, are the
numbered chapters, and a ``#`` heading among them starts a part; links after
the lists are suffix chapters (back matter). ``[Title]()`` is a draft: a
chapter not written yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..errors import Diagnostics

_LINK = re.compile(r"\[((?:\\.|[^\[\]\\]|\[[^\]]*\])*)\]\(\s*(<[^>]*>|[^)\s]*)\s*\)")
_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


@dataclass
class Item:
    kind: str  # "chapter" or "part"
    title: str
    path: str | None  # relative to the book's src folder; None for a draft or a part
    line: int
    depth: int = 0  # nesting: 0 for a top-level chapter
    role: str = "body"  # front (prefix), body (numbered) or back (suffix)


def parse(text: str, path: Path, diags: Diagnostics) -> list[Item]:
    items: list[Item] = []
    phase = "start"  # start, prefix, numbered, suffix
    indents: list[int] = []  # the indentation of each open level of the lists
    in_comment = False
    for number, line in enumerate(text.split("\n"), 1):
        if in_comment or "<!--" in line:
            line, in_comment = _without_comments(line, in_comment)
        if not line.strip() or _RULE.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            if phase == "start":
                phase = "prefix"  # the summary's title: mdBook ignores it
            elif len(heading.group(1)) == 1:
                if phase == "suffix":
                    diags.error(
                        "a part title after the suffix chapters",
                        path,
                        number,
                        hint="suffix chapters (links outside a list) come last in SUMMARY.md",
                    )
                    continue
                phase = "numbered"
                items.append(Item("part", heading.group(2), None, number))
                indents = []
            continue
        entry = _ITEM.match(line)
        if entry:
            if phase == "suffix":
                diags.error(
                    "a numbered chapter after the suffix chapters",
                    path,
                    number,
                    hint="suffix chapters (links outside a list) come last in SUMMARY.md",
                )
                continue
            phase = "numbered"
            indent = len(entry.group(1).expandtabs(4))
            while indents and indent <= indents[-1]:
                indents.pop()
            depth = len(indents)
            indents.append(indent)
            link = _LINK.match(entry.group(2).strip())
            if not link:
                diags.error(
                    "each entry in a list of SUMMARY.md must be a link to a chapter",
                    path,
                    number,
                    hint="write it as - [Title](file.md), or [Title]() for a draft",
                )
                continue
            items.append(Item("chapter", _title(link.group(1)), _target(link.group(2)), number, depth))
            continue
        links = list(_LINK.finditer(line))
        if not links:
            if phase != "start":
                continue  # prose between the lists: mdBook ignores it
            phase = "prefix"
            continue
        if phase in ("start", "prefix"):
            phase, role = "prefix", "front"
        else:
            phase, role = "suffix", "back"
        for link in links:
            items.append(Item("chapter", _title(link.group(1)), _target(link.group(2)), number, 0, role))
    return items


def _title(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def _target(text: str) -> str | None:
    text = text.strip().removeprefix("<").removesuffix(">")
    return unquote(text) if text else None


def _without_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """The line without the parts inside HTML comments, and whether one is still open."""
    out = ""
    while line:
        if in_comment:
            end = line.find("-->")
            if end < 0:
                return out, True
            line, in_comment = line[end + 3 :], False
        else:
            start = line.find("<!--")
            if start < 0:
                return out + line, False
            out, line, in_comment = out + line[:start], line[start + 4 :], True
    return out, in_comment
