"""Images: resolved relative to their source file, confined to the project,
checked, and registered as assets of the publication."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image, UnidentifiedImageError

from ..errors import Diagnostics
from ..model import Asset, Chapter, Publication
from ..sanitise import first_line, summary, svg
from .sanitize import line_of

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}


def media_type_of(path: Path) -> str | None:
    """The file's real media type, read from its content, or None when unusable."""
    if path.suffix.lower() == ".svg":
        head = path.read_bytes()[:2048].lower()
        return "image/svg+xml" if b"<svg" in head else None
    try:
        with Image.open(path) as im:
            im.verify()
            return MEDIA_TYPES.get(im.format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


def register(pub: Publication, path: Path, project: Path) -> Asset:
    if path not in pub.assets:
        digest = hashlib.sha256(str(path.relative_to(project)).encode()).hexdigest()[:8]
        name = f"images/{path.stem}-{digest}{path.suffix.lower()}"
        pub.assets[path] = Asset(path, name, media_type_of(path) or "application/octet-stream")
    return pub.assets[path]


def resolve_images(pub: Publication, chapter: Chapter, text: str, project: Path, diags: Diagnostics) -> None:
    for img in list(chapter.body.iter("img")):
        src = img.get("src", "")
        line = line_of(chapter, text, src) if src else None
        decorative = "decorative" in (img.get("class") or "").split() or img.get("role") == "presentation"
        if decorative:
            img.set("alt", "")
            img.set("role", "presentation")
        elif not (img.get("alt") or "").strip():
            diags.error(f"image '{src}' has no alternative text", chapter.source, line,
                        hint="describe it in the brackets, ![a map of Mali](map.png), "
                             "or mark a purely decorative image: ![](rule.png){.decorative}")
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            diags.error(f"image '{src}' is not a file of the publication", chapter.source, line,
                        hint="put the image beside the Markdown file and give its relative path")
            img.drop_tree()
            continue
        path = (chapter.source.parent / unquote(parts.path)).resolve()
        if not path.is_relative_to(project.resolve()):
            diags.error(f"image '{src}' is outside the project", chapter.source, line,
                        hint="copy the image into the publication's folder")
            img.drop_tree()
            continue
        if not path.is_file():
            diags.error(f"image '{src}' does not exist", chapter.source, line,
                        hint="check the file name and its folder")
            img.drop_tree()
            continue
        if media_type_of(path) is None:
            diags.error(f"image '{src}' is not a PNG, JPEG, GIF or SVG file, or is damaged",
                        chapter.source, line, hint="export it again as PNG, JPEG or SVG")
            img.drop_tree()
            continue
        if path not in pub.assets and media_type_of(path) == "image/svg+xml":
            cleaned = clean_svg(path, chapter, src, line, diags)
            if cleaned is None:
                img.drop_tree()
                continue
            register(pub, path, project).cleaned = cleaned
        asset = register(pub, path, project)
        asset.first_use = asset.first_use or (chapter.source, line, src)
        img.set("src", asset.name)


def clean_svg(path: Path, chapter: Chapter, src: str, line: int | None, diags: Diagnostics) -> bytes | None:
    """The SVG file as the editions carry it: its drawing without scripts,
    animation or references to other files and addresses; None when it
    cannot be read. (The archive keeps the file itself among the sources.)"""
    try:
        cleaned, removals = svg.clean_file(path.read_bytes())
    except svg.SvgError as exc:
        where = f" (line {exc.line} of the file)" if exc.line else ""
        diags.error(f"image '{src}' cannot be read as SVG: {exc}{where}", chapter.source, line,
                    hint="export it again from the drawing program as plain SVG")
        return None
    if removals:
        diags.warning(f"from the SVG image, what no edition may carry was removed: {summary(removals)}",
                      path, first_line(removals),
                      hint="keep drawings self-contained: no scripts, events, animation or references "
                           "to other files and addresses")
    return cleaned
