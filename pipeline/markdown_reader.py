"""Reading stage: Markdown to HTML element trees (Python-Markdown).

One configured converter per source file; its output is parsed with lxml's
forgiving HTML parser, so sloppy raw HTML still yields a well-formed tree.
"""

from __future__ import annotations

import markdown
from lxml import html as lxml_html
from pymdownx.slugs import slugify

# Typographic substitutions as Unicode characters: Python-Markdown's defaults
# are named entities, which are not XML.
SMARTY = {
    "left-single-quote": "\u2018", "right-single-quote": "\u2019",
    "left-double-quote": "\u201c", "right-double-quote": "\u201d",
    "left-angle-quote": "\u00ab", "right-angle-quote": "\u00bb",
    "ellipsis": "\u2026", "ndash": "\u2013", "mdash": "\u2014",
}

EXTENSIONS = [
    "abbr", "attr_list", "def_list", "footnotes", "tables", "md_in_html", "smarty", "toc",
    "admonition", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.caret",
    "pymdownx.tilde", "pymdownx.blocks.caption",
]

CONFIG = {
    "smarty": {"smart_angled_quotes": True, "substitutions": SMARTY},
    "toc": {"slugify": slugify(case="lower-ascii"), "permalink": False},
    "footnotes": {"BACKLINK_TEXT": "\u21a9\ufe0e", "SUPERSCRIPT_TEXT": "{}"},
    "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False},
}


def converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG, output_format="xhtml")


def to_tree(text: str, md: markdown.Markdown | None = None) -> lxml_html.HtmlElement:
    """Convert Markdown text to a <div> element holding the content."""
    md = md or converter()
    md.reset()
    html = md.convert(text)
    return lxml_html.fragment_fromstring(html, create_parent="div")
