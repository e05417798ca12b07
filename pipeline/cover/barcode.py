"""The ISBN's EAN-13 barcode for the back of the print cover, as HTML: the
bars an SVG picture, the digits and the "ISBN ..." line above them text in
the committed fonts, on a white box the size the service keeps for it.

python-barcode checks and encodes the number (its modules, 1 a bar, 0 a
space); the drawing is ours, to the GS1 dimensions at a magnification
that fits the area: 0.33 mm a module at 100%, never under the 80% the
standard allows; in a short area the bars are shortened, as book
barcodes often are, rather than narrowed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

MODULE = 0.33  # mm, at 100%
BARS = 22.85  # mm, the bars' height at 100%
GUARD = 1.65  # mm, how far the guard bars reach below the others
LEFT_QUIET, RIGHT_QUIET = 11, 7  # modules of white either side
LABEL = 3.2  # mm, the "ISBN ..." line above the bars, at 100%
DIGITS = 2.9  # mm, the digits' line under the bars, at 100%
PAD = 1.5  # mm of white around it all, beside the quiet zones
GUARDS = set(range(0, 3)) | set(range(45, 50)) | set(range(92, 95))


@dataclass(frozen=True)
class Barcode:
    html: str
    width: float  # mm
    height: float  # mm
    magnification: float


def modules(ean: str) -> str:
    """The 95 modules of an EAN-13 (python-barcode checks the check digit)."""
    import barcode  # here: only a cover needs it

    code = barcode.get("ean13", ean)
    if code.get_fullcode() != ean:  # it would have "corrected" a wrong check digit
        raise ValueError(f"'{ean}' is not a valid EAN-13")
    return code.build()[0]


def _bars(bits: str, x: float, bar: float, guard: float) -> str:
    """Each run of bars a box of its own (CSS boxes take the ink colour the
    sheet gives them, where an SVG's fill would be RGB)."""
    out = []
    start = None
    for i, bit in enumerate(bits + "0"):
        if bit == "1" and start is None:
            start = i
        elif bit != "1" and start is not None:
            height = bar + (guard if start in GUARDS else 0)
            out.append(
                f'<i style="left: {start * x:.4f}mm; width: {(i - start) * x:.4f}mm; height: {height:.4f}mm"></i>'
            )
            start = None
    return "".join(out)


def ean13(isbn: str, area: tuple[float, float], label: str) -> Barcode:
    """The barcode of an ISBN-13 (hyphenated as printed in ``label``, e.g.
    "ISBN 978-3-16-148410-0") fitting ``area`` (width, height in mm)."""
    digits = isbn.replace("-", "")
    bits = modules(digits)
    width_at_1 = (LEFT_QUIET + 95 + RIGHT_QUIET) * MODULE + 2 * PAD
    height_at_1 = LABEL + BARS + GUARD + DIGITS - GUARD + 2 * PAD
    mag = max(0.8, min(1.0, area[0] / width_at_1, area[1] / height_at_1))
    x = MODULE * mag
    # What is left for the bars once the text lines are set, at most their full height.
    bar = min(BARS * mag, area[1] - 2 * PAD - (LABEL + DIGITS) * mag)
    guard = GUARD * mag
    left = PAD + LEFT_QUIET * x
    width = 2 * PAD + (LEFT_QUIET + 95 + RIGHT_QUIET) * x
    height = 2 * PAD + (LABEL + DIGITS) * mag + bar
    size = f"font-size: {DIGITS * mag * 1.05:.3f}mm"
    # Each digit centred under its seven modules; the first in the left quiet zone.
    spans = [
        f'<span style="left: {PAD:.3f}mm; width: {LEFT_QUIET * x - 0.3:.3f}mm; text-align: right">{digits[0]}</span>'
    ]
    for n, digit in enumerate(digits[1:]):
        start = 3 + 7 * n + (5 if n >= 6 else 0)  # after the start guard, and the centre guard
        spans.append(f'<span style="left: {left + start * x:.3f}mm; width: {7 * x:.3f}mm">{digit}</span>')
    top = PAD + LABEL * mag + bar
    out = (
        f'<div class="barcode" role="img" aria-label="{html.escape(label)}" '
        f'style="width: {width:.3f}mm; height: {height:.3f}mm">'
        f'<p class="isbn" style="top: {PAD:.3f}mm; font-size: {LABEL * mag * 0.8:.3f}mm">{html.escape(label)}</p>'
        f'<div class="bars" style="left: {left:.3f}mm; top: {PAD + LABEL * mag:.3f}mm">{_bars(bits, x, bar, guard)}</div>'
        f'<div class="digits" style="top: {top:.3f}mm; {size}">{"".join(spans)}</div></div>'
    )
    return Barcode(out, round(width, 3), round(height, 3), round(mag, 3))
