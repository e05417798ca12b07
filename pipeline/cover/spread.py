"""The cover spread's geometry and its HTML: back, spine and front side by
side on one page the size of the trimmed spread, with the service's bleed
round it; the title, subtitle and authors on the front and (when the spine
is wide enough to take text) the spine; the blurb, the publisher and the
ISBN barcode on the back.

All lengths in mm, from the trimmed spread's top left corner.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..cover_options import CoverOptions
from ..metadata import Metadata
from ..pagesize import parse_trim
from ..terms import term
from .barcode import Barcode, ean13

SAFE = 12.0  # mm from the trim and the folds to any text of the front and back
SPINE_TEXT = 2.5  # mm: the least room across the spine (inside its margins) for a line one can read
# The ink colours: the EPUB cover's (epub/cover.py), in CMYK for the press.
PAPER = "device-cmyk(0.21 0.25 0 0.81)"
INK = "device-cmyk(0 0.02 0.06 0.03)"
ACCENT = "device-cmyk(0 0.62 0.72 0.23)"


@dataclass(frozen=True)
class Geometry:
    width: float  # one page
    height: float
    spine: float
    bleed: float
    spine_text: bool  # whether the spine carries the title and authors

    @property
    def spread(self) -> float:
        return 2 * self.width + self.spine

    @property
    def front(self) -> float:
        """Where the front begins."""
        return self.width + self.spine


def geometry(meta: Metadata, options: CoverOptions, pages: int) -> Geometry:
    trim = parse_trim(meta.options.print.trim)
    spec, spine = options.spec, options.spine(pages)
    # Text on a spine narrower than the service allows would run onto the front or back.
    text = pages >= spec.spine_text_pages and spine - 2 * spec.spine_margin >= SPINE_TEXT
    return Geometry(trim.width, trim.height, spine, spec.bleed, text)


def _barcode(meta: Metadata, options: CoverOptions) -> Barcode | None:
    """The print edition's ISBN-13 as a barcode; none for a book without one."""
    own = meta.identifier_of("print")
    if own.scheme != "ISBN":
        return None
    from stdnum import isbn  # here: as in metadata_identifiers.py, only a book with an ISBN needs it

    # A barcode is always of the ISBN-13 (978 and the ISBN-10's digits, checked again).
    thirteen = isbn.format(isbn.to_isbn13(own.text))
    return ean13(thirteen, options.spec.barcode, f"ISBN {thirteen}")


# A trial sets one part in the flow of a page the size of its place.
_TRIAL = (
    "section, .spine { position: static !important; transform: none !important; max-height: none !important;"
    " overflow: visible !important; }\n.spine p { white-space: normal !important; }\n"
)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


@dataclass(frozen=True)
class Cover:
    html: str
    geometry: Geometry
    # (metadata key, what would not fit, HTML of a page the size of its place
    # holding only it, in the flow: it fits when that makes one page)
    trials: tuple[tuple[str, str, str], ...]


