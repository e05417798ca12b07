"""Page geometry: trim sizes by name and mirrored margins (CSS Paged Media)."""

from __future__ import annotations

# width x height in millimetres
TRIMS = {
    "a4": (210, 297), "a5": (148, 210), "letter": (215.9, 279.4),
    "us-trade": (152.4, 228.6), "royal": (156, 234), "demy": (138, 216),
}
DEFAULT_TRIM = "a5"


def page_css(trim: str = DEFAULT_TRIM) -> str:
    width, height = TRIMS[trim]
    # Margins scale with the page; the inner (binding) margin is the narrower
    # on a single page but the pair reads as one spread.
    top, bottom = height * 0.085, height * 0.11
    inner, outer = width * 0.12, width * 0.15
    return (
        f"@page {{ size: {width}mm {height}mm; margin: {top:.1f}mm {outer:.1f}mm {bottom:.1f}mm {inner:.1f}mm; }}\n"
        f"@page :left {{ margin-left: {outer:.1f}mm; margin-right: {inner:.1f}mm; }}\n"
        f"@page :right {{ margin-left: {inner:.1f}mm; margin-right: {outer:.1f}mm; }}\n"
    )
