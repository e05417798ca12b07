"""The print edition made ready for the press, once its pages are laid out
and (for a book set in parts) joined: what the options of ``pagesize.Press``
ask, done to the finished PDF with pikepdf, the same whole or in parts.

- Colours defined: every page's RGB is sRGB (``DefaultRGB``), in the default
  PDF as in a PDF/X; in a PDF/X the RGB left in the pages (highlighted code,
  a project's own colours, drawings) is turned into inks (inks.py).
- The page count padded to a signature with blank pages, which print
  nothing, no folio either.
- The boxes a printer reads: TrimBox the page, BleedBox the page and its
  bleed, MediaBox room for the crop marks too.
- Crop marks as presses set them (WeasyPrint draws its own half-length ones
  inside the bleed, where the knife may leave them on the page): outside the
  bleed, in the registration colour that prints on every plate, hairline.
"""

from __future__ import annotations

import dataclasses
import io

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..pagesize import MARK_LENGTH_MM, MARK_WIDTH_PT, Press
from . import inks
from .engine.icc import srgb_profile

PT = 72 / 25.4  # points to the millimetre
REGISTRATION = "/PressroomAll"  # the page resource naming the colour of the marks


def finish(rendered, press: Press):
    """The Rendered print edition with its PDF finished for ``press``: its
    page lists padded too, where blank pages were added."""
    pdf = pikepdf.open(io.BytesIO(rendered.pdf))
    srgb = pdf.make_stream(srgb_profile(), N=3)
    if press.pdfx:
        inks.to_cmyk(pdf)
    added = pad(pdf, press.signature)
    for page in pdf.pages:
        _resources(page).ColorSpace.DefaultRGB = Array([Name.ICCBased, srgb])
    _one_copy_of_each_profile(pdf)
    if press.pdfx or press.bleed or press.marks:
        registration = _registration(pdf) if press.marks else None
        for page in pdf.pages:
            _boxes(page, press)
            if registration is not None:
                _marks(pdf, page, press, registration)
    rewrite = rendered.rewrite
    if added and rewrite is not None:  # the archival PDF/A: the same pages, blank ones too

        def rewrite(variant, attachments, again=rendered.rewrite):
            other = pikepdf.open(io.BytesIO(again(variant, attachments)))
            pad(other, press.signature)
            return _saved(other)

    return dataclasses.replace(
        rendered,
        pdf=_saved(pdf),
        rewrite=rewrite,
        page_count=rendered.page_count + added,
        anchors=rendered.anchors + [[] for _ in range(added)],
        positions=rendered.positions + [None] * added if rendered.positions else rendered.positions,
        folios=rendered.folios + [""] * added if rendered.folios else rendered.folios,
    )


def _saved(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        deterministic_id=True,
        min_version=pdf.pdf_version,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        fix_metadata_version=False,
    )
    return buffer.getvalue()


def pad(pdf: pikepdf.Pdf, signature: int) -> int:
    """Blank pages at the end up to a multiple of ``signature``; how many."""
    count = len(pdf.pages)
    added = -count % signature if signature else 0
    last = pdf.pages[-1]
    for _ in range(added):
        blank = Dictionary(Type=Name.Page, Resources=Dictionary(), Contents=pdf.make_stream(b""))
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in last.obj:
                blank[box] = Array(list(last.obj[box]))
        pdf.pages.append(pikepdf.Page(pdf.make_indirect(blank)))
    return added


def _resources(page) -> Dictionary:
    """The page's resources with a colour space dictionary of their own to add to."""
    if "/Resources" not in page.obj:
        page.obj.Resources = Dictionary()
    resources = page.obj.Resources
    if "/ColorSpace" not in resources:
        resources.ColorSpace = Dictionary()
    return resources


def _trim(page) -> list[float]:
    return [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]


def _boxes(page, press: Press) -> None:
    """TrimBox, BleedBox and MediaBox as the press reads them, around the same page."""
    x0, y0, x1, y1 = trim = _trim(page)

    def out(mm: float) -> Array:
        d = round(mm * PT, 3)
        return Array([x0 - d, y0 - d, x1 + d, y1 + d])

    page.obj.TrimBox = Array(trim)
    page.obj.BleedBox = out(press.bleed)
    page.obj.MediaBox = out(press.slug)
    if "/CropBox" in page.obj:
        del page.obj["/CropBox"]


def _registration(pdf: pikepdf.Pdf):
    """The registration colour: a separation named All, full on every plate."""
    ramp = Dictionary(FunctionType=2, Domain=Array([0, 1]), C0=Array([0, 0, 0, 0]), C1=Array([1, 1, 1, 1]), N=1)
    return pdf.make_indirect(Array([Name.Separation, Name.All, Name.DeviceCMYK, pdf.make_indirect(ramp)]))


def _one_copy_of_each_profile(pdf: pikepdf.Pdf) -> None:
    """Each part of a book brings its own copy of the press's profile (a
    quarter of a megabyte): the pages' colour spaces share one."""
    first: dict[bytes, pikepdf.Object] = {}
    for page in pdf.pages:
        spaces = page.obj.Resources.get("/ColorSpace") or {}
        for name, space in spaces.items():
            if isinstance(space, Array) and len(space) == 2 and space[0] == Name.ICCBased:
                profile = first.setdefault(space[1].read_raw_bytes(), space[1])
                if profile.objgen != space[1].objgen:
                    spaces[name] = Array([Name.ICCBased, profile])


def mark_lines(trim: list[float], press: Press) -> list[tuple[float, float, float, float]]:
    """The eight crop marks (x, y to x, y in points): two at each corner, in
    line with the trim's edges, from ``mark_offset`` beyond it, MARK_LENGTH_MM long."""
    x0, y0, x1, y1 = trim
    near, far = press.mark_offset * PT, (press.mark_offset + MARK_LENGTH_MM) * PT
    lines = []
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            lines.append((x + sx * near, y, x + sx * far, y))  # along the horizontal edge
            lines.append((x, y + sy * near, x, y + sy * far))  # along the vertical edge
    return lines


def _marks(pdf: pikepdf.Pdf, page, press: Press, registration) -> None:
    _resources(page).ColorSpace[REGISTRATION] = registration
    path = "".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S\n" for a, b, c, d in mark_lines(_trim(page), press))
    # The page's own drawing in a saved state of its own, so none of it (a
    # clip, a transformation) reaches the marks; the marks an artifact, not content.
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    marks = f"Q\n/Artifact BMC q {REGISTRATION} CS 1 SCN {MARK_WIDTH_PT} w 0 J\n{path}Q EMC\n"
    page.contents_add(pdf.make_stream(marks.encode()))
