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


def own_sheets(publication_folder: Path) -> list[Path]:
    return [p for p in (publication_folder / n for n in ("style.css", "epub.css", "print.css")) if p.is_file()]


def check_own_sheets(publication_folder: Path, diags) -> None:
    """A publication's sheets may not pull in anything: the editions carry only
    the committed fonts and the publication's images (data: URLs of pictures
    and fonts carry themselves, and stay)."""
    from .sanitise import css  # here: the loading stage stays light

    for sheet in own_sheets(publication_folder):
        data = sheet.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            diags.error("the stylesheet is not UTF-8 text", sheet, data.count(b"\n", 0, exc.start) + 1,
                        hint="save it again with the UTF-8 encoding")
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
