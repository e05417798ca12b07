"""Layered styles: fonts, base sheet, the edition's sheet, then the publication's own.

One function returns the stack for an edition; writers and the build cache
use the same list, so what was applied is always known.
"""

from __future__ import annotations

import re
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


_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import[^;]*;""", re.I)


def own_sheets(publication_folder: Path) -> list[Path]:
    return [p for p in (publication_folder / n for n in ("style.css", "epub.css", "print.css")) if p.is_file()]


def check_own_sheets(publication_folder: Path, diags) -> None:
    """A publication's sheets may not pull in anything: the editions carry only
    the committed fonts and the publication's images."""
    for sheet in own_sheets(publication_folder):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        for match in _URL.finditer(text):
            target = match.group(2) if match.group(0).lower().startswith("url") else match.group(0)
            if target and target.startswith("data:"):
                continue
            line = text.count("\n", 0, match.start()) + 1
            diags.warning(f"'{target.strip()}' in a publication stylesheet is not used: stylesheets "
                          "may not load files or addresses", sheet, line,
                          hint="use the committed fonts; put images in the Markdown")


def without_urls(text: str) -> str:
    """The sheet with every url() and @import but data: URLs taken out."""
    def keep(match):
        if match.group(0).lower().startswith("url") and match.group(2).startswith("data:"):
            return match.group(0)
        return "none" if match.group(0).lower().startswith("url") else ""
    return _URL.sub(keep, text)
