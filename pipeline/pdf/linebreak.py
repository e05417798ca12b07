"""Paragraphs composed as a whole, not line by line.

WeasyPrint breaks each line greedily and justifies by stretching word
spaces, so a sheet can only trade hyphens for loose lines: hyphenate
everywhere and a third of the lines end in a hyphen; hyphenate only where a
line would be very loose (``hyphenate-limit-zone``, print.css) and some
lines stretch their spaces past twice the natural space.

So each paragraph is judged once laid out (its lines read from the layout:
engine/paragraphs.py): loose lines, three hyphens in a row, a hyphen at the
foot of a recto, a hyphen ending its last full line, and hyphens at all.
A faulty paragraph is tried in a few other settings (tighter word and
letter spacing; hyphenation wherever it helps; looser, with fewer hyphens)
and keeps the one it reads best in. A paragraph's lines do not depend on the
page it is on, so each setting is tried on all faulty paragraphs at once, in
a galley: the document with everything else hidden, a fraction of its cost;
and several settings in one galley, each in a copy of it, since a layout's
own cost (a chapter's quarter of a second) outweighed the few paragraphs
a galley holds.
Then the document is laid out once more with each paragraph's setting; a
document without faults is laid out once, and a paragraph is tried in a
few settings at most (TRIES). The same happens in a book set in
parts: each part's first page is a recto.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from .engine.paragraphs import COPY, Line, elements, galleys, lines, restyle

__all__ = ["compose", "elements", "galleys", "restyle", "rising", "score"]

# A line is loose when justification widens its word spaces by more than the
# natural space (so that a space is over twice the natural): Charis SIL's is
# 0.293 em; a little less is used, to stay clear of the limit.
NATURAL_EM = 0.27
# The settings a faulty paragraph is tried in, after the sheet's own, in
# order: the spacing (letters by at most 3% of the em; word spaces, letter
# spacing included, never under three quarters of the natural: a narrower
# space reads as none to text extraction, "seecollections"), first at the
# sheet's hyphenation limit zone, then with hyphens allowed more often;
# last, more break points.
SPACINGS = (
    "word-spacing: -0.06em",
    "word-spacing: -0.06em; letter-spacing: -0.01em",
    "letter-spacing: 0.01em",
    "word-spacing: -0.05em; letter-spacing: -0.02em",
    "letter-spacing: 0.02em",
    "word-spacing: -0.04em; letter-spacing: -0.03em",
    "letter-spacing: 0.03em",
    "",
)
ZONES = ("", "hyphenate-limit-zone: 9%", "hyphenate-limit-zone: 0")
TIGHT = "word-spacing: -0.06em; letter-spacing: -0.01em"
# The tight setting hyphenating wherever it helps comes early: it mends most
# loose lines, should a paragraph run out of tries (TRIES).


def _edged(setting: str) -> str:
    """The setting, its lines ending at the column's edge: letter spacing
    leaves a justified line's last letter short of the edge (or past it) by
    twice the spacing, as measured on the page; the paragraph's right
    margin gives it back."""
    spacing = re.search(r"letter-spacing: (-?[\d.]+)em", setting)
    return f"{setting}; margin-right: {-2 * float(spacing.group(1)):g}em" if spacing else setting


VARIANTS = tuple(
    _edged(setting)
    for setting in dict.fromkeys(
        (
            "",
            TIGHT,
            f"hyphenate-limit-zone: 0; {TIGHT}",
            *("; ".join(filter(None, (zone, spacing))) for zone in ZONES for spacing in SPACINGS if zone or spacing),
            "hyphenate-limit-zone: 0; hyphenate-limit-chars: 5 2 2; word-spacing: -0.055em; letter-spacing: -0.015em",
        )
    )
)
FAULT = 100  # a loose line, a third hyphen in a row, a hyphen at a recto's foot
LAST_FULL_LINE = 5  # a hyphen ending the line before a paragraph's last
HYPHEN = 1
# A paragraph with more hyphens than this share of its lines, and more than
# one, is tried in the other settings too, for one with fewer (the book's
# limit is 10%); a single hyphen is no fault worth a layout.
HYPHENS_SHARE = 0.08
# A paragraph is tried in at most this many settings: a long text whose
# every paragraph is faulty costs a few layouts, not one per setting. Per
# paragraph, so that a book set in parts chooses as the whole book does.
TRIES = 12

Laid = TypeVar("Laid")


def score(found: list[Line], feet: bool = True) -> dict[int, int]:
    """{paragraph: its faults, weighted}; FAULT or more is a fault to mend.
    feet: count a hyphen at a recto's foot (not in a galley, whose pages are not the book's)."""
    return {p: points for p, (points, _) in judged(found, feet).items()}


def judged(found: list[Line], feet: bool = True) -> dict[int, tuple[int, bool]]:
    """{paragraph: (its score, whether another setting may do better)}."""
    by_paragraph: dict[int, list[Line]] = {}
    for line in found:
        by_paragraph.setdefault(line.paragraph, []).append(line)
    scores = {}
    for paragraph, its in by_paragraph.items():
        total, run, hyphens = 0, 0, 0
        for number, line in enumerate(its):
            last = number + 1 == len(its)
            if line.stretch > NATURAL_EM and not last:
                total += FAULT
            run = run + 1 if line.hyphen else 0
            if run >= 3:
                total += FAULT
            if feet and line.hyphen and line.foot and line.page % 2 == 0:  # a layout's first page is a recto
                total += FAULT
            if line.hyphen:
                hyphens += 1
                total += LAST_FULL_LINE if number + 2 == len(its) else HYPHEN
        scores[paragraph] = (total, total >= FAULT or hyphens > max(1, HYPHENS_SHARE * len(its)))
    return scores


def compose(
    lay_out: Callable[[dict[int, str], list[dict[int, str]] | None], tuple[Laid, object, dict[int, int]]],
) -> Laid:
    """The layout in which each paragraph has the best of VARIANTS.

    lay_out(styles, copies) lays the document out with each paragraph of
    ``styles`` (element index -> declarations) restyled; given ``copies``
    instead, a galley of each copy's paragraphs in its declarations
    (engine/paragraphs.galleys). It gives (what it laid out, the document,
    the index its lines are read with: element index, or copy * COPY + it)."""
    laid, document, index = lay_out({}, None)
    whole = judged(lines(document, index))
    pending = {p for p, (_, better) in whole.items() if better}
    if not pending:
        return laid
    plain = score(lines(document, index), feet=False)
    # A paragraph whose only fault is a hyphen at a recto's foot takes
    # another setting whose lines are good: its breaks, and its foot, move.
    best = {p: ((plain[p], 0) if whole[p][0] < FAULT or plain[p] >= FAULT else (FAULT, 0)) for p in pending}
    tries: dict[int, int] = dict.fromkeys(pending, 0)
    tried: set[tuple[int, int]] = set()

    def trying(variant: int, faults_only: bool, counts: dict[int, int]) -> set[int]:
        wanted = (p for p in pending if (best[p][0] >= FAULT if faults_only else (p, variant) not in tried))
        return {p for p in wanted if counts[p] < TRIES}

    # Faults first, in every setting; then fewer hyphens, in the settings
    # that do not hyphenate more; each paragraph in at most TRIES settings.
    for faults_only in (True, False):
        variants = [v for v in range(1, len(VARIANTS)) if faults_only or "hyphenate-limit" not in VARIANTS[v]]
        size = 2
        while variants:
            # A few settings at a time, more each time, in one galley: the
            # paragraphs each would be tried on should none be mended on
            # the way. Those it is tried on, one setting after the other as
            # before, are among them: a paragraph only leaves.
            chunk, variants, size = variants[:size], variants[size:], size * 2
            counts, plan = dict(tries), []
            for variant in chunk:
                them = trying(variant, faults_only, counts)
                for p in them:
                    counts[p] += 1
                if them:
                    plan.append((variant, them))
            if not plan:
                continue
            _, galley, at = lay_out({}, [dict.fromkeys(them, VARIANTS[v]) for v, them in plan])
            results = judged(lines(galley, at), feet=False)
            for number, (variant, _) in enumerate(plan):
                now = trying(variant, faults_only, tries)
                for p in now:
                    tries[p] += 1
                tried.update((p, variant) for p in now)
                for p in sorted(now):
                    found = results.get(number * COPY + p)
                    if found is not None and (found[0], variant) < best[p]:
                        best[p] = (found[0], variant)
                        if not found[1]:
                            pending.discard(p)
    chosen = {p: VARIANTS[v] for p, (_, v) in best.items() if v}
    if not chosen:
        return laid
    return lay_out(chosen, None)[0]


def rising(on_page: Callable[[int], None] | None) -> Callable[[int], None] | None:
    """on_page, called only with a count higher than any before: the
    document is laid out again once its paragraphs are set."""
    if on_page is None:
        return None
    high = [0]

    def report(count: int) -> None:
        if count > high[0]:
            high[0] = count
            on_page(count)

    return report
