"""Layered styles: the house styles, the project's ``styles/`` over them, then
the publication's own sheets.

Pressroom ships its house styles (sheets, fonts with their licences, the
press profile). A file in a project's ``styles/`` replaces the house file at
the same place (``print.css``, ``fonts.css``, ``fonts/charis/...``), and
every other house file shows through: a project needs no ``styles/`` at
all, may override one sheet, add fonts (declared in its own ``fonts.css``),
or replace everything. The fonts are the ones the ``fonts.css`` in use
declares. Writers, checks and the build cache all go through this module,
so what was applied is always known.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import confine
from .textfiles import read_text

STYLES = "styles"
SHEETS = ("fonts.css", "base.css", "epub.css", "print.css", "highlight.css")
OWN = ("style.css", "epub.css", "print.css")  # a publication's own sheets
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")


def house() -> Path:
    """The house styles: package data once installed (setup.py maps the
    repository's styles/ there), the repository's styles/ in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "house"
    return packaged if packaged.is_dir() else here.parent / STYLES


def file(project: Path, rel: str) -> Path | None:
    """The file in use at ``rel`` (a path inside styles/): the project's when it
    has one (even one the confinement check will refuse, so that it is
    reported rather than silently replaced), else the house's, else None."""
    own = project / STYLES / rel
    if os.path.lexists(own):
        return own
    shipped = house() / rel
    return shipped if shipped.is_file() else None


def relative(project: Path, path: Path) -> str:
    """A style file's place inside styles/ (fonts/charis/CharisSIL-Regular.ttf)."""
    for root in (project / STYLES, house()):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    raise ValueError(f"{path} is not a style file")


def _is_project_file(project: Path, path: Path) -> bool:
    return path.is_relative_to(project / STYLES)


def readable(project: Path, path: Path) -> bool:
    """Whether a style file may be read: the house's always, the project's
    when the confinement check allows it (problems are reported when the
    publication is read, by check_files)."""
    return not _is_project_file(project, path) or confine.allowed(path, project)


def read_bytes(project: Path, path: Path) -> bytes:
    """A style file's bytes: the project's through the confinement check (so
    nothing swapped in since it was checked is read), the house's as shipped."""
    if _is_project_file(project, path):
        return confine.read_bytes(path, project)
    if not path.is_relative_to(house()):
        raise ValueError(f"{path} is not a style file")
    return path.read_bytes()


def house_files() -> dict[str, Path]:
    """The house style files, by their place inside styles/ (sorted)."""
    root = house()
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def own_files(project: Path) -> dict[str, Path]:
    """The project's own style files, by their place inside styles/ (links
    to folders are not followed: nothing outside is listed)."""
    own, found = project / STYLES, {}
    if own.is_dir() and not os.path.islink(own):
        for folder, dirs, names in os.walk(own):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in names:
                path = Path(folder) / name
                found[path.relative_to(own).as_posix()] = path
    return found


def files(project: Path) -> dict[str, Path]:
    """Every style file in use, by its place inside styles/ (sorted): the
    house's, with the project's over them."""
    return dict(sorted({**house_files(), **own_files(project)}.items()))


def _sheets(project: Path, edition: str, with_fonts: bool) -> list[Path]:
    names = (["fonts.css"] if with_fonts else []) + ["base.css", f"{edition}.css", "highlight.css"]
    return [p for p in (file(project, n) for n in names) if p is not None]


def stack(project: Path, edition: str, publication_folder: Path, with_fonts: bool) -> list[Path]:
    """The sheets of an edition, in order, that may be read (the others were
    reported when the publication was read)."""
    sheets = [s for s in _sheets(project, edition, with_fonts) if readable(project, s)]
    # A publication may restyle itself: style.css for every edition, then
    # epub.css or print.css for one.
    return sheets + [s for s in own_sheets(publication_folder) if s.name in ("style.css", f"{edition}.css")]


def sheet_text(project: Path, path: Path) -> str:
    return read_bytes(project, path).decode("utf-8", errors="replace")


def font_files(project: Path) -> list[Path]:
    """The font files the fonts.css in use declares, in the order it declares them."""
    sheet = file(project, "fonts.css")
    if sheet is None or not readable(project, sheet):
        return []
    found: dict[Path, None] = {}
    for url in _references(sheet_text(project, sheet)):
        rel = _inside_styles(url)
        path = file(project, rel) if rel else None
        if path is not None and path.suffix.lower() in FONT_SUFFIXES and readable(project, path):
            found[path] = None
    return list(found)


def _references(text: str) -> list[str]:
    """The files the @font-face rules of a sheet name, read by the CSS parser
    (so escapes and comments do not hide or invent one)."""
    import tinycss2  # here: the loading stage stays light

    found: list[str] = []

    def walk(tokens):
        for token in tokens:
            if token.type == "url":
                found.append(token.value)
            elif token.type == "function":
                if token.lower_name == "url":
                    found.extend(t.value for t in token.arguments if t.type == "string")
                walk(token.arguments)

    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face" and rule.content:
            for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                if declaration.type == "declaration" and declaration.lower_name == "src":
                    walk(declaration.value)
    return found


def _inside_styles(url: str) -> str | None:
    """A relative reference from a sheet at the top of styles/ as a place
    inside styles/, or None (an address, an absolute path, a way out)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    rel = posixpath.normpath(unquote(parts.path))
    return None if rel == ".." or rel.startswith("../") else rel


def check_files(project: Path, publication_folder: Path, diags) -> None:
    """Report every project sheet and font an edition would read but may not
    (a link leading out of the project, a folder, a pipe) or cannot (not
    UTF-8), and fonts the project holds that no fonts.css declares."""
    for sheet in dict.fromkeys(_sheets(project, "epub", True) + _sheets(project, "print", True)):
        if _is_project_file(project, sheet):
            read_text(sheet, diags, project, confine.PROJECT)
    for name in OWN:
        if os.path.lexists(publication_folder / name):
            read_text(publication_folder / name, diags, publication_folder, confine.FOLDER)
    declared = set(font_files(project))
    for rel, path in sorted(own_files(project).items()):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        if confine.confined(path, diags, project, confine.PROJECT) and path not in declared:
            diags.warning(
                f"the font {STYLES}/{rel} is not used: no @font-face rule of fonts.css names it",
                path,
                hint="declare it in styles/fonts.css ('pressroom styles fonts.css' "
                "copies the house one there to add to)",
            )


def own_sheets(publication_folder: Path) -> list[Path]:
    return [
        p
        for p in (publication_folder / n for n in OWN)
        if os.path.lexists(p) and confine.allowed(p, publication_folder)
    ]


def check_own_sheets(publication_folder: Path, diags) -> None:
    """A publication's sheets may not pull in anything: the editions carry only
    the committed fonts and the publication's images (data: URLs of pictures
    and fonts carry themselves, and stay)."""
    from .sanitise import css, svg  # here: the loading stage stays light

    for sheet in own_sheets(publication_folder):
        # Not UTF-8 is reported by check_files, which reads the sheet first.
        data = confine.read_bytes(sheet, publication_folder, confine.FOLDER)
        _, removals = css.clean_sheet(data.decode("utf-8", errors="replace"), svg.loadable)
        for removal in removals:
            diags.warning(
                f"'{removal.what}' in a publication stylesheet is not used: stylesheets "
                "may not load files or addresses",
                sheet,
                removal.line,
                hint="use the committed fonts; put images in the Markdown",
            )


def without_urls(text: str) -> str:
    """The sheet with every reference to a file or an address taken out: the
    declarations holding one, and every @import."""
    from .sanitise import css, svg

    return css.clean_sheet(text, svg.loadable)[0]
