"""Reading stage: Markdown to HTML element trees (Python-Markdown).

One configured converter per source file; its output is parsed with lxml's
forgiving HTML parser, so sloppy raw HTML still yields a well-formed tree.
"""

from __future__ import annotations

import markdown
import tinyhtml5
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
    "pymdownx.tilde", "pymdownx.blocks.caption", "pymdownx.arithmatex",
]

CONFIG = {
    "smarty": {"smart_angled_quotes": True, "substitutions": SMARTY},
    "toc": {"slugify": slugify(case="lower-ascii"), "permalink": False},
    "footnotes": {"BACKLINK_TEXT": "\u21a9\ufe0e", "SUPERSCRIPT_TEXT": "{}"},
    "pymdownx.arithmatex": {"generic": True},
    "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False},
}


def converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG, output_format="xhtml")


def to_tree(text: str, md: markdown.Markdown | None = None) -> lxml_html.HtmlElement:
    """Convert Markdown text to a <div> element holding the content.

    Python-Markdown's own output is well-structured and lxml parses it fast;
    where the source has raw HTML, the HTML5 tree-construction rules
    (tinyhtml5, WeasyPrint's parser) repair it as a browser would: stray
    table rows dropped, paragraphs closed before blocks, SVG case kept.
    """
    md = md or converter()
    md.reset()
    html = md.convert(text)
    if md.htmlStash.rawHtmlBlocks:
        return _html5_tree(html)
    return lxml_html.fragment_fromstring(html, create_parent="div")


def _html5_tree(html: str) -> lxml_html.HtmlElement:
    document = tinyhtml5.parse(f"<!DOCTYPE html><html><body><div>{html}</div></body></html>",
                               namespace_html_elements=False)
    source_root = document.find("body/div")
    root = lxml_html.Element("div")
    stack = [(source_root, root)]
    while stack:  # iterative: a deeply nested source must not exhaust the stack
        source, target = stack.pop()
        target.text = source.text
        for child in source:
            if not isinstance(child.tag, str):
                continue
            element = lxml_html.Element(_local(child.tag))
            for name, value in child.attrib.items():
                name = _local(name, prefix=True)
                if name:
                    element.set(name, value)
            element.tail = child.tail
            target.append(element)
            stack.append((child, element))
    return root


_PREFIXES = {"http://www.w3.org/1999/xlink": "xlink", "http://www.w3.org/XML/1998/namespace": "xml"}


def _local(name: str, prefix: bool = False) -> str:
    if not name.startswith("{"):
        return name
    namespace, local = name[1:].split("}", 1)
    if not prefix:
        return local
    known = _PREFIXES.get(namespace)
    return f"{known}:{local}" if known else ""
