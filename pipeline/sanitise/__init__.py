"""Allow-lists for what a publication may carry inside its text: HTML's
elements and attributes, MathML, SVG and CSS. Each cleaner keeps what it
knows to be harmless, removes the rest, and says what it removed; ``urls``
holds the one policy on what a reference may point to.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Removal:
    """One thing a cleaner took out: what it was, and the line it was on
    (counted from 1 in the text the cleaner was given; None when unknown)."""

    what: str
    line: int | None = None


def summary(removals: list[Removal], limit: int = 6) -> str:
    """The removals as one phrase, each thing once, for a single warning."""
    names = list(dict.fromkeys(r.what for r in removals))
    shown = "; ".join(names[:limit])
    return shown + (f"; and {len(names) - limit} more" if len(names) > limit else "")


def first_line(removals: list[Removal]) -> int | None:
    return min((r.line for r in removals if r.line is not None), default=None)
