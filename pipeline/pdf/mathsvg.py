"""Math for print: WeasyPrint has no MathML, so each formula is drawn as SVG.

ziamath typesets the formula from its TeX with the STIX Two Math font it
ships; the SVG goes in as a data: image with the TeX as its alternative
text, so the tagged PDF still says what the formula is.
"""

from __future__ import annotations

import base64

from lxml import html as lxml_html

from ..errors import Diagnostics
from ..model import Chapter
from ..sanitise.svg import clean_file

# ziamath's sizes are points; drawn at the text's 10.5pt they came out small
# beside Charis SIL, whose x-height is large, so formulas are set a size up.
SIZE = 12.5


def _svg(tex: str, block: bool) -> tuple[bytes, float, float, float]:
    import ziamath  # a fifth of a second to import: only for publications with math

    drawing = ziamath.Latex(tex, size=SIZE * (1.1 if block else 1), inline=not block)
    # The drawing holds the formula's text: it goes through the same
    # allow-list as any SVG, so \text{...} can bring in nothing.
    svg, _ = clean_file(drawing.svg().encode("utf-8"))
    width, height = drawing.getsize()
    # getyofst() is the distance from the bottom to the baseline (negative):
    # it lines the formula's baseline up with the text's.
    return svg, width, height, drawing.getyofst()


def replace_math(body) -> list[tuple[str, str]]:
    """Turn every <math> of a chapter's print copy into an SVG image. A
    formula that cannot be drawn keeps its MathML, whose symbols print as
    plain text: (its TeX, why) for each, for a warning (``undrawn``)."""
    undrawn = []
    for math in list(body.iter("math")):
        tex = math.get("alttext") or "".join(math.itertext())
        block = math.get("display") == "block"
        try:
            svg, width, height, baseline = _svg(tex, block)
        except Exception as exc:  # noqa: BLE001 - keep the text when a formula cannot be drawn
            undrawn.append((tex, type(exc).__name__))
            continue
        img = lxml_html.Element(
            "img",
            {
                "class": "math-display" if block else "math",
                "alt": tex,
                "src": "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"),
                "style": f"width: {width:.2f}pt; height: {height:.2f}pt"
                + ("" if block else f"; vertical-align: {baseline:.2f}pt"),
            },
        )
        img.tail = math.tail
        math.getparent().replace(math, img)
    return undrawn


def undrawn(chapter: Chapter, tex: str, why: str, diags: Diagnostics) -> None:
    """A warning, at the formula's line, for a formula the print edition could not draw."""
    try:
        text = chapter.source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    index = text.find(tex[:30])
    diags.warning(
        f"the formula '{tex[:40]}' could not be drawn for the print edition ({why}); "
        "its symbols are printed as plain text",
        chapter.source,
        text.count("\n", 0, index) + 1 if index >= 0 else None,
        hint="simplify the formula: an empty \\text{}, a \\tag or a \\limits without an operator cannot be drawn",
    )
