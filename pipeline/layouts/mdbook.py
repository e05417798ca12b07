"""An mdBook book as it stands: book.toml for the metadata, src/SUMMARY.md
for the order, mdBook's preprocessor for includes and hidden lines.

book.toml's ``[book]`` gives the title, authors, description and language,
``[output.html] site-url`` the address relative links that leave the book
are resolved against (when it is a full address), ``[book] src`` the folder
of the sources (default ``src``).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from .. import confine, xmlchars
from ..errors import Diagnostics
from ..textfiles import read_text
from ..placement import Placement
from . import includes, summary
from .layout import Layout, sources_folder

CONFIG = "book.toml"
# mdBook's own preprocessors, which Pressroom does the work of (links: the includes).
OWN_PREPROCESSORS = {"links", "index"}


def load(config: Path, diags: Diagnostics) -> Layout | None:
    folder = config.parent
    text = read_text(config, diags, folder)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        diags.error(
            f"malformed TOML: {str(exc).split(' (at line')[0]}",
            config,
            line,
            column,
            hint="check the quotes and the [section] headers",
        )
        return None
    lines = key_lines(text)
    raw, raw_lines = _metadata(data, lines, config, diags)
    book = data["book"] if isinstance(data.get("book"), dict) else {}
    src = book.get("src", "src")
    root = sources_folder(
        folder,
        src,
        config,
        lines.get("book.src", 1),
        diags,
        f"the sources' folder '{src}'",
        "mdBook reads the chapters from src/ beside book.toml",
    )
    if root is None:
        return None
    for name, line in _foreign_preprocessors(data, lines):
        diags.warning(
            f"book.toml asks for the preprocessor '{name}', which Pressroom does not run; "
            "what it would make is set as written",
            config,
            line,
            hint="check the chapters that use it in the editions",
        )
    layout = Layout("mdbook", config, raw, raw_lines, [], root, front_matter=False)
    layout.title_hint = 'give the book a title in book.toml: [book] title = "..."'
    layout.prepare = lambda source, local: _prepare(source, folder, local)
    contents = root / "SUMMARY.md"
    if not os.path.lexists(contents):
        diags.error(
            f"there is no {src}/SUMMARY.md beside book.toml: it gives the order of the chapters",
            config,
            hint="list the chapters in SUMMARY.md as mdBook does: - [Title](file.md)",
        )
        return layout
    summary_text = read_text(contents, diags, folder)
    if summary_text is not None:
        layout.others.append(contents)
        layout.entries = entries(summary.parse(summary_text, contents, diags), root, folder, contents, diags)
    return layout


def _metadata(data: dict, lines: dict, config: Path, diags: Diagnostics) -> tuple[dict, dict]:
    """book.toml's keys under Pressroom's names, each with its line; values
    of the wrong type are reported here, under mdBook's names."""
    book = data.get("book", {})
    raw: dict[str, object] = {}
    raw_lines: dict[str, int | None] = {}
    if not isinstance(book, dict):
        diags.error("[book] must be a table", config, lines.get("book", 1))
        return raw, raw_lines
    for ours, theirs in (("title", "title"), ("description", "description"), ("lang", "language")):
        value = book.get(theirs)
        if value is None:
            continue
        if not isinstance(value, str):
            diags.error(f"book.toml: [book] {theirs} must be text", config, lines.get(f"book.{theirs}"))
            continue
        raw[ours], raw_lines[ours] = (
            _carried(value, config, lines.get(f"book.{theirs}"), diags),
            lines.get(f"book.{theirs}"),
        )
    authors = book.get("authors")
    if authors is not None:
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            diags.error("book.toml: [book] authors must be a list of names", config, lines.get("book.authors"))
        elif authors:
            raw["author"] = [_carried(a, config, lines.get("book.authors"), diags) for a in authors]
            raw_lines["author"] = lines.get("book.authors")
    html = (data.get("output") or {}).get("html") if isinstance(data.get("output"), dict) else None
    site = html.get("site-url") if isinstance(html, dict) else None
    # Often only a path ("/book/"): only a full address can resolve a link.
    if isinstance(site, str) and urlsplit(site).scheme in ("http", "https") and urlsplit(site).netloc:
        raw["links"], raw_lines["links"] = {"base": site}, lines.get("output.html.site-url")
    return raw, raw_lines


def _carried(value: str, config: Path, line, diags: Diagnostics) -> str:
    """The value without the characters no edition can carry (TOML's \\u escapes can make them)."""
    cleaned, found = xmlchars.clean(value)
    if found:
        diags.warning(
            xmlchars.describe([c for _, c in found]), config, line, hint="remove the escape (\\u....) that makes it"
        )
    return cleaned


def _foreign_preprocessors(data: dict, lines: dict):
    preprocessors = data.get("preprocessor")
    if not isinstance(preprocessors, dict):
        return
    for name in preprocessors:
        if name not in OWN_PREPROCESSORS:
            yield name, lines.get(f"preprocessor.{name}")


def key_lines(text: str) -> dict[str, int]:
    """The line of each key and table, named with dots ("book.title", "output.html.site-url")."""
    found, table = {}, ""
    for number, line in enumerate(text.split("\n"), 1):
        header = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            table = ".".join(part.strip().strip("\"'") for part in header.group(1).split("."))
            found.setdefault(table, number)
            continue
        key = re.match(r"^\s*([A-Za-z0-9_\-\"'.]+?)\s*=", line)
        if key:
            name = key.group(1).strip("\"'")
            found.setdefault(f"{table}.{name}" if table else name, number)
    return found


def entries(
    items: list[summary.Item], root: Path, folder: Path, contents: Path, diags: Diagnostics
) -> list[tuple[Path, Placement]]:
    """SUMMARY.md's items as the loading stage's entries: (file, where the book puts it)."""
    out, seen = [], {}
    parts = 0  # 1 inside a part
    chain: list[bool] = []  # for each open nesting level: is it a draft?
    for item in items:
        if item.kind == "part":
            out.append((contents, Placement("part", 0, part=item.title, line=item.line)))
            parts, chain = 1, []
            continue
        del chain[item.depth :]
        # A draft's children take its place: they continue the chapter above it.
        depth = sum(1 for draft in chain if not draft)
        chain.append(item.path is None)
        if item.path is None:
            diags.warning(
                f"'{item.title}' is a draft chapter (no file yet); it is left out",
                contents,
                item.line,
                hint="give it a file when it is written: [Title](file.md)",
            )
            continue
        path = confine.confined(
            root / item.path,
            diags,
            folder,
            confine.FOLDER,
            what=f"'{item.path}'",
            at=contents,
            line=item.line,
            hint=f"the files of SUMMARY.md are relative to {root.name}/",
        )
        if path is None:
            continue
        if path in seen:
            diags.error(
                f"'{item.path}' is already in the book, at line {seen[path]}",
                contents,
                item.line,
                hint="a file can be a chapter only once",
            )
        else:
            seen[path] = item.line
            # Prefix and suffix chapters stand outside the parts.
            offset = (parts if item.role == "body" else 0) + depth
            out.append((path, Placement(item.role, offset, label=item.title, continues=depth)))
    return out


def _prepare(source, folder: Path, diags: Diagnostics) -> None:
    """mdBook's preprocessor on one chapter: includes and hidden lines, with the line map."""
    expanded = includes.expand(source.path, source.text, source.first_line, folder, diags)
    source.text, source.origins = expanded.text, expanded.origins
    source.included = expanded.included
