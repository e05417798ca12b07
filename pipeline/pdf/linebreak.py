"""Paragraphs composed as a whole, not line by line.

WeasyPrint breaks each line greedily and justifies by stretching word
spaces, so a sheet can only trade hyphens for loose lines: hyphenate
everywhere and a third of the lines end in a hyphen; hyphenate only where a
line would be very loose (``hyphenate-limit-zone``, print.css) and some
lines stretch their spaces past twice the natural space.

So each paragraph is judged once laid out (its lines read from the layout:
engine/paragraphs.py): loose lines, three hyphens in a row, a hyphen at the
foot of a recto, a hyphen ending its last full line, and hyphens at all.
A faulty paragraph is set again with the next of a few settings (tighter word
and letter spacing; hyphenation wherever it helps; looser, with fewer
hyphens), all faulty ones at once in one layout, and keeps the setting it
read best in. A paragraph's lines do not depend on the page it is on, so
the rounds are few (at most one per setting, and one to settle) and none is
run for a document without faults. The same happens in a book set in parts:
each part's first page is a recto.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .engine.paragraphs import Line, elements, lines, restyle

__all__ = ["compose", "elements", "restyle", "score"]

# A line is loose when justification widens its word spaces by more than the
# natural space (so that a space is over twice the natural): Charis SIL's is
# 0.293 em; a little less is used, to stay clear of the limit.
NATURAL_EM = 0.27
# The settings a faulty paragraph is tried in, after the sheet's own, in order.
VARIANTS = (
    "",
    "word-spacing: -0.1em; letter-spacing: -0.01em",
    "hyphenate-limit-zone: 7%",
    "hyphenate-limit-zone: 0; word-spacing: -0.1em; letter-spacing: -0.01em",
    "hyphenate-limit-zone: 30%; letter-spacing: 0.012em",
)
FAULT = 100  # a loose line, a third hyphen in a row, a hyphen at a recto's foot
LAST_FULL_LINE = 5  # a hyphen ending the line before a paragraph's last
HYPHEN = 1

Laid = TypeVar("Laid")


def score(found: list[Line]) -> dict[int, int]:
    """{paragraph: its faults, weighted}; FAULT or more is a fault to mend."""
    by_paragraph: dict[int, list[Line]] = {}
    for line in found:
        by_paragraph.setdefault(line.paragraph, []).append(line)
    scores = {}
    for paragraph, its in by_paragraph.items():
        total, run = 0, 0
        for number, line in enumerate(its):
            last = number + 1 == len(its)
            if line.stretch > NATURAL_EM and not last:
                total += FAULT
            run = run + 1 if line.hyphen else 0
            if run >= 3:
                total += FAULT
            if line.hyphen and line.foot and line.page % 2 == 0:  # the first page of a layout is a recto
                total += FAULT
            if line.hyphen:
                total += LAST_FULL_LINE if number + 2 == len(its) else HYPHEN
        scores[paragraph] = total
    return scores


def compose(lay_out: Callable[[dict[int, str]], tuple[Laid, object, dict[int, int]]]) -> Laid:
    """The layout in which each paragraph has the best of VARIANTS.

    lay_out(styles) lays the document out with each paragraph of ``styles``
    (element index -> declarations) restyled, and gives (what it laid out,
    the document, the element indexes)."""
    tried: dict[int, int] = {}  # paragraph -> the variant it is set in
    best: dict[int, tuple[int, int]] = {}  # paragraph -> (score, variant), the best seen
    laid, document, index = lay_out({})
    for variant in range(1, len(VARIANTS) + 1):
        faulty = []
        for paragraph, points in score(lines(document, index)).items():
            here = (points, tried.get(paragraph, 0))
            best[paragraph] = min(best.get(paragraph, here), here)
            if points >= FAULT:
                faulty.append(paragraph)
        if not faulty or variant == len(VARIANTS):
            break
        tried.update((paragraph, variant) for paragraph in faulty)
        laid, document, index = lay_out({p: VARIANTS[v] for p, v in tried.items()})
    chosen = {p: v for p, (_, v) in best.items() if v}
    if chosen != {p: v for p, v in tried.items() if v}:
        laid, document, index = lay_out({p: VARIANTS[v] for p, v in chosen.items()})
    return laid
