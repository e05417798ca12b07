"""Raw HTML hygiene: what EPUB and print cannot carry, or must not run, goes.

Scripts, event handlers, frames and forms are removed; elements that are not
HTML (other tools' custom tags) are replaced by their content. Each removal
is a warning naming the file and line.
"""

from __future__ import annotations

import functools
import re

import langcodes

from lxml import html as lxml_html

from ..errors import Diagnostics
from ..model import Chapter
from ..sanitise import css, mathml, summary, svg
from ..sanitise.elements import DANGEROUS, HTML_ELEMENTS

URL_ATTRIBUTES = {"href", "src", "xlink:href", "srcset", "poster", "cite", "action", "data"}
# EPUB 3 Structural Semantics Vocabulary terms and ARIA/DPUB-ARIA roles a
# source may use; anything else would fail EPUBCheck or Ace.
EPUB_TYPES = set(
    """
abstract acknowledgments afterword annotation appendix assessment backmatter bibliography biblioentry
bodymatter chapter colophon conclusion contributors copyright-page cover dedication division endnote
endnotes epigraph epilogue errata figure footnote footnotes foreword frontmatter glossary glossdef
glossterm halftitlepage imprimatur imprint index introduction keyword landmarks learning-objective
list noteref notice pagebreak page-list part preamble preface prologue pullquote qna rearnote rearnotes
sidebar subchapter subtitle table tip titlepage toc toc-brief volume
""".split()
)
ROLES = set(
    """
alert article banner blockquote caption cell code columnheader complementary contentinfo definition
deletion directory document emphasis figure group heading img insertion list listitem mark math
navigation none note paragraph presentation region row rowgroup rowheader separator strong subscript
superscript table term time
""".split()
) | {
    f"doc-{r}"
    for r in """
abstract acknowledgments afterword appendix backlink biblioentry bibliography biblioref chapter colophon
conclusion cover credit credits dedication endnote endnotes epigraph epilogue errata example footnote
foreword glossary glossref index introduction noteref notice pagebreak pagefooter pageheader pagelist
part preface prologue pullquote qna subtitle tip toc
""".split()
}
GLOBAL_ATTRIBUTES = {
    "id",
    "class",
    "lang",
    "dir",
    "title",
    "style",
    "role",
    "epub:type",
    "xml:lang",
    "hidden",
    "translate",
}
ELEMENT_ATTRIBUTES = {
    "a": {"href", "hreflang", "rel", "type"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "details": {"open"},
    "bdo": {"dir"},
}
_INTEGER = re.compile(r"^\d{1,6}$")
_DATETIME = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$")
VALUE_CHECKS = {
    "lang": lambda v: v == "" or langcodes.tag_is_valid(v),
    "xml:lang": lambda v: v == "" or langcodes.tag_is_valid(v),
    "hreflang": lambda v: langcodes.tag_is_valid(v),
    "dir": lambda v: v in ("ltr", "rtl", "auto"),
    "colspan": lambda v: _INTEGER.match(v) and int(v) > 0,
    "rowspan": lambda v: _INTEGER.match(v) is not None,
    "span": lambda v: _INTEGER.match(v) and int(v) > 0,
    "start": lambda v: re.match(r"^-?\d{1,6}$", v),
    "value": lambda v: re.match(r"^-?\d{1,6}$", v),
    "width": lambda v: _INTEGER.match(v) is not None,
    "height": lambda v: _INTEGER.match(v) is not None,
    "type": lambda v: v in ("1", "a", "A", "i", "I"),
    "scope": lambda v: v in ("row", "col", "rowgroup", "colgroup"),
    "translate": lambda v: v in ("yes", "no", ""),
    "datetime": lambda v: _DATETIME.match(v) is not None,
    "hidden": lambda v: v in ("", "hidden", "until-found"),
}
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
    for el in [e for e in chapter.body.iter("svg", "math") if not _inside_foreign(e)]:
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
        if tag in ("svg", "math") or _inside_foreign(el):
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


PHRASING = set(
    "a abbr b bdi bdo cite code data del dfn em i ins kbd mark q s samp small span strong sub sup time u var".split()
)
FLOW_ONLY = set(
    "address article aside blockquote details dl div figure footer h1 h2 h3 h4 h5 h6 header "
    "hgroup hr main nav ol p pre section table ul".split()
)
PARENTS = {
    "li": {"ul", "ol"},
    "dt": {"dl"},
    "dd": {"dl"},
    "figcaption": {"figure"},
    "summary": {"details"},
    "rt": {"ruby"},
    "rp": {"ruby"},
}


def content_model(chapter: Chapter, text: str, diags: Diagnostics) -> None:
    """Unwrap what HTML's content models forbid where it stands (EPUBCheck
    validates them): a paragraph inside an emphasis, a list item with no list."""
    changed = True
    while changed:
        changed = False
        for el in list(chapter.body.iter()):
            if not isinstance(el.tag, str) or el.getparent() is None or _inside_foreign(el):
                continue
            parent = el.getparent().tag
            misplaced = (
                (el.tag in PHRASING and any(c.tag in FLOW_ONLY for c in el))
                or (el.tag in PARENTS and parent not in PARENTS[el.tag])
                or (el.tag in FLOW_ONLY and parent in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "dt"))
            )
            if misplaced:
                diags.warning(
                    f"<{el.tag}> cannot stand inside <{parent}> here; its content was kept without it",
                    chapter.source,
                    line_of(chapter, text, f"<{el.tag}"),
                )
                el.drop_tag()
                changed = True
    for ruby in list(chapter.body.iter("ruby")):
        if ruby.find("rt") is None and not _inside_foreign(ruby):  # a ruby needs its annotation
            diags.warning(
                "<ruby> has no <rt> annotation; its content was kept without it",
                chapter.source,
                line_of(chapter, text, "<ruby"),
                hint="give the reading in <rt>...</rt>",
            )
            ruby.drop_tag()
    for container, item in (("ul", "li"), ("ol", "li"), ("dl", "dd")):
        for el in list(chapter.body.iter(container)):
            if _wrap_strays(el, item):
                diags.warning(
                    f"text or elements directly inside <{container}> were put in <{item}>",
                    chapter.source,
                    line_of(chapter, text, f"<{container}"),
                )


def _wrap_strays(container, item: str) -> bool:
    """Give text and stray elements directly in a list an item of their own."""
    allowed = {"li"} if item == "li" else {"dt", "dd", "div"}
    wrapped = False
    if container.text and container.text.strip():
        li = lxml_html.Element(item)
        li.text, container.text = container.text, None
        container.insert(0, li)
        wrapped = True
    for child in list(container):
        if child.tag not in allowed and isinstance(child.tag, str):
            li = lxml_html.Element(item)
            child.addprevious(li)
            li.append(child)
            wrapped = True
        holder = child if child.getparent() is container else child.getparent()
        if holder.tail and holder.tail.strip():
            li = lxml_html.Element(item)
            li.text, holder.tail = holder.tail, None
            holder.addnext(li)
            wrapped = True
    return wrapped


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


def _inside_foreign(el) -> bool:
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
