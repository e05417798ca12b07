"""Math: LaTeX from the source becomes MathML at build time.

pymdownx.arithmatex marks ``$...$`` and ``$$...$$`` (and ``\\(...\\)``,
``\\[...\\]``) without rendering them; latex2mathml turns each into MathML,
which the EPUB carries as it is. The TeX stays as ``alttext`` for assistive
technology, and the print writer draws the same formula as SVG.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ..errors import Diagnostics
from ..model import Chapter
from ..sanitise import mathml
from .sanitize import clean_foreign, line_of

_DELIMITERS = re.compile(r"^\s*(\\\(|\\\[|\$\$?)(.*?)(\\\)|\\\]|\$\$?)\s*$", re.S)


def _tex(el) -> str:
    text = "".join(el.itertext())
    match = _DELIMITERS.match(text)
    return (match.group(2) if match else text).strip()


def _to_html(mathml: str):
    """MathML text to an un-namespaced element, like the rest of the model."""
    source = etree.fromstring(mathml.encode("utf-8"))
    root = lxml_html.Element("math")
    stack = [(source, root)]
    while stack:
        src, dst = stack.pop()
        dst.text = src.text
        for name, value in src.attrib.items():
            if not name.startswith("{"):
                dst.set(name, value)
        for child in src:
            el = lxml_html.Element(etree.QName(child).localname)
            el.tail = child.tail
            dst.append(el)
            stack.append((child, el))
    return root


def render_math(chapter: Chapter, text: str, diags: Diagnostics) -> None:
    formulas = list(chapter.body.find_class("arithmatex"))
    if not formulas:
        return
    import latex2mathml.converter  # here: most texts have no math, and it takes a while to load

    for el in formulas:
        tex = _tex(el)
        block = el.tag == "div"
        try:
            math = _to_html(latex2mathml.converter.convert(tex, display="block" if block else "inline"))
        except Exception as exc:  # noqa: BLE001 - the converter raises many kinds for bad TeX
            diags.error(
                f"the formula '{tex[:40]}' cannot be read as LaTeX ({type(exc).__name__})",
                chapter.source,
                line_of(chapter, text, tex[:30]),
                hint="check its braces and command names",
            )
            continue
        # \href, \style and \text put what the author typed into the MathML.
        clean_foreign(math, chapter, text, diags.warning, needle=tex[:30])
        math.set("alttext", mathml.clean_tex(tex))
        if block:
            wrapper = lxml_html.Element("div", {"class": "math-display"})
            wrapper.append(math)
            math = wrapper
        math.tail = el.tail
        el.getparent().replace(el, math)
