"""Loading stage: the print cover's options (``print-cover:`` in the metadata)
and what the print-on-demand services ask of a cover: their bleed, the
area kept clear for the ISBN barcode, the paper stocks' thickness per page
(from which the spine's width is reckoned) and the least spine that takes
text. Pure arithmetic and text, read before any writer is loaded.

The figures are those the services publish with their cover calculators
and templates; a stock not listed is given as its thickness per page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostics
from .pagesize import UNITS

INCH = UNITS["in"]
_LENGTH = re.compile(r"^\s*(\d*\.?\d+)\s*(mm|cm|in|pt)\s*$", re.I)


def thickness(text: str) -> float:
    """Millimetres from a paper's thickness per page ("0.0572mm", "0.002252in"),
    unrounded (pagesize.parse_length keeps two decimals). Raises ValueError."""
    match = _LENGTH.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a length")
    return float(match.group(1)) * UNITS[match.group(2).lower()]


@dataclass(frozen=True)
class Service:
    name: str
    bleed: float  # mm, on each outer edge of the spread
    barcode: tuple[float, float]  # mm, the area kept clear for the barcode at the back's foot, by the spine
    barcode_margin: float  # mm, between that area and the trim and the spine
    stocks: dict[str, float]  # paper name -> mm per page (one page: half a leaf)
    spine_text_pages: int  # the fewest pages whose spine may carry text
    spine_margin: float  # mm kept clear of text on each side of the spine's folds
    min_pages: int  # the fewest pages the service binds


SERVICES = {
    # Amazon KDP paperbacks: 0.125 in bleed, a 2 x 1.2 in barcode area,
    # spine text from 80 pages, 0.0625 in clear of each fold; 24 pages at least.
    "kdp": Service(
        "kdp",
        0.125 * INCH,
        (2 * INCH, 1.2 * INCH),
        0.25 * INCH,
        {"white": 0.002252 * INCH, "cream": 0.0025 * INCH, "colour": 0.002347 * INCH, "color": 0.002347 * INCH},
        80,
        0.0625 * INCH,
        24,
    ),
    # IngramSpark: 0.125 in bleed, a 1.75 x 1 in barcode box, spine text from
    # 48 pages; 50 lb white (444 pages an inch) and creme (400); 18 pages at least.
    "ingramspark": Service(
        "ingramspark",
        0.125 * INCH,
        (1.75 * INCH, 1 * INCH),
        0.25 * INCH,
        {"white": INCH / 444, "cream": INCH / 400, "creme": INCH / 400},
        48,
        0.0625 * INCH,
        18,
    ),
}
DEFAULT_SERVICE = "kdp"
DEFAULT_PAPER = "white"
KEYS = ("service", "paper")
HINT = (
    "print-cover: {service: kdp, paper: cream}; paper: a stock of the service, or its thickness per page, e.g. 0.06mm"
)


@dataclass(frozen=True)
class CoverOptions:
    service: str = DEFAULT_SERVICE
    paper: str = DEFAULT_PAPER  # a stock of the service, or a thickness per page ("0.0572mm")

    @property
    def spec(self) -> Service:
        return SERVICES[self.service]

    def per_page(self) -> float:
        """The paper's thickness per page, in mm."""
        stocks = self.spec.stocks
        return stocks[self.paper] if self.paper in stocks else thickness(self.paper)

    def spine(self, pages: int) -> float:
        """The spine's width in mm for a book of so many pages."""
        return round(pages * self.per_page(), 3)


def read_cover_options(raw, line, path: Path, diags: Diagnostics) -> CoverOptions | None:
    """The ``print-cover`` value: None when it is absent or false, the options
    (defaults where not given) when true or a mapping; each bad value reported."""
    if raw is None or raw is False:
        return None
    if raw is True:
        return CoverOptions()
    if not isinstance(raw, dict):
        diags.error(f"'print-cover' must be true or a mapping of options, not {raw!r}", path, line, hint=HINT)
        return None
    for key in sorted(set(map(str, raw)) - set(KEYS)):
        close = difflib.get_close_matches(key, KEYS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"choose from: {', '.join(KEYS)}"
        diags.error(f"unknown option '{key}' in 'print-cover'", path, line, hint=hint)
    service = str(raw.get("service", DEFAULT_SERVICE)).strip().lower()
    if service not in SERVICES:
        diags.error(
            f"'print-cover.service': no print-on-demand service named '{service}'",
            path,
            line,
            hint=f"choose from: {', '.join(SERVICES)}",
        )
        service = DEFAULT_SERVICE
    paper = str(raw.get("paper", DEFAULT_PAPER)).strip().lower()
    options = CoverOptions(service, paper)
    if paper not in SERVICES[service].stocks:
        try:
            per_page = thickness(paper)
        except ValueError:
            per_page = 0.0
        if not 0.02 <= per_page <= 0.5:  # from bible paper to board, per page
            diags.error(
                f"'print-cover.paper': '{paper}' is neither a paper of {service} nor a thickness per page "
                "between 0.02mm and 0.5mm",
                path,
                line,
                hint=f"choose from: {', '.join(SERVICES[service].stocks)}, or give a length such as 0.06mm",
            )
            return CoverOptions(service, DEFAULT_PAPER)
    return options
