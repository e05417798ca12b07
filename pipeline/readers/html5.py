"""HTML text to an un-namespaced lxml tree, repaired as a browser would.

Both readers render HTML; where the source has raw HTML, the HTML5
tree-construction rules (tinyhtml5, WeasyPrint's parser) repair it: stray
table rows dropped, paragraphs closed before blocks, SVG case kept.
Comments are left out here, their tail text kept: the reader reports them.
"""

from __future__ import annotations

import tinyhtml5
from lxml import html as lxml_html

from .. import xmlchars

_PREFIXES = {"http://www.w3.org/1999/xlink": "xlink", "http://www.w3.org/XML/1998/namespace": "xml"}


def to_tree(html: str, raw: bool) -> lxml_html.HtmlElement:
    """A <div> holding the content; ``raw``: the HTML holds the author's own tags."""
    # Character references (&#7;) can still make what XML cannot carry; each is named by xmlchars.
    html = xmlchars.clean(html)[0]
    if not raw:
        return lxml_html.fragment_fromstring(html, create_parent="div")
    document = tinyhtml5.parse(
        f"<!DOCTYPE html><html><body><div>{html}</div></body></html>", namespace_html_elements=False
    )
    source_root = document.find("body/div")
    root = lxml_html.Element("div")
    stack = [(source_root, root)]
    while stack:  # iterative: a deeply nested source must not exhaust the stack
        source, target = stack.pop()
        target.text = _carried(source.text)
        last = None
        for child in source:
            if not isinstance(child.tag, str):
                # A comment goes; the text after it stays where it was.
                _append_text(target, last, _carried(child.tail))
                continue
            element = lxml_html.Element(_local(child.tag))
            for name, value in child.attrib.items():
                name = _local(name, prefix=True)
                if name:
                    element.set(name, _carried(value))
            element.tail = _carried(child.tail)
            target.append(element)
            stack.append((child, element))
            last = element
    return root


def _carried(text: str | None) -> str | None:
    """The raw HTML's character references are decoded by now (&#7;)."""
    return xmlchars.clean(text)[0] if text else text


def _append_text(parent, last, text: str | None) -> None:
    if not text:
        return
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def _local(name: str, prefix: bool = False) -> str:
    if not name.startswith("{"):
        return name
    namespace, local = name[1:].split("}", 1)
    if not prefix:
        return local
    known = _PREFIXES.get(namespace)
    return f"{known}:{local}" if known else ""
