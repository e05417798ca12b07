"""How a publication's Markdown is read: the dialect, links that leave the
book, and what elements that are not HTML stand for.

``markdown: commonmark | python-markdown`` (default commonmark),
``links: {base: URL}`` and ``html-elements: {NAME: {as: figure, caption: TEMPLATE}}``
are checked here like every other metadata key, each problem at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import Diagnostics
from .sanitise.elements import DANGEROUS, HTML_ELEMENTS

DIALECTS = ("commonmark", "python-markdown")
RENDERINGS = ("figure", "div", "span", "aside")
_ELEMENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9\-]*$")

# The Python-Markdown extensions the python-markdown dialect reads with (see
# readers/python_markdown.py), here so that the loading stage (mkdocs.yml's
# markdown_extensions) can tell which a project asks for in vain.
EXTENSIONS = [
    "abbr",
    "attr_list",
    "def_list",
    "footnotes",
    "tables",
    "md_in_html",
    "smarty",
    "toc",
    "admonition",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.caret",
    "pymdownx.tilde",
    "pymdownx.blocks.caption",
    "pymdownx.arithmatex",
]

# Extensions a project may add (mkdocs.yml's markdown_extensions) that read
# into the same model; ``unsupported`` names the others, for a warning.
OPTIONAL = {
    "pymdownx.details",
    "pymdownx.mark",
    "pymdownx.smartsymbols",
    "pymdownx.betterem",
    "pymdownx.inlinehilite",
    "pymdownx.keys",
    "pymdownx.saneheaders",
    "sane_lists",
    "nl2br",
}
# Already read by the defaults above (or what they replace), so nothing to add.
COVERED = set(EXTENSIONS) | {
    "codehilite",
    "fenced_code",
    "extra",
    "meta",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.arithmatex",
    "pymdownx.blocks.caption",
}


# ``typography: false`` turns the text clean-up off, ``typography: {dashes: false}`` a part of it.
TYPOGRAPHY = frozenset({"dashes", "spaces", "breaks"})


def canonical(name: str) -> str:
    return name.removeprefix("markdown.extensions.")


def unsupported(names) -> list[str]:
    """The extensions of a list that the python-markdown reader does not provide."""
    return [n for n in names if canonical(n) not in OPTIONAL | COVERED]


@dataclass(frozen=True)
class ElementRule:
    """How an element that is not HTML is set: as ``render`` (figure, div,
    span, aside), with a caption made from its attributes, e.g.
    ``Listing {number}: {caption}``."""

    render: str = "div"
    caption: str | None = None


@dataclass
class ReadingOptions:
    dialect: str = "commonmark"
    link_base: str | None = None  # relative links leaving the book resolve against it
    elements: dict[str, ElementRule] = field(default_factory=dict)  # lower-case name -> rule
    extensions: tuple = ()  # Python-Markdown extensions asked for (mkdocs.yml), beyond the defaults
    typography: frozenset = TYPOGRAPHY  # the text clean-ups done (transforms/typography.py)


def read_dialect(value, path: Path, line: int | None, diags: Diagnostics) -> str | None:
    if value is None:
        return None
    if value not in DIALECTS:
        diags.error(
            f"'markdown' must be commonmark or python-markdown, not {value!r}",
            path,
            line,
            hint="commonmark reads GitHub and pandoc Markdown; python-markdown reads MkDocs sources",
        )
        return None
    return value


def read_reading_options(raw: dict, lines: dict, path: Path, diags: Diagnostics) -> ReadingOptions:
    options = ReadingOptions()
    options.dialect = read_dialect(raw.get("markdown"), path, lines.get("markdown"), diags) or "commonmark"
    links = raw.get("links")
    if links is not None:
        line = lines.get("links")
        if not isinstance(links, dict) or set(links) - {"base"}:
            diags.error(
                "'links' must be a mapping with the key 'base'",
                path,
                line,
                hint="links: {base: https://example.org/book/}",
            )
        else:
            base = links.get("base")
            parts = urlsplit(str(base or ""))
            if not isinstance(base, str) or parts.scheme not in ("http", "https") or not parts.netloc:
                diags.error(
                    f"'links: base' must be a web address, not {base!r}",
                    path,
                    line,
                    hint="give the address the book is published at, ending with '/'",
                )
            else:
                options.link_base = base if base.endswith("/") else base + "/"
    options.typography = read_typography(raw.get("typography"), path, lines.get("typography"), diags)
    elements = raw.get("html-elements")
    if elements is not None:
        line = lines.get("html-elements")
        if not isinstance(elements, dict):
            diags.error(
                "'html-elements' must map element names to {as: figure|div|span|aside, caption: TEXT}", path, line
            )
            return options
        for name, rule in elements.items():
            if not isinstance(name, str) or not _ELEMENT_NAME.match(name):
                diags.error(f"'{name}' in 'html-elements' is not an element name", path, line)
                continue
            if name.lower() in HTML_ELEMENTS | DANGEROUS:
                diags.error(
                    f"'{name}' in 'html-elements' is an HTML element, which is set as HTML",
                    path,
                    line,
                    hint="name only elements that are not HTML, such as an mdBook book's Listing",
                )
                continue
            if not isinstance(rule, dict) or set(rule) - {"as", "caption"}:
                diags.error(
                    f"'html-elements: {name}' must be a mapping with 'as' and, for a figure, 'caption'",
                    path,
                    line,
                    hint="Listing: {as: figure, caption: 'Listing {number}: {caption}'}",
                )
                continue
            render = rule.get("as", "div")
            caption = rule.get("caption")
            if render not in RENDERINGS:
                diags.error(
                    f"'html-elements: {name}: as' must be one of {', '.join(RENDERINGS)}, not {render!r}", path, line
                )
                continue
            if caption is not None and not isinstance(caption, str):
                diags.error(f"'html-elements: {name}: caption' must be text", path, line)
                continue
            options.elements[name.lower()] = ElementRule(render, caption)
    return options


def read_typography(value, path: Path, line: int | None, diags: Diagnostics) -> frozenset:
    if value is None or value is True:
        return TYPOGRAPHY
    if value is False:
        return frozenset()
    if not isinstance(value, dict) or set(value) - TYPOGRAPHY or not all(isinstance(v, bool) for v in value.values()):
        diags.error(
            "'typography' must be true, false or a mapping of dashes, spaces and breaks to true or false",
            path,
            line,
            hint="typography: {dashes: false} keeps the hyphens and dashes as written",
        )
        return TYPOGRAPHY
    return frozenset(k for k in TYPOGRAPHY if value.get(k, True))
