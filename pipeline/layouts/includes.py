"""mdBook's preprocessor, as Pressroom reads a chapter: ``{{#include}}``,
``{{#rustdoc_include}}``, ``{{#playground}}`` and ``{{#title}}`` expanded, and
the hidden lines of Rust code blocks dropped.

It works on the text before Markdown is read, as mdBook's does, so an
include inside a code fence is expanded too (that is how listings are
made). Every line of the result keeps where it came from (file and line):
messages about included text point at the included file.

The rules follow mdBook 0.4 (src/preprocess/links.rs, src/utils/string.rs):
``file:10:20`` is lines 10 to 20, ``file:10:`` from 10 on, ``file::20`` up
to 20, ``file:10`` line 10 alone, ``file:name`` the lines between
``ANCHOR: name`` and ``ANCHOR_END: name`` without any anchor line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import confine
from ..errors import Diagnostics
from ..textfiles import read_text

Line = tuple[str, tuple[Path, int]]  # a line's text and where it came from

_DIRECTIVE = re.compile(r"\\\{\{#[^}\n]*\}\}|\{\{\s*#([A-Za-z0-9_]+)\s+([^}\n]+)\}\}")
_ANCHOR = re.compile(r"ANCHOR:\s*([\w-]+)")
_ANCHOR_END = re.compile(r"ANCHOR_END:\s*([\w-]+)")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([^\s,`{]*)")
_HIDDEN = re.compile(r"^(\s*)#(.?)(.*)$")
INCLUDES = ("include", "rustdoc_include", "playground")
MAX_DEPTH = 10  # as mdBook: deeper is surely a file that includes itself


@dataclass
class Expanded:
    text: str
    origins: list[tuple[Path, int]]  # per line of text: the file and line it came from
    included: list[Path] = field(default_factory=list)
    title: str | None = None  # from {{#title ...}}


def expand(path: Path, text: str, first_line: int, folder: Path, diags: Diagnostics) -> Expanded:
    """A chapter's text as mdBook's preprocessor leaves it, with its line map."""
    result = Expanded("", [])
    lines = [(line, (path, first_line + i)) for i, line in enumerate(text.split("\n"))]
    lines = _expand(lines, path.parent, folder.resolve(), diags, 0, result)
    lines = hide_rust_lines(lines)
    result.text = "\n".join(line for line, _ in lines)
    result.origins = [origin for _, origin in lines]
    return result


def _expand(
    lines: list[Line], base: Path, folder: Path, diags: Diagnostics, depth: int, result: Expanded
) -> list[Line]:
    out: list[Line] = []
    for text, origin in lines:
        if "{{" not in text:
            out.append((text, origin))
            continue
        current: list[Line] = [("", origin)]
        position = 0
        for match in _DIRECTIVE.finditer(text):
            current[-1] = (current[-1][0] + text[position : match.start()], current[-1][1])
            position = match.end()
            if match.group(0).startswith("\\"):  # \{{#include ...}} stands for itself
                current[-1] = (current[-1][0] + match.group(0)[1:], current[-1][1])
                continue
            kind, argument = match.group(1), match.group(2).strip()
            where = (origin[0], origin[1], match.start() + 1)
            if kind == "title":
                result.title = argument
                continue
            if kind not in INCLUDES:
                diags.warning(
                    f"'{{{{#{kind}}}}}' is not one of mdBook's own directives; it is set as written",
                    *where,
                    hint="the preprocessor that reads it does not run here",
                )
                current[-1] = (current[-1][0] + match.group(0), current[-1][1])
                continue
            got = _include(kind, argument, base, folder, where, diags, depth, result)
            if got is None:  # reported: the directive stays, as mdBook leaves it
                current[-1] = (current[-1][0] + match.group(0), current[-1][1])
                continue
            if got:
                head, head_origin = current[-1]
                current[-1] = (head + got[0][0], got[0][1] if not head.strip() else head_origin)
                current.extend(got[1:])
        current[-1] = (current[-1][0] + text[position:], current[-1][1])
        out.extend(current)
    return out


def _include(
    kind: str,
    argument: str,
    base: Path,
    folder: Path,
    where: tuple[Path, int, int],
    diags: Diagnostics,
    depth: int,
    result: Expanded,
) -> list[Line] | None:
    spec, *properties = argument.split()
    name, _, selector = spec.partition(":")
    target = confine.confined(
        base / name,
        diags,
        folder,
        confine.FOLDER,
        what=f"'{{{{#{kind} {spec}}}}}': '{name}'",
        at=where[0],
        line=where[1],
        column=where[2],
        hint="a path is relative to the file that includes it",
    )
    if target is None:
        return None
    if depth >= MAX_DEPTH:
        diags.error(
            f"'{{{{#{kind} {spec}}}}}': includes nested more than {MAX_DEPTH} deep",
            *where,
            hint="check for a file that includes itself",
        )
        return None
    text = read_text(target, diags, folder)
    if text is None:
        return None
    result.included.append(target)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's last line end
    selected = list(range(len(lines))) if kind == "playground" else _select(lines, selector, spec, where, diags)
    if selected is None:
        return None
    got = [(lines[i], (target, i + 1)) for i in selected]
    got = _expand(got, target.parent, folder, diags, depth + 1, result)
    if kind == "playground":
        info = "rust" + "".join("," + p for p in properties)
        got = [(f"```{info}", where[:2])] + got + [("```", where[:2])]
    return got


def parse_selector(selector: str):
    """``10:20``, ``10:``, ``:20``, ``10`` or ``name``: a range of 0-based
    line indexes (start, end or None) or an anchor's name, as mdBook reads them."""
    first, *rest = selector.split(":")
    if first and not first.isdigit():
        return first
    start = max(int(first) - 1, 0) if first else None
    if not rest:
        return (start, start + 1) if start is not None else (0, None)
    end = int(rest[0]) if rest[0].isdigit() else None
    return (start or 0, end)


