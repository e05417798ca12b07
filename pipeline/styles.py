"""Layered styles: fonts, base sheet, the edition's sheet, then the publication's own.

One function returns the stack for an edition; writers and the build cache
use the same list, so what was applied is always known.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import confine

STYLES = "styles"
OWN = ("style.css", "epub.css", "print.css")  # a publication's own sheets


def _project_sheets(project: Path, edition: str, with_fonts: bool) -> list[Path]:
    styles = project / STYLES
    sheets = [styles / "fonts.css"] if with_fonts else []
    return sheets + [styles / "base.css", styles / f"{edition}.css", styles / "highlight.css"]


def stack(project: Path, edition: str, publication_folder: Path, with_fonts: bool) -> list[Path]:
    """The sheets that may be read (confine.py; the others were reported when
    the publication was read)."""
    sheets = [s for s in _project_sheets(project, edition, with_fonts) if confine.allowed(s, project)]
    # A publication may restyle itself: style.css for every edition, then
    # epub.css or print.css for one.
    return sheets + [s for s in own_sheets(publication_folder) if s.name in ("style.css", f"{edition}.css")]


def font_files(project: Path) -> list[Path]:
    fonts = project / STYLES / "fonts"
    return [p for p in sorted(fonts.rglob("*.ttf")) + sorted(fonts.rglob("*.otf")) if confine.allowed(p, project)]


def check_files(project: Path, publication_folder: Path, diags) -> None:
    """Report every sheet and font an edition would read but may not (a link
    leading out of the project, a folder, a pipe) or cannot (not UTF-8)."""
    from .sources import read_text

    for sheet in dict.fromkeys(_project_sheets(project, "epub", True) + _project_sheets(project, "print", True)):
        if os.path.lexists(sheet):
            read_text(sheet, diags, project, confine.PROJECT)
    for name in OWN:
        if os.path.lexists(publication_folder / name):
            read_text(publication_folder / name, diags, publication_folder, confine.FOLDER)
    fonts = project / STYLES / "fonts"
    for font in sorted(fonts.rglob("*.ttf")) + sorted(fonts.rglob("*.otf")):
        confine.confined(font, diags, project, confine.PROJECT)


def own_sheets(publication_folder: Path) -> list[Path]:
    return [p for p in (publication_folder / n for n in OWN)
            if os.path.lexists(p) and confine.allowed(p, publication_folder)]


def check_own_sheets(publication_folder: Path, diags) -> None:
    """A publication's sheets may not pull in anything: the editions carry only
    the committed fonts and the publication's images (data: URLs of pictures
    and fonts carry themselves, and stay)."""
    from .sanitise import css  # here: the loading stage stays light

    for sheet in own_sheets(publication_folder):
        # Not UTF-8 is reported by check_files, which reads the sheet first.
        data = confine.read_bytes(sheet, publication_folder, confine.FOLDER)
        _, removals = css.clean_sheet(data.decode("utf-8", errors="replace"))
        for removal in removals:
            diags.warning(f"'{removal.what}' in a publication stylesheet is not used: stylesheets "
                          "may not load files or addresses", sheet, removal.line,
                          hint="use the committed fonts; put images in the Markdown")


def without_urls(text: str) -> str:
    """The sheet with every reference to a file or an address taken out: the
    declarations holding one, and every @import."""
    from .sanitise import css

    return css.clean_sheet(text)[0]