def document(
    meta: Metadata, options: CoverOptions, pages: int, modified: str, fonts: tuple[str, str] = ("serif", "monospace")
) -> Cover:
    """The cover's HTML with its style sheet, its geometry, and the trials of
    what may not fit. modified: the publication's date (dates.py), the PDF's,
    so the bytes do not follow the clock. fonts: the CSS font-family lists of
    the text and of the barcode's digits."""
    g = geometry(meta, options, pages)
    spec = options.spec
    authors = ", ".join(meta.authors)
    title = html.escape(meta.title)
    front = [f'<h1 class="title">{title}</h1>']
    if meta.subtitle:
        front.append(f'<p class="subtitle">{html.escape(meta.subtitle)}</p>')
    front_html = f'<div class="rule"></div>{"".join(front)}'
    parts = [
        f'<section class="front" aria-label="{html.escape(term("cover", meta.lang))}">{front_html}'
        + (f'<p class="authors">{html.escape(authors)}</p>' if authors else "")
        + "</section>"
    ]
    on_spine = title + (f'<span class="by">{html.escape(authors)}</span>' if authors else "")
    if g.spine_text:
        parts.append(f'<div class="spine"><p>{on_spine}</p></div>')
    code = _barcode(meta, options)
    area_w, area_h = spec.barcode
    # The barcode's area, at the back's foot beside the spine, kept clear of the blurb.
    area_left, area_top = g.width - spec.barcode_margin - area_w, g.height - spec.barcode_margin - area_h
    back = _paragraphs(meta.description) if meta.description else ""
    foot = f'<p class="publisher">{html.escape(meta.publisher)}</p>' if meta.publisher else ""
    parts.append(f'<section class="back">{back}</section>{foot}')
    if code is not None:
        parts.append(
            f'<div class="code" style="left: {area_left + area_w - code.width:.3f}mm; '
            f'top: {area_top + area_h - code.height:.3f}mm">{code.html}</div>'
        )
    spine_font = max(1.0, min(4.2, (g.spine - 2 * spec.spine_margin) * 0.62))  # set only when wide enough
    css = f"""
@page {{ size: {g.spread:.3f}mm {g.height:.3f}mm; margin: 0; bleed: {g.bleed:.3f}mm; background: {PAPER}; }}
html {{ color: {INK}; font-family: {fonts[0]}; }}
body {{ margin: 0; }}
section, .spine, .publisher, .code {{ position: absolute; }}
.front {{ left: {g.front + SAFE:.3f}mm; top: {SAFE * 2:.3f}mm; width: {g.width - 2 * SAFE:.3f}mm;
  height: {g.height - 3 * SAFE:.3f}mm; }}
.rule {{ width: {g.width * 0.22:.3f}mm; height: 1.4mm; background: {ACCENT}; margin-bottom: 9mm; }}
.title {{ font-size: {g.width * 0.075:.2f}mm; line-height: 1.12; font-weight: bold; margin: 0; hyphens: manual; }}
.subtitle {{ font-size: {g.width * 0.04:.2f}mm; line-height: 1.25; font-style: italic; margin: 5mm 0 0; }}
.authors {{ position: absolute; bottom: 0; margin: 0; font-size: {g.width * 0.045:.2f}mm; }}
.back {{ left: {SAFE:.3f}mm; top: {SAFE * 2:.3f}mm; width: {g.width - 2 * SAFE:.3f}mm;
  max-height: {area_top - SAFE * 2 - 4:.3f}mm; font-size: 4.1mm; line-height: 1.38; overflow: hidden; }}
.back p {{ margin: 0 0 2.5mm; text-align: left; hyphens: manual; }}
.publisher {{ left: {SAFE:.3f}mm; top: {area_top + area_h - 5:.3f}mm; margin: 0; font-size: 3.4mm;
  font-variant: small-caps; letter-spacing: 0.04em; }}
.spine {{ left: {g.width + g.spine / 2:.3f}mm; top: {g.height / 2:.3f}mm; width: {g.height - 2 * SAFE:.3f}mm;
  transform: translate(-50%, -50%) rotate(90deg); }}
.spine p {{ margin: 0; font-size: {spine_font:.3f}mm; line-height: 1; white-space: nowrap; overflow: hidden;
  text-align: center; font-weight: bold; }}
.spine .by {{ font-weight: normal; margin-left: 1.2em; }}
.barcode {{ position: relative; background: device-cmyk(0 0 0 0); color: device-cmyk(0 0 0 1);
  font-family: {fonts[1]}; }}
.barcode p, .barcode .bars, .barcode .digits {{ position: absolute; margin: 0; }}
.barcode .bars i {{ position: absolute; top: 0; background: device-cmyk(0 0 0 1); }}
.barcode .isbn {{ left: 0; right: 0; text-align: center; line-height: 1; }}
.barcode .digits {{ left: 0; right: 0; line-height: 1; }}
.barcode .digits span {{ position: absolute; top: 0; text-align: center; }}
"""
    lang = html.escape(meta.lang)
    head = f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><style>{css}{_TRIAL}'
    text_w, authors_h = g.width - 2 * SAFE, (g.width * 0.045 * 1.3 + 6) if authors else 0
    trial = [
        # the front down to the authors, the back down to the barcode's area, the spine's one line
        (
            "title",
            "the title and subtitle run into the authors on the front cover",
            text_w,
            g.height - 3 * SAFE - authors_h,
            f'<section class="front">{front_html}</section>',
        ),
        (
            "description",
            "the description runs past the back cover's text area and is cut short",
            text_w,
            area_top - SAFE * 2 - 4,
            f'<section class="back">{back}</section>',
        ),
    ]
    if g.spine_text:
        trial.append(
            (
                "title",
                "the title and authors do not fit on one line of the spine and are cut short",
                g.height - 2 * SAFE,
                spine_font * 1.5,
                f'<div class="spine"><p>{on_spine}</p></div>',
            )
        )
    trials = tuple(
        (
            key,
            message,
            f"{head}@page {{ size: {w:.3f}mm {h:.3f}mm; margin: 0; bleed: 0; }}</style></head><body>{body}</body></html>",
        )
        for key, message, w, h, body in trial
    )
    doc = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="dcterms.created" content="{html.escape(modified)}">'
        f'<meta name="dcterms.modified" content="{html.escape(modified)}">'
        + (f'<meta name="author" content="{html.escape(authors)}">' if authors else "")
        + f"<style>{css}</style></head><body>{''.join(parts)}</body></html>"
    )
    return Cover(doc, g, trials)