def _select(
    lines: list[str], selector: str, spec: str, where: tuple[Path, int, int], diags: Diagnostics
) -> list[int] | None:
    chosen = parse_selector(selector)
    if isinstance(chosen, str):
        found = anchored(lines, chosen)
        if found is None:
            diags.error(
                f"'{spec}': the file has no anchor '{chosen}'",
                *where,
                hint=f"mark the lines with comments 'ANCHOR: {chosen}' and 'ANCHOR_END: {chosen}'",
            )
        return found
    start, end = chosen
    end = len(lines) if end is None else min(end, len(lines))
    if start >= end and selector:
        diags.warning(f"'{spec}' selects no line: the file has {len(lines)}", *where, hint="check the line numbers")
    return list(range(start, end))


def anchored(lines: list[str], name: str) -> list[int] | None:
    """The indexes of the lines between ``ANCHOR: name`` and ``ANCHOR_END: name``,
    without any anchor line; None when the anchor does not begin anywhere."""
    found: list[int] | None = None
    inside = False
    for i, line in enumerate(lines):
        end = _ANCHOR_END.search(line)
        start = _ANCHOR.search(line)
        if inside:
            if end and end.group(1) == name:
                break
            if not end and not start and found is not None:
                found.append(i)
        elif start and start.group(1) == name:
            found, inside = [], True
    return found


def hide_rust_lines(lines: list[Line]) -> list[Line]:
    """Drop the lines mdBook hides in Rust code blocks (``# `` or a lone ``#``)
    and turn ``##`` at a line's start into ``#``."""
    out: list[Line] = []
    fence, rust = None, False
    for text, origin in lines:
        opening = _FENCE.match(text)
        if fence is None:
            if opening:
                fence = opening.group(1)
                rust = opening.group(2).lower() == "rust"
            out.append((text, origin))
            continue
        if (
            opening
            and opening.group(1)[0] == fence[0]
            and len(opening.group(1)) >= len(fence)
            and not text.strip().lstrip(fence[0])
        ):
            fence = None
            out.append((text, origin))
            continue
        hidden = _HIDDEN.match(text) if rust else None
        if hidden and hidden.group(2) == "#":
            out.append((hidden.group(1) + "#" + hidden.group(3), origin))
        elif hidden and hidden.group(2) in ("", " "):
            continue
        else:
            out.append((text, origin))
    return out
