"""Layered styles: fonts, base sheet, the edition's sheet, then the publication's own.

One function returns the stack for an edition; writers and the build cache
use the same list, so what was applied is always known.
"""

from __future__ import annotations

from pathlib import Path

STYLES = "styles"


def stack(project: Path, edition: str, publication_folder: Path, with_fonts: bool) -> list[Path]:
    styles = project / STYLES
    sheets = [styles / "fonts.css"] if with_fonts else []
    sheets += [styles / "base.css", styles / f"{edition}.css", styles / "highlight.css"]
    # A publication may restyle itself: style.css for every edition, then
    # epub.css or print.css for one.
    for name in ("style.css", f"{edition}.css"):
        own = publication_folder / name
        if own.is_file():
            sheets.append(own)
    return [s for s in sheets if s.is_file()]


def font_files(project: Path) -> list[Path]:
    return sorted((project / STYLES / "fonts").rglob("*.ttf")) + sorted((project / STYLES / "fonts").rglob("*.otf"))
