"""The python-markdown dialect: Python-Markdown with the extensions MkDocs
writers use (admonitions, attribute lists, abbreviations, definition lists,
footnotes, tables, table of contents, pymdownx).

One configured converter per publication; its output becomes the same
document model as the CommonMark reader's.
"""

from __future__ import annotations

import re

import markdown
from pymdownx.slugs import slugify

from ..transforms.limits import most_nested_line, raw_html_too_deep, too_deep
from . import bounds
from . import html5
from ..reading_options import EXTENSIONS, OPTIONAL, canonical
from .reading import Reading

# Typographic substitutions as Unicode characters: Python-Markdown's defaults
# are named entities, which are not XML.
SMARTY = {
    "left-single-quote": "\u2018",
    "right-single-quote": "\u2019",
    "left-double-quote": "\u201c",
    "right-double-quote": "\u201d",
    "left-angle-quote": "\u00ab",
    "right-angle-quote": "\u00bb",
    "ellipsis": "\u2026",
    "ndash": "\u2013",
    "mdash": "\u2014",
}

CONFIG = {
    "smarty": {"smart_angled_quotes": True, "substitutions": SMARTY},
    "toc": {"slugify": slugify(case="lower-ascii"), "permalink": False},
    "footnotes": {"BACKLINK_TEXT": "\u21a9\ufe0e", "SUPERSCRIPT_TEXT": "{}"},
    "pymdownx.arithmatex": {"generic": True},
    "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False},
}


def converter(extra: tuple = ()) -> markdown.Markdown:
    wanted = [canonical(e) for e in extra]
    chosen = EXTENSIONS + sorted({e for e in wanted if e in OPTIONAL} - set(EXTENSIONS))
    config = {k: v for k, v in CONFIG.items() if k in chosen}
    return markdown.Markdown(extensions=chosen, extension_configs=config, output_format="xhtml")


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")


def unclosed_fence(text: str) -> tuple[int, str] | None:
    """The line and marker of a code fence that is opened and never closed."""
    opened = None
    for number, line in enumerate(text.split("\n"), 1):
        match = _FENCE.match(line)
        if not match:
            continue
        marker, rest = match.groups()
        if opened is None:
            opened = (number, marker)
        elif marker[0] == opened[1][0] and len(marker) >= len(opened[1]) and not rest.strip():
            opened = None
    return opened


class PythonMarkdownReader:
    dialect = "python-markdown"

    def __init__(self, extensions: tuple = ()):
        self.md = converter(extensions)

    def read(self, text: str) -> Reading:
        md = self.md
        md.reset()
        refused = bounds.refused(text)
        if refused:
            return _refused(refused)
        try:
            html = md.convert(text)
        except RecursionError:  # Python-Markdown recurses over what it reads
            return _refused([too_deep(most_nested_line(text))])
        blocks = list(md.htmlStash.rawHtmlBlocks)
        deep = raw_html_too_deep(blocks)
        if deep is not None:
            block = blocks[deep[0]]
            skipped = block[: len(block) - len(block.lstrip())].count("\n")  # blank lines before its text
            index = text.find(block.strip()[:40])
            line = (
                text.count("\n", 0, index) + 1 + block.count("\n", 0, deep[1]) - skipped
                if index >= 0
                else most_nested_line(text)
            )
            return _refused([too_deep(line)])
        reading = Reading(html5.to_tree(html, raw=bool(blocks)))
        reading.raw_html = [(block, None) for block in blocks]
        unclosed = unclosed_fence(text)
        if unclosed:
            line, marker = unclosed
            reading.warnings.append(
                (
                    f"the code block opened here with {marker} is never closed; its lines are read as text",
                    line,
                    f"close it with a line {marker}",
                )
            )
        # Comments go with the raw HTML; say where they were.
        for block in blocks:
            for match in _COMMENT.finditer(block):
                index = text.find(match.group(0))
                if index >= 0:
                    reading.dropped.append(("HTML comment", text.count("\n", 0, index) + 1))
        return reading


def _refused(errors: list) -> Reading:
    reading = Reading(html5.to_tree("", raw=False))
    reading.errors = errors
    return reading
