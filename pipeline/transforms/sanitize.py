"""Raw HTML hygiene: what EPUB and print cannot carry, or must not run, goes.

Scripts, event handlers, frames and forms are removed; elements that are not
HTML (other tools' custom tags) are replaced by their content. Each removal
is a warning naming the file and line.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from ..errors import Diagnostics
from ..model import Chapter

HTML_ELEMENTS = set("""
a abbr address article aside b bdi bdo blockquote br caption cite code col colgroup
data dd del details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hgroup
hr i img ins kbd li main mark nav ol p picture pre q rp rt ruby s samp section small
span strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr
math svg
""".split())
DANGEROUS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
             "input", "button", "select", "textarea", "option", "base", "link", "meta",
             "style", "noscript", "template", "video", "audio", "canvas", "dialog", "source", "track"}
URL_ATTRIBUTES = {"href", "src", "xlink:href", "srcset", "poster", "cite", "action", "data"}
_NAME = re.compile(r"^[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?$")


def line_of(chapter: Chapter, text: str, needle: str) -> int | None:
    """The source line on which a snippet first appears, for messages."""
    index = text.find(needle)
    if index < 0:
        return None
    return chapter.meta.get("_first_line", 1) + text.count("\n", 0, index)


def sanitize(chapter: Chapter, text: str, diags: Diagnostics, strict: bool = False) -> None:
    report = diags.error if strict else diags.warning
    for el in list(chapter.body.iter()):
        if not isinstance(el.tag, str):  # comments and processing instructions
            if el.getparent() is not None:
                el.drop_tree()
            continue
        tag = el.tag.lower()
        if tag in DANGEROUS:
            report(f"<{tag}> is not allowed in a publication and was removed",
                   chapter.source, line_of(chapter, text, f"<{tag}"),
                   hint="remove it from the source")
            el.drop_tree()
            continue
        if el.getparent() is not None and _inside_foreign(el):
            _clean_foreign(el, chapter, text, report)
            continue
        if tag not in HTML_ELEMENTS:
            diags.warning(f"<{tag}> is not an HTML element; its content was kept without it",
                          chapter.source, line_of(chapter, text, f"<{tag}"))
            el.drop_tag()
            continue
        _clean_attributes(el, chapter, text, report)


def _clean_foreign(el, chapter, text, report) -> None:
    """Inside SVG and MathML only same-document references may stay."""
    for name in list(el.attrib):
        lowered = name.lower()
        value = el.attrib[name].strip()
        if lowered.startswith("on"):
            report(f"event handler '{name}' on <{el.tag}> was removed", chapter.source,
                   line_of(chapter, text, name))
            del el.attrib[name]
        elif lowered in ("href", "xlink:href", "src") and not value.startswith("#"):
            report(f"<{el.tag}> refers to '{value[:60]}'; only references inside the document are kept",
                   chapter.source, line_of(chapter, text, value[:30]),
                   hint="embed the picture as an image of the publication instead")
            del el.attrib[name]


def _inside_foreign(el) -> bool:
    return any(a.tag in ("svg", "math") for a in el.iterancestors())


def _clean_attributes(el, chapter, text, report) -> None:
    for name in list(el.attrib):
        value = el.attrib[name]
        lowered = name.lower()
        if lowered.startswith("on"):
            report(f"event handler '{name}' on <{el.tag}> was removed",
                   chapter.source, line_of(chapter, text, name))
            del el.attrib[name]
        elif not _NAME.match(name) or lowered == "xmlns" or (":" in name and not lowered.startswith(("epub:", "xml:", "xlink:"))):
            del el.attrib[name]
        elif lowered == "rel" and "attachment" in value.lower().split():
            # WeasyPrint would fetch and embed the target into the PDF.
            report(f"rel=\"attachment\" on <{el.tag}> was removed; the link stays a link",
                   chapter.source, line_of(chapter, text, "attachment"))
            del el.attrib[name]
        elif lowered in URL_ATTRIBUTES and value.strip().lower().startswith(("javascript:", "vbscript:")):
            report(f"script URL in '{name}' on <{el.tag}> was removed",
                   chapter.source, line_of(chapter, text, value[:30]))
            del el.attrib[name]
        elif lowered == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.I):
            report(f"style attribute on <{el.tag}> refers to outside resources and was removed",
                   chapter.source, line_of(chapter, text, value[:30]))
            del el.attrib[name]
