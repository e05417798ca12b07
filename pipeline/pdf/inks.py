"""Inks for a PDF/X: what the pages still paint in RGB, in CMYK under the output intent.

The press sheet (press.py) sets the text and rules in black ink, but
highlighted code, a project's own colours and the drawings keep the RGB the
style sheets give them, which a press would separate over four inks. Here
every RGB colour the pages, their drawings (form XObjects) and patterns set
(``rg``, ``RG``) becomes ink: a grey is black ink alone, as a printer wants
grey type; any other colour goes through the output intent's profile from
sRGB (relative colorimetric, as it would print). RGB images (photographs,
screenshots, drawings in PNG) go through the same profile (perceptual, as
for pictures), so the file the printer gets is in ink throughout.
"""

from __future__ import annotations

import functools
import io
import zlib

import pikepdf
from PIL import Image, ImageCms

OPERATORS = {"rg": "k", "RG": "K"}


def to_cmyk(pdf: pikepdf.Pdf) -> int:
    """Turn the RGB colours of every page's content into CMYK; how many were turned."""
    intents = pdf.Root.get("/OutputIntents") or []
    profile = intents[0].get("/DestOutputProfile") if len(intents) else None
    icc = profile.read_bytes() if profile is not None else None
    convert = _converter(icc)
    seen: set = set()
    images: list = []
    turned = 0
    for page in pdf.pages:
        turned += _content(pdf, page.obj, convert, seen, images)
    if icc is not None:
        picture = _transform(icc, ImageCms.Intent.PERCEPTUAL)
        for image in images:
            _image_to_cmyk(image, picture)
    return turned + len(images)


def _transform(profile: bytes, intent):
    """sRGB to the output intent's CMYK."""
    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(io.BytesIO(profile)), "RGB", "CMYK", intent
    )


def _image_to_cmyk(image, transform) -> None:
    """An 8-bit RGB image in the press's CMYK, losslessly compressed; its soft mask (alpha) stays."""
    rgb = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    cmyk = ImageCms.applyTransform(rgb, transform)
    assert cmyk is not None
    image.write(zlib.compress(cmyk.tobytes(), 9), filter=pikepdf.Name.FlateDecode)
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    image.ColorSpace = pikepdf.Name.DeviceCMYK


def _converter(profile: bytes | None):
    transform = _transform(profile, ImageCms.Intent.RELATIVE_COLORIMETRIC) if profile is not None else None

    @functools.cache
    def convert(rgb: tuple[int, int, int]) -> tuple[float, ...]:
        if rgb[0] == rgb[1] == rgb[2] or transform is None:
            return cmyk_of_grey(rgb)
        pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), transform)
        assert pixel is not None
        return tuple(round(v / 255, 4) for v in pixel.getpixel((0, 0)))  # type: ignore[union-attr]

    return convert


def cmyk_of_grey(rgb: tuple[int, int, int]) -> tuple[float, ...]:
    """Black ink alone for a grey; without a profile, the plain complement for a colour."""
    key = 1 - max(rgb) / 255
    if rgb[0] == rgb[1] == rgb[2] or key == 1:
        return (0.0, 0.0, 0.0, round(key, 4))
    return tuple(round((1 - v / 255 - key) / (1 - key), 4) for v in rgb) + (round(key, 4),)


def _content(pdf: pikepdf.Pdf, holder, convert, seen: set, images: list) -> int:
    """Turn the colours of a page or form's content, then of the forms and
    patterns it uses; the RGB images it uses go into ``images``."""
    if holder.objgen != (0, 0):
        if holder.objgen in seen:
            return 0
        seen.add(holder.objgen)
    turned = 0
    if holder.get("/Type") == pikepdf.Name.Page or isinstance(holder, pikepdf.Stream):
        instructions = pikepdf.parse_content_stream(holder)
        changed = []
        for item in instructions:
            op = str(getattr(item, "operator", ""))
            if op in OPERATORS and len(item.operands) == 3:
                rgb = tuple(min(255, max(0, round(float(v) * 255))) for v in item.operands)
                item = pikepdf.ContentStreamInstruction(list(convert(rgb)), pikepdf.Operator(OPERATORS[op]))
                turned += 1
            changed.append(item)
        if turned:
            data = pikepdf.unparse_content_stream(changed)
            if isinstance(holder, pikepdf.Stream):
                holder.write(data)
            else:
                holder.Contents = pdf.make_stream(data)
    resources = holder.get("/Resources")
    if resources is not None:
        for kind in ("/XObject", "/Pattern"):
            for child in (resources.get(kind) or {}).values():
                if _rgb_image(child) and child.objgen not in seen:
                    seen.add(child.objgen)
                    images.append(child)
                elif isinstance(child, pikepdf.Stream) and child.get("/Subtype", child.get("/PatternType")) in (
                    pikepdf.Name.Form,
                    1,
                ):
                    turned += _content(pdf, child, convert, seen, images)
    return turned


def _rgb_image(obj) -> bool:
    return (
        isinstance(obj, pikepdf.Stream)
        and obj.get("/Subtype") == pikepdf.Name.Image
        and obj.get("/ColorSpace") == pikepdf.Name.DeviceRGB
        and obj.get("/BitsPerComponent") == 8
    )
