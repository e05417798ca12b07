"""Raw HTML hygiene: what EPUB and print cannot carry, or must not run, goes.

Scripts, event handlers, frames and forms are removed; elements that are not
HTML (other tools' custom tags) are replaced by their content. Each removal
is a warning naming the file and line.
"""

from __future__ import annotations

import functools
import re

from lxml import html as lxml_html

from ..errors import Diagnostics
from ..model import Chapter
from ..sanitise import css, mathml, summary, svg
from ..sanitise.attributes import ELEMENT_ATTRIBUTES, EPUB_TYPES, GLOBAL_ATTRIBUTES, ROLES, URL_ATTRIBUTES, VALUE_CHECKS
from ..sanitise.elements import DANGEROUS, HTML_ELEMENTS

_FOREIGN_START = re.compile(r"<(svg|math)\b", re.I)
_NAME = re.compile(r"^[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?$")


def line_of(chapter: Chapter, text: str, needle: str) -> int | None:
    """The source line on which a snippet first appears, for messages."""
    index = text.find(needle)
    if index < 0:  # HTML parsers lower-case tag names: <Callout> is found as <callout>
        index = text.lower().find(needle.lower())
    if index < 0:
        return None
    return chapter.first_line + text.count("\n", 0, index)


def _reporter(diags: Diagnostics, strict: bool):
    """A warning that says what was removed; under --strict, an error that
    says what is not allowed (nothing is removed: the build stops)."""
    if not strict:
        return diags.warning

    def refuse(message, *where, hint=None):
        message = message.replace(" and was removed", "").replace(" was removed", " is not allowed")
        diags.error(message, *where, hint=hint or "remove it from the source")

    return refuse


def sanitize(
    chapter: Chapter,
    text: str,
    diags: Diagnostics,
    strict: bool = False,
    elements: dict | None = None,
    unknown: dict | None = None,
) -> None:
    """``elements``: how the publication sets elements that are not HTML
    (``html-elements``); ``unknown``: the others met, name -> (count, first
    place), tallied over the publication and reported by report_unknown."""
    report = _reporter(diags, strict)
    elements = elements or {}
    unknown = {} if unknown is None else unknown
    # The n-th <svg> (or <math>) of the tree is, as a rule, the n-th in the source.
    starts, line, position = {"svg": [], "math": []}, chapter.first_line, 0
    for match in _FOREIGN_START.finditer(text):
        line, position = line + text.count("\n", position, match.start()), match.start()
        starts[match.group(1).lower()].append(line)
    seen = {"svg": 0, "math": 0}
    for el in [e for e in chapter.body.iter("svg", "math") if not inside_foreign(e)]:
        lines, seen[el.tag] = starts[el.tag], seen[el.tag] + 1
        clean_foreign(el, chapter, text, report, line=lines[seen[el.tag] - 1] if seen[el.tag] <= len(lines) else None)
        if el.tag == "math" and not "".join(el.itertext()).strip():
            el.drop_tree()  # an empty formula shows nothing, and says nothing to a screen reader
    for el in list(chapter.body.iter()):
        if not isinstance(el.tag, str):  # comments and processing instructions
            if el.getparent() is not None:
                el.drop_tree()
            continue
        tag = el.tag.lower()
        if tag in ("svg", "math") or inside_foreign(el):
            continue  # cleaned above, by their own allow-lists
        if tag in DANGEROUS:
            report(
                f"<{tag}> is not allowed in a publication and was removed",
                chapter.source,
                line_of(chapter, text, f"<{tag}"),
                hint="remove it from the source",
            )
            el.drop_tree()
            continue
        if tag in elements and tag not in HTML_ELEMENTS:
            _set_as(el, tag, elements[tag])
        elif tag not in HTML_ELEMENTS:
            count, where = unknown.get(tag, (0, None))
            unknown[tag] = (count + 1, where or (chapter.source, line_of(chapter, text, f"<{tag}")))
            el.drop_tag()
            continue
        _clean_attributes(el, chapter, text, report)


def report_unknown(unknown: dict, diags: Diagnostics) -> None:
    """One warning per element name, with its count and first place."""
    for tag, (count, (path, line)) in sorted(unknown.items()):
        times = f", {count} times, first here" if count > 1 else ""
        diags.warning(
            f"<{tag}> is not an HTML element{times}; its content was kept without it",
            path,
            line,
            hint=f"to set it as a figure, a div or a span, give it under 'html-elements' "
            f"in publication.yaml: {tag}: {{as: figure, caption: '{{title}}'}}",
        )


