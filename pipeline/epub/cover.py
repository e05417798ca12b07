"""The cover: the publication's own image, or a typographic one made from its metadata.

The generated cover is a 1600x2400 PNG (the 2:3 shape stores ask for), set
in the committed fonts, so it is the same on every machine.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .. import styles
from ..metadata import Metadata
from ..terms import term

WIDTH, HEIGHT, MARGIN = 1600, 2400, 160
INK, PAPER, ACCENT = (246, 241, 232), (38, 36, 48), (196, 74, 54)


def _font(project: Path, name: str, size: int) -> ImageFont.FreeTypeFont:
    # The project's file in the house face's place, when it may be read (one
    # that may not was reported when the publication was read).
    rel = f"fonts/charis/{name}"
    path = styles.file(project, rel)
    if path is None or not styles.readable(project, path):
        path = styles.house() / rel
    return ImageFont.truetype(io.BytesIO(styles.read_bytes(project, path)), size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return lines + ([line] if line else [])


def _block(draw, y: int, text: str, font, gap: float = 1.18) -> int:
    size = font.size
    for line in _wrap(draw, text, font, WIDTH - 2 * MARGIN):
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += int(size * gap)
    return y


def generated(meta: Metadata, project: Path) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((MARGIN, MARGIN, MARGIN + 240, MARGIN + 16), fill=ACCENT)
    title_size = 150 if len(meta.title) < 40 else 118
    y = _block(draw, MARGIN + 120, meta.title, _font(project, "CharisSIL-Bold.ttf", title_size))
    if meta.subtitle:
        y = _block(draw, y + 40, meta.subtitle, _font(project, "CharisSIL-Italic.ttf", 80))
    if meta.authors:
        _block(draw, y + 120, ", ".join(meta.authors), _font(project, "CharisSIL-Regular.ttf", 84))
    if meta.publisher:
        font = _font(project, "CharisSIL-Regular.ttf", 60)
        lines = _wrap(draw, meta.publisher, font, WIDTH - 2 * MARGIN)
        _block(draw, HEIGHT - MARGIN - len(lines) * int(60 * 1.18), meta.publisher, font)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)  # optimize=True: 3% smaller, twice as slow
    return out.getvalue()


def file_name(media_type: str) -> str:
    ext = {"image/jpeg": "jpg", "image/svg+xml": "svg", "image/gif": "gif"}.get(media_type, "png")
    return f"images/cover.{ext}"


def cover_document(title: str, image_name: str, lang: str) -> str:
    return (
        f'<section epub:type="cover" class="cover" aria-label="{html.escape(term("cover", lang))}">'
        f'<img src="../{image_name}" alt="{html.escape(term("cover of", lang, title))}" role="doc-cover"/></section>'
    )
