"""Images: resolved relative to their source file, confined to the project,
checked, and registered as assets of the publication."""

from __future__ import annotations

import hashlib
import html
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image, UnidentifiedImageError

from .. import confine
from ..errors import Diagnostics
from ..model import Asset, Chapter, Publication
from ..sanitise import first_line, summary, svg
from .sanitize import line_of

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
# The file name's ending each type is stored under, whatever it was called:
# EPUB reading systems (and EPUBCheck) go by the ending.
SUFFIXES = {"image/png": (".png",), "image/jpeg": (".jpg", ".jpeg"), "image/gif": (".gif",), "image/svg+xml": (".svg",)}
# A picture is decoded whole to be typeset: 50 million pixels take 200 MB as
# RGBA, more than once over. 300 dpi across a full A4 page is 9 million.
MAX_PIXELS = 50_000_000
DAMAGED = "is not a PNG, JPEG, GIF or SVG file, or is damaged"


def examine(path: Path) -> tuple[str | None, str | None]:
    """(the file's real media type, None), read from its content, its size
    from its header alone (nothing is decoded); or (None, what is wrong)."""
    if path.suffix.lower() == ".svg":
        with path.open("rb") as f:
            head = f.read(2048).lower()
        return ("image/svg+xml", None) if b"<svg" in head else (None, DAMAGED)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the limit below is lower
            with Image.open(path) as im:
                width, height = im.size
                kind = MEDIA_TYPES.get(im.format or "")
                im.verify()
    except Image.DecompressionBombError:
        return (
            None,
            f"has more than {2 * (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000} million pixels, "
            f"over the limit of {MAX_PIXELS // 1_000_000} million",
        )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return None, DAMAGED
    if kind is None:
        return None, DAMAGED
    if width * height > MAX_PIXELS:
        return (
            None,
            f"is {width}x{height} pixels ({width * height / 1_000_000:.0f} million), over the limit of "
            f"{MAX_PIXELS // 1_000_000} million",
        )
    return kind, None


def media_type_of(path: Path) -> str | None:
    """The file's real media type, read from its content, or None when unusable."""
    return examine(path)[0]


HINTS = {DAMAGED: "export it again as PNG, JPEG or SVG"}
TOO_LARGE = "scale it down: 300 dpi across a full page is about 2500x3500 pixels"


def register(pub: Publication, path: Path, project: Path, media_type: str | None = None) -> Asset:
    """The file's asset, made at its first use (``media_type``: when already examined)."""
    if path not in pub.assets:
        digest = hashlib.sha256(str(path.relative_to(project)).encode()).hexdigest()[:8]
        media_type = media_type or media_type_of(path) or "application/octet-stream"
        suffixes = SUFFIXES.get(media_type, (path.suffix.lower(),))
        suffix = path.suffix.lower() if path.suffix.lower() in suffixes else suffixes[0]
        name = f"images/{path.stem}-{digest}{suffix}"
        pub.assets[path] = Asset(path, name, media_type)
    return pub.assets[path]


def _line(chapter: Chapter, text: str, src: str) -> int | None:
    """The line of an image's reference. The reader percent-encodes a path
    (<my pic.png> is my%20pic.png) and decodes entities (caf&eacute;.png):
    each line is compared as written, then decoded."""
    line = line_of(chapter, text, src)
    if line is not None:
        return line
    wanted = unquote(src)
    for number, written in enumerate(text.split("\n")):
        if wanted in unquote(html.unescape(written)):
            return chapter.first_line + number
    return None


def resolve_images(pub: Publication, chapter: Chapter, text: str, project: Path, diags: Diagnostics) -> None:
    for img in list(chapter.body.iter("img")):
        src = img.get("src", "")
        line = _line(chapter, text, src) if src else None
        decorative = "decorative" in (img.get("class") or "").split() or img.get("role") == "presentation"
        if decorative:
            img.set("alt", "")
            img.set("role", "presentation")
        elif not (img.get("alt") or "").strip():
            diags.error(
                f"image '{src}' has no alternative text",
                chapter.source,
                line,
                hint="describe it in the brackets, ![a map of Mali](map.png), "
                "or mark a purely decorative image: ![](rule.png){.decorative}",
            )
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            diags.error(
                f"image '{src}' is not a file of the publication",
                chapter.source,
                line,
                hint="put the image beside the Markdown file and give its relative path",
            )
            img.drop_tree()
            continue
        # Inside the project: images may be shared by publications.
        path = confine.confined(
            chapter.source.parent / unquote(parts.path),
            diags,
            project,
            confine.PROJECT,
            what=f"image '{src}'",
            at=chapter.source,
            line=line,
            hint="check the file name and its folder",
        )
        if path is None:
            img.drop_tree()
            continue
        if path not in pub.assets:  # each file is examined (and an SVG cleaned) at its first use
            media_type, problem = examine(path)
            if problem is not None:
                diags.error(f"image '{src}' {problem}", chapter.source, line, hint=HINTS.get(problem, TOO_LARGE))
                img.drop_tree()
                continue
            cleaned = clean_svg(path, chapter, src, line, diags) if media_type == "image/svg+xml" else None
            if media_type == "image/svg+xml" and cleaned is None:
                img.drop_tree()
                continue
            register(pub, path, project, media_type).cleaned = cleaned
        asset = pub.assets[path]
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
        diags.error(
            f"image '{src}' cannot be read as SVG: {exc}{where}",
            chapter.source,
            line,
            hint="export it again from the drawing program as plain SVG",
        )
        return None
    if removals:
        diags.warning(
            f"from the SVG image, what no edition may carry was removed: {summary(removals)}",
            path,
            first_line(removals),
            hint="keep drawings self-contained: no scripts, events, animation or references "
            "to other files and addresses",
        )
    return cleaned
