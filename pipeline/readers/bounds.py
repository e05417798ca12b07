"""Shapes of source Python-Markdown reads in a time that grows with the
square of their size (its inline pass looks each block up among all the
others, each ``[`` scans the rest of its paragraph, each call of a note
counts over the earlier calls of the same note). A file past these bounds is
refused at its line, with what to do, rather than left to run for minutes;
the commonmark dialect reads all of them in linear time.
"""

from __future__ import annotations

import re

MAX_BLOCKS = 5_000  # paragraphs, headings, list items at the top level of one file
MAX_BRACKET_WORK = 2_000_000  # a paragraph's [ count times its length
MAX_CALLS_OF_ONE_NOTE = 200

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:")
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_HINT = "split the file into several, or read it with the commonmark dialect (markdown: commonmark)"


def refused(text: str) -> list[tuple[str, int, str]]:
    """The (message, line, hint) of each bound the text goes past."""
    found = []
    blocks, start, paragraph, fence = 0, 1, [], None
    for number, row in enumerate(text.split("\n") + [""], 1):
        opening = _FENCE.match(row)
        if fence:  # code is set as it is: neither blocks nor links in it
            fence = None if opening and opening.group(1).startswith(fence) else fence
            continue
        if opening:
            fence = opening.group(1)
        if row.strip() and not opening:
            if not paragraph:
                start = number
            paragraph.append(row)
            continue
        if paragraph:
            blocks += 1
            if blocks == MAX_BLOCKS + 1:
                found.append(
                    (
                        f"this file holds more than {MAX_BLOCKS:,} blocks (paragraphs, headings, lists), "
                        "more than the python-markdown dialect reads in reasonable time",
                        start,
                        _HINT,
                    )
                )
            _brackets(paragraph, start, found)
            paragraph = []
    calls: dict[str, list[int]] = {}
    for match in _NOTE_CALL.finditer(text):
        lines = calls.setdefault(match.group(1), [])
        lines.append(match.start())
        if len(lines) == MAX_CALLS_OF_ONE_NOTE + 1:
            found.append(
                (
                    f"note [^{match.group(1)}] is called more than {MAX_CALLS_OF_ONE_NOTE} times, "
                    "more than the python-markdown dialect reads in reasonable time",
                    text.count("\n", 0, match.start()) + 1,
                    "call it fewer times; " + _HINT,
                )
            )
    return found


def _brackets(paragraph: list[str], start: int, found: list) -> None:
    # Note and link definitions are read line by line, a note's call by its own
    # pattern: only the other brackets send Python-Markdown along the paragraph.
    text = "\n".join(row for row in paragraph if not _DEFINITION.match(row))
    count = text.count("[") - text.count("[^")
    if count * len(text) <= MAX_BRACKET_WORK:
        return
    found.append(
        (
            f"this paragraph of {len(text):,} characters holds {count:,} '[', more than the python-markdown "
            "dialect reads in reasonable time",
            start,
            "break the paragraph up, or write a bracket that is not a link as \\[; " + _HINT,
        )
    )
