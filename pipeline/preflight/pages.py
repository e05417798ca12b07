"""A PDF read as a print shop's preflight reads it: per page, the lines of
text (each character with its box, font and size, as drawn), the images with
their placed size, the page's boxes; and the outline. Everything the
measures need, taken from the file alone (pypdfium2), never from the build.
"""

from __future__ import annotations

import ctypes
import functools
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Char:
    text: str
    left: float  # the advance box, in points from the page's lower left
    right: float
    baseline: float
    size: float
    font: str
    hidden: bool = False  # outside the clipping path it is drawn in: cut off


@dataclass
class Line:
    chars: list[Char]  # complete when the line is made: text and size are kept once read

    @functools.cached_property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def left(self) -> float:
        return self.chars[0].left

    @property
    def right(self) -> float:
        return self.chars[-1].right

    @property
    def baseline(self) -> float:
        return self.chars[0].baseline

    @functools.cached_property
    def size(self) -> float:
        """The size most of its characters are set in."""
        sizes: dict[float, int] = {}
        for c in self.chars:
            if not c.text.isspace():
                sizes[c.size] = sizes.get(c.size, 0) + 1
        return max(sizes, key=lambda s: (sizes[s], s)) if sizes else self.chars[0].size

    def words(self) -> list[list[Char]]:
        """The runs of characters between spaces."""
        found: list[list[Char]] = [[]]
        for c in self.chars:
            if c.text.isspace():
                if found[-1]:
                    found.append([])
            else:
                found[-1].append(c)
        return [w for w in found if w]


@dataclass
class Image:
    left: float
    bottom: float
    right: float
    top: float
    pixels: tuple[int, int]

    @property
    def dpi(self) -> float:
        """The lower of its two resolutions at the size it is printed."""
        width, height = self.right - self.left, self.top - self.bottom
        if width <= 0 or height <= 0:
            return float("inf")
        return min(self.pixels[0] / (width / 72), self.pixels[1] / (height / 72))


@dataclass
class Page:
    index: int  # from 0
    label: str  # the folio a viewer shows, when the PDF labels its pages
    trim: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float]
    lines: list[Line] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # U+FFFD, the mark of a character no font had

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def recto(self) -> bool:
        return self.index % 2 == 0

    def name(self) -> str:
        return f"page {self.number}" + (
            f" (folio {self.label})" if self.label and self.label != str(self.number) else ""
        )


@dataclass
class Heading:
    level: int
    title: str
    page: int  # index from 0
    top: float | None  # the destination's height on its page, when it gives one


@dataclass
class Document:
    path: Path
    pages: list[Page]
    outline: list[Heading]


_MISSING = "\ufffd"


def read(path: Path) -> Document:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = [_page(pdf, i) for i in range(len(pdf))]
        outline = []
        for item in pdf.get_toc(max_depth=16):
            dest = item.get_dest()
            if dest is None or dest.get_index() is None:
                continue
            _mode, view = dest.get_view()
            outline.append(Heading(item.level, item.get_title(), dest.get_index(), view[1] if len(view) > 1 else None))
    finally:
        pdf.close()
    return Document(Path(path), pages, outline)


def _label(pdf, index: int) -> str:
    import pypdfium2.raw as raw

    size = raw.FPDF_GetPageLabel(pdf.raw, index, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    raw.FPDF_GetPageLabel(pdf.raw, index, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le")


def _page(pdf, index: int) -> Page:
    page = pdf[index]
    try:
        result = Page(index, _label(pdf, index), tuple(page.get_trimbox()), tuple(page.get_bleedbox()))
        result.lines, result.missing = _lines(page)
        result.images = _images(page)
    finally:
        page.close()
    return result


def _lines(page) -> tuple[list[Line], list[str]]:
    import pypdfium2.raw as raw

    text = page.get_textpage()
    lines: list[Line] = []
    missing: list[str] = []
    current: list[Char] = []
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    x, y = ctypes.c_double(), ctypes.c_double()
    rect = raw.FS_RECTF()
    fonts: dict[int, str] = {}
    clips: dict[int, tuple[float, float, float, float] | None] = {}
    try:
        count = text.count_chars()
        low = 0  # the second half of a character beyond the BMP, read with its first
        for i in range(count):
            code = raw.FPDFText_GetUnicode(text, i)
            if low:
                low = 0
                continue
            if 0xD800 <= code < 0xDC00 and i + 1 < count:  # pdfium gives UTF-16 code units
                low = raw.FPDFText_GetUnicode(text, i + 1)
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            if raw.FPDFText_IsGenerated(text, i) or code in (0x0D, 0x0A):
                if code in (0x0D, 0x0A) and current:
                    lines.append(Line(current))
                    current = []
                continue
            raw.FPDFText_GetLooseCharBox(text, i, rect)
            raw.FPDFText_GetCharOrigin(text, i, x, y)
            obj = raw.FPDFText_GetTextObject(text, i)
            key = ctypes.cast(obj, ctypes.c_void_p).value or 0
            if key not in fonts:
                raw.FPDFText_GetFontInfo(text, i, name, 256, ctypes.byref(flags))
                fonts[key] = name.value.decode("latin-1").split("+")[-1]
                clips[key] = _clip(obj)
            char = chr(code) if 0 < code < 0x110000 else _MISSING
            if char == _MISSING:
                missing.append(char)
            c = Char(char, rect.left, rect.right, y.value, round(raw.FPDFText_GetFontSize(text, i), 2), fonts[key])
            clip = clips[key]
            if clip and not char.isspace():
                middle = (rect.left + rect.right) / 2
                c.hidden = not (clip[0] <= middle <= clip[2] and clip[1] <= y.value <= clip[3])
            # pdfium breaks lines where the text moves down; a move back to
            # the left on the same baseline is the start of another line too.
            if current and (abs(c.baseline - current[-1].baseline) > 0.5 or c.left < current[-1].left - 1):
                lines.append(Line(current))
                current = []
            current.append(c)
        if current:
            lines.append(Line(current))
    finally:
        text.close()
    return [line for line in lines if line.text.strip()], missing


def _clip(obj) -> tuple[float, float, float, float] | None:
    """The box a text object is clipped to (its clipping paths' boxes, intersected), if any."""
    import pypdfium2.raw as raw

    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    box = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for n in range(raw.FPDFClipPath_CountPaths(clip)):
        points = []
        for m in range(raw.FPDFClipPath_CountPathSegments(clip, n)):
            raw.FPDFPathSegment_GetPoint(raw.FPDFClipPath_GetPathSegment(clip, n, m), x, y)
            points.append((x.value, y.value))
        if not points:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        found = (min(xs), min(ys), max(xs), max(ys))
        box = (
            found
            if box is None
            else (max(box[0], found[0]), max(box[1], found[1]), min(box[2], found[2]), min(box[3], found[3]))
        )
    return box


def _images(page) -> list[Image]:
    import pypdfium2.raw as raw

    found = []
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=8):
        corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
        holder = obj
        while holder is not None:  # an image inside forms: through each form's matrix to the page
            matrix = holder.get_matrix()
            corners = [
                (matrix.a * u + matrix.c * v + matrix.e, matrix.b * u + matrix.d * v + matrix.f) for u, v in corners
            ]
            holder = getattr(holder, "container", None)
        xs, ys = [u for u, _ in corners], [v for _, v in corners]
        found.append(Image(min(xs), min(ys), max(xs), max(ys), tuple(obj.get_px_size())))
    return found
