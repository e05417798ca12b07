"""Page geometry: trim sizes by name or as WIDTHxHEIGHT, mirrored margins,
and for the press bleed and crop marks (CSS Paged Media).

Pure arithmetic and text: the metadata checks use it when reading, before
any writer is loaded, and the print writer sets its pages by it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# width x height in millimetres; the names a printer's price list uses
TRIMS = {
    "a4": (210, 297),
    "a5": (148, 210),
    "a6": (105, 148),
    "b5": (176, 250),
    "letter": (215.9, 279.4),
    "us-letter": (215.9, 279.4),
    "us-trade": (152.4, 228.6),
    "6x9in": (152.4, 228.6),
    "royal": (156, 234),
    "demy": (138, 216),
    "crown-quarto": (189, 246),
}
DEFAULT_TRIM = "a5"
HINT = (
    "give a name (a4, a5, a6, b5, us-letter, us-trade, royal, demy, crown-quarto) "
    "or WIDTHxHEIGHT with a unit (mm, cm, in, pt), e.g. 6x9in or 140x216mm"
)
BLEED_MM = 3  # what printers ask for
BLEED_LIMIT_MM = 13  # half an inch: more is surely a typing error
# Crop marks, as presses and prepress software set them: outside the bleed
# (at least 3 mm from the trim), 5 mm long, a quarter point thick.
MARK_OFFSET_MM = 3
MARK_LENGTH_MM = 5
MARK_WIDTH_PT = 0.25
SIGNATURES = (4, 8, 16)  # pages to a folded sheet
UNITS = {"mm": 1, "cm": 10, "in": 25.4, "pt": 25.4 / 72}
# Smaller than a postcard or larger than A3 is surely a typing error.
LIMITS = (74, 420)
_CUSTOM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)?\s*[x\u00d7]\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$", re.I)


@dataclass(frozen=True)
class Trim:
    width: float  # mm
    height: float  # mm


def parse_trim(text: str) -> Trim:
    """A trim size from a name ("a5", "US Trade") or "WIDTHxHEIGHT" with a
    unit ("6x9in", "140 x 216 mm"). Raises ValueError saying what is wrong."""
    name = re.sub(r"[\s_]+", "-", str(text).strip().lower())
    if name in TRIMS:
        return Trim(*TRIMS[name])
    match = _CUSTOM.match(str(text))
    if not match:
        raise ValueError(f"'{text}' is not a trim size")
    width_unit = match.group(2) or match.group(4)
    width = float(match.group(1)) * UNITS[width_unit.lower()]
    height = float(match.group(3)) * UNITS[match.group(4).lower()]
    if not all(LIMITS[0] <= side <= LIMITS[1] for side in (width, height)):
        raise ValueError(
            f"trim size '{text}' is {width:.0f} x {height:.0f} mm; each side must be "
            f"between {LIMITS[0]} and {LIMITS[1]} mm"
        )
    return Trim(round(width, 2), round(height, 2))


_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$", re.I)
MARGIN_SIDES = ("top", "bottom", "inner", "outer")
MARGIN_HINT = "give a length with its unit, e.g. 18mm, 2cm or 0.75in"


def parse_length(text: str) -> float:
    """Millimetres from "18mm", "2 cm", "0.75in" or "54pt". Raises ValueError."""
    match = _LENGTH.match(str(text))
    if not match:
        raise ValueError(f"'{text}' is not a length")
    return round(float(match.group(1)) * UNITS[match.group(2).lower()], 2)


def margins(trim: Trim, given: dict[str, str] | None = None) -> dict[str, float]:
    """The four margins in mm: those given (MARGIN_SIDES to lengths), the
    others scaled to the page. Raises ValueError when the text block would
    be too small to set text in."""
    # The inner (binding) margin is narrower than the outer one, since the
    # two inner margins of a spread read as one gutter.
    found = {
        "top": trim.height * 0.085,
        "bottom": trim.height * 0.11,
        "inner": trim.width * 0.12,
        "outer": trim.width * 0.16,
    }
    found.update({side: parse_length(value) for side, value in (given or {}).items() if value})
    if (
        trim.width - found["inner"] - found["outer"] < trim.width * 0.4
        or trim.height - found["top"] - found["bottom"] < trim.height * 0.4
    ):
        raise ValueError(
            f"the margins leave a text block of {trim.width - found['inner'] - found['outer']:.0f} x "
            f"{trim.height - found['top'] - found['bottom']:.0f} mm on a {trim.width:.0f} x "
            f"{trim.height:.0f} mm page; it must keep at least 40% of each side"
        )
    return found


def page_css(trim: str | Trim = DEFAULT_TRIM, bleed: float = 0, given: dict[str, str] | None = None) -> str:
    """The page geometry as CSS; bleed in mm (``True``: the usual 3 mm). Crop
    marks are not WeasyPrint's (drawn inside the bleed) but pdf/marks.py's."""
    size = trim if isinstance(trim, Trim) else parse_trim(trim)
    width, height = size.width, size.height
    m = margins(size, given)
    top, bottom, inner, outer = m["top"], m["bottom"], m["inner"], m["outer"]
    bleed = BLEED_MM if bleed is True else float(bleed)
    press = f" bleed: {bleed:g}mm;" if bleed else ""
    return (
        f"@page {{ size: {width}mm {height}mm; margin: {top:.1f}mm {outer:.1f}mm {bottom:.1f}mm {inner:.1f}mm;{press} }}\n"
        f"@page :left {{ margin-left: {outer:.1f}mm; margin-right: {inner:.1f}mm; }}\n"
        f"@page :right {{ margin-left: {inner:.1f}mm; margin-right: {outer:.1f}mm; }}\n"
        # A display page fills the text block (its last item sits at the foot);
        # an image never takes more than two thirds of it, leaving room for its caption.
        f".fill {{ min-height: {height - top - bottom - 1:.1f}mm; }}\n"
        f"img {{ max-height: {(height - top - bottom) * 0.66:.1f}mm; }}\n"
    )


@dataclass(frozen=True)
class Press:
    """What the press options ask of the print edition, resolved."""

    pdfx: bool = False  # a PDF/X file under the output intent
    bleed: float = 0.0  # mm beyond the trim on every side
    marks: bool = False  # crop marks outside the bleed
    signature: int = 0  # pad the page count to a multiple of it; 0: as laid out

    @property
    def mark_offset(self) -> float:
        """How far from the trim the crop marks start, in mm: never inside the bleed."""
        return max(self.bleed, MARK_OFFSET_MM)

    @property
    def slug(self) -> float:
        """The paper beyond the trim on each side (mm) the media box holds: the bleed, or the marks too."""
        return self.mark_offset + MARK_LENGTH_MM + 1 if self.marks else self.bleed


def parse_bleed(value) -> float:
    """Millimetres of bleed from ``true`` (3 mm), ``false`` (none) or a length. Raises ValueError."""
    if isinstance(value, bool) or value is None:
        return BLEED_MM if value else 0.0
    found = parse_length(str(value))
    if found > BLEED_LIMIT_MM:
        raise ValueError(f"a bleed of {value} is more than {BLEED_LIMIT_MM} mm")
    return found


def parse_signature(value) -> int:
    """The signature (pages to a sheet) from 4, 8, 16, or 0 / false for none. Raises ValueError."""
    if value in (None, False, 0):
        return 0
    if isinstance(value, bool) or str(value).strip() not in {str(n) for n in SIGNATURES}:
        raise ValueError(f"'{value}' is not a signature of 4, 8 or 16 pages")
    return int(str(value).strip())