def _set_as(el, tag: str, rule) -> None:
    """An element the publication describes (``html-elements``) becomes the
    HTML it stands for; a figure's caption is made from its attributes."""
    attributes = {k.lower(): v for k, v in el.attrib.items()}
    for name in list(el.attrib):
        del el.attrib[name]
    el.tag = rule.render
    el.set("class", tag)
    if rule.render == "figure" and rule.caption:
        words = re.sub(r"\{([\w\-:.]+)\}", lambda m: attributes.get(m.group(1).lower(), ""), rule.caption)
        if words.strip():
            el.append(_inline_caption(words.strip()))


def _inline_caption(words: str):
    """A caption attribute may hold Markdown (`code`, *emphasis*); its HTML is escaped."""
    html = _caption_parser().renderInline(words)
    return lxml_html.fragment_fromstring(html, create_parent="figcaption")


@functools.lru_cache(maxsize=1)
def _caption_parser():
    """One parser for every caption: a book may have hundreds of listings."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def clean_foreign(el, chapter, text, report, needle: str | None = None, line: int | None = None) -> None:
    """An <svg> or a <math> through its allow-list; one warning for all
    that was removed from it, at its line (or that of ``needle``)."""
    removals = svg.clean_tree(el, inline=True) if el.tag == "svg" else mathml.clean(el)
    if removals:
        kind = "SVG drawing" if el.tag == "svg" else "formula"
        report(
            f"from this {kind}, what no edition may carry was removed: {summary(removals)}",
            chapter.source,
            line or line_of(chapter, text, needle or f"<{el.tag}"),
            hint="keep drawings and formulas self-contained: no scripts, events, animation "
            "or references to other files and addresses",
        )


def inside_foreign(el) -> bool:
    """Whether an element is part of an <svg> or a <math>, which their own allow-lists clean."""
    return any(a.tag in ("svg", "math") for a in el.iterancestors())


def _clean_attributes(el, chapter, text, report) -> None:
    for name in list(el.attrib):
        value = el.attrib[name]
        lowered = name.lower()
        if lowered.startswith("on"):
            report(
                f"event handler '{name}' on <{el.tag}> was removed",
                chapter.source,
                line_of(chapter, text, name),
                hint="remove the attribute: no edition runs scripts",
            )
            del el.attrib[name]
        elif not (
            lowered in GLOBAL_ATTRIBUTES
            or lowered in ELEMENT_ATTRIBUTES.get(el.tag, ())
            or (lowered.startswith(("aria-", "data-")) and _NAME.match(name) and ":" not in name)
        ):
            # Not an attribute HTML allows on this element: EPUBCheck would refuse it.
            del el.attrib[name]
        elif (
            lowered in VALUE_CHECKS
            and not (el.tag == "a" and lowered == "type")
            and not VALUE_CHECKS[lowered](value.strip())
        ):
            report(
                f'{name}="{value[:40]}" on <{el.tag}> is not a valid value and was removed',
                chapter.source,
                line_of(chapter, text, value[:30]),
            )
            del el.attrib[name]
        elif lowered in ("epub:type", "role"):
            known = EPUB_TYPES if lowered == "epub:type" else ROLES
            tokens = value.split()
            kept = [t for t in tokens if t in known]
            if kept != tokens:
                diags_warning = f'{name}="{value[:40]}" on <{el.tag}>: only known terms are kept'
                report(diags_warning, chapter.source, line_of(chapter, text, value[:30]))
            if kept:
                el.set(name, " ".join(kept))
            else:
                del el.attrib[name]
        elif lowered == "rel" and "attachment" in value.lower().split():
            # WeasyPrint would fetch and embed the target into the PDF.
            report(
                f'rel="attachment" on <{el.tag}> was removed; the link stays a link',
                chapter.source,
                line_of(chapter, text, "attachment"),
            )
            del el.attrib[name]
        elif lowered in URL_ATTRIBUTES and value.strip().lower().startswith(("javascript:", "vbscript:")):
            report(
                f"script URL in '{name}' on <{el.tag}> was removed", chapter.source, line_of(chapter, text, value[:30])
            )
            del el.attrib[name]
        elif lowered == "style":
            cleaned, removed = css.clean_declarations(value, svg.loadable)
            if removed:
                report(
                    f"from the style attribute on <{el.tag}>, what loads other files or addresses "
                    f"was removed: {summary(removed)}",
                    chapter.source,
                    line_of(chapter, text, value[:30]),
                )
                if cleaned:
                    el.set(name, cleaned)
                else:
                    del el.attrib[name]
