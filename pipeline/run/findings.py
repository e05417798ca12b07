"""What the typesetter noticed, turned into warnings located in the
sources: resources refused, images printed below 300 dpi, notes that could
not stay beside their calls, text that runs into the margin, a table of
contents shortened to fit."""

from __future__ import annotations

import copy
from pathlib import Path

from ..errors import Diagnostic, Location

# What the typesetter notices that a writer can act on (besides low-resolution
# images and notes apart from their calls): resources refused.
REPORTED = ("refused: ",)


def _low_resolution(pub, project: Path, name: str, dpi: int, page: int, needed: int) -> Diagnostic:
    """A warning at the first place the image is used in the sources."""
    asset = next((a for a in pub.assets.values() if a.name == name), None)
    path, line, src = asset.first_use if asset and asset.first_use else (None, None, name)
    where = Location(_relative(path, project), line) if path else Location(_where(pub, project))
    return Diagnostic(
        "warning",
        f"image '{src}' prints at {dpi} dpi on page {page}, below 300 dpi",
        where,
        f"use an image at least {needed} pixels wide, or set it smaller",
    )


def _note_apart(pub, project: Path, note: str, page: int) -> Diagnostic:
    """A note that could not be kept on the page of its call, at its call's line."""
    chapter = pub.anchors.get(note)
    if chapter is None:
        return Diagnostic(
            "warning", f"note {note} starts after page {page}, the page of its call", Location(_where(pub, project))
        )
    number = next((el.get("data-number") for el in chapter.body.iter("aside") if el.get("id") == note), "?")
    line = _call_line(chapter, note)
    return Diagnostic(
        "warning",
        f"note {number} does not fit on page {page} beside its call and starts on the next page",
        Location(_relative(chapter.source, project), line),
        "shorten the note, or move its call earlier in the paragraph",
    )


def _not_fitting(pub, project: Path, overflows) -> list[Diagnostic]:
    """What the print edition could not fit in its pages' text area, each at
    its block's line. Each chapter is stamped and its source read once."""
    from ..pagemarks import chapter_of, stamp

    seen: dict[str, tuple[dict, str]] = {}  # chapter id -> (block mark -> element, source text)

    def marked(chapter):
        if chapter.id not in seen:
            body = copy.deepcopy(chapter.body)
            stamp(body, f"pm-{chapter.id}-")
            text = chapter.source.read_text(encoding="utf-8", errors="replace") if chapter.source.is_file() else ""
            seen[chapter.id] = ({el.get("data-pm"): el for el in body.iterfind(".//*[@data-pm]")}, text)
        return seen[chapter.id]

    found = []
    for block, words, page in overflows:
        chapter = next((c for c in pub.chapters if block and chapter_of(block) == c.id), None)
        where = Location(_where(pub, project))
        if chapter is not None:
            elements, text = marked(chapter)
            el = elements.get(block)
            snippet = next((t.strip()[:30] for t in (el.itertext() if el is not None else ()) if t.strip()), words[:30])
            index = text.find(snippet)
            where = Location(_relative(chapter.source, project), text.count("\n", 0, index) + 1 if index >= 0 else None)
        found.append(
            Diagnostic(
                "warning",
                f"on page {page} of the print edition, '{words}' does not fit in the "
                "page's text area and runs into the margin",
                where,
                "break up the long word, line or table, or make the image smaller",
            )
        )
    return found


def _contents_shortened(pub, project: Path) -> list[Diagnostic]:
    from ..pdf.frontmatter import MAX_ENTRIES, contents_depth

    shown = contents_depth(pub)
    if shown == pub.metadata.toc_depth:
        return []
    line = pub.metadata.key_lines.get("toc-depth")
    listed = (
        (f"lists only the top {shown} levels of headings" if shown > 1 else "lists only the top level of headings")
        if shown
        else "is left out"
    )
    return [
        Diagnostic(
            "warning",
            f"the print edition's contents would list more than {MAX_ENTRIES} headings, "
            f"so it {listed}; the PDF's bookmarks list them all",
            Location(_where(pub, project), line),
            "set a smaller toc-depth in publication.yaml, or split the publication",
        )
    ]


def _call_line(chapter, note: str) -> int | None:
    """The line of a note's call ([^label]) in the chapter's source."""
    try:
        lines = chapter.source.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    label = note[3:] if note.startswith("fn-") else note
    for candidate in (label, label.rsplit("-", 1)[0]):  # ids made unique across chapters gain a -N
        for number, line in enumerate(lines, 1):
            if f"[^{candidate}]" in line and not line.lstrip().startswith(f"[^{candidate}]:"):
                return number
    return None


def _relative(path: Path, project: Path) -> str:
    try:
        return path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return path.name


def _where(pub, project: Path) -> str:
    try:
        return pub.sources[0].resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return pub.slug


def findings(pub, project: Path, rendered) -> list[Diagnostic]:
    """The warnings of the print edition's typesetting, in the order they are reported."""
    found = [
        Diagnostic("warning", m, Location(_where(pub, project))) for m in rendered.messages if m.startswith(REPORTED)
    ]
    found += [_low_resolution(pub, project, *low) for low in rendered.low_resolution]
    found += [_note_apart(pub, project, *apart) for apart in rendered.notes_apart]
    found += _not_fitting(pub, project, rendered.overflows)
    found += rendered.warnings  # formulas that could not be drawn, located by the renderer
    found += _contents_shortened(pub, project)
    return found
