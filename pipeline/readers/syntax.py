"""Syntax the CommonMark dialect adds to the core: pandoc's fenced divs,
attributes at the end of headings and paragraphs, and pandoc's smart
dashes and ellipses (markdown-it's own replacements would also turn
"(c)" into "©", which changes an author's text)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from mdit_py_plugins.attrs.parse import ParseError, parse

# ::: {.class #id key=value}   ::: classname   (trailing colons allowed)
_DIV_OPEN = re.compile(r"^(:{3,})[ \t]*(\{[^\n]*\}|[^\s{}:][^\s{}]*)[ \t]*:*[ \t]*$")
_DIV_CLOSE = re.compile(r"^(:{3,})[ \t]*$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")


def parse_attributes(text: str) -> dict | None:
    """``{#id .class key=value}`` (the whole text) to attributes; None if it is not that."""
    text = text.strip()
    if text == "{-}":
        return {"class": "unnumbered"}
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        end, attrs = parse(text)
    except ParseError:
        return None
    return attrs if end == len(text) - 1 else None


def div_attributes(info: str) -> dict:
    attrs = parse_attributes(info) if info.startswith("{") else {"class": info}
    return attrs or {}


def _line(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n] + state.tShift[n] : state.eMarks[n]]


def _is_div_open(text: str):
    opening = _DIV_OPEN.match(text)
    if opening and opening.group(2).startswith("{") and parse_attributes(opening.group(2)) is None:
        return None
    return opening


def _is_div_close(text: str) -> bool:
    return _DIV_CLOSE.match(text) is not None


def _closing_line(state: StateBlock, start: int, end: int, kind: str, opens, closes) -> int | None:
    """The line that closes the block opened at ``start``, or None.

    One pass pairs every opener of the region (the lines up to ``end`` or
    to where the container ends) with its closer, and is kept for the
    region's later openers: scanning again from each would take a time
    that grows with the square of the lines, which a hostile source of
    unclosed fences would exploit."""
    cache = state.env.setdefault("_pressroom_blocks", {})
    key = (kind, end, state.blkIndent, state.parentType)
    here = _line(state, start)
    table = cache.get(key)
    if table is None or table.get(start, (None,))[0] != here:
        table, stack, fence = {}, [], None
        for n in range(start, end):
            if n > start and state.sCount[n] < state.blkIndent and not state.isEmpty(n):
                break  # the container (a list item, a quote) ends here
            text = _line(state, n)
            if fence:
                if text.startswith(fence):
                    fence = None
                continue
            found = _FENCE.match(text)
            if found:
                fence = found.group(1)
            elif opens(text):
                stack.append(n)
                table[n] = (text, None)
            elif closes(text) and stack:
                opener = stack.pop()
                table[opener] = (table[opener][0], n)
        cache[key] = table
    return table.get(start, (None, None))[1]


def fenced_div(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Pandoc's fenced divs; nested ones may use fences of the same length."""
    if state.is_code_block(start):
        return False
    opening = _is_div_open(_line(state, start))
    if not opening:
        return False
    close = _closing_line(state, start, end, "div", _is_div_open, _is_div_close)
    if close is None:
        return False  # unclosed: pandoc reads it as text, and so do we
    if silent:
        return True
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType, state.lineMax = "fenced_div", close
    token = state.push("fenced_div_open", "div", 1)
    token.block, token.markup, token.info, token.map = True, opening.group(1), opening.group(2), [start, close + 1]
    for name, value in div_attributes(opening.group(2)).items():
        token.attrSet(name, value)
    state.md.block.tokenize(state, start + 1, close)
    token = state.push("fenced_div_close", "div", -1)
    token.block, token.markup = True, opening.group(1)
    state.parentType, state.lineMax = old_parent, old_max
    state.line = close + 1
    return True


_CAPTION_OPEN = re.compile(r"^///[ \t]*(figure|table)-caption[ \t]*(?:\|[ \t]*(#[\w\-:.]+)?[ \t]*)?$")


def caption_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Pressroom's own caption blocks (as in its Python-Markdown dialect),
    which caption the block before them::

        /// figure-caption | #fig-map
        The map.
        ///
    """
    if state.is_code_block(start):
        return False
    opening = _CAPTION_OPEN.match(_line(state, start))
    if not opening:
        return False
    close = _closing_line(state, start, end, "caption", _CAPTION_OPEN.match, lambda text: text.strip() == "///")
    if close is None:
        return False
    if silent:
        return True
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType, state.lineMax = "caption", close
    token = state.push("caption_open", "div", 1)
    token.block, token.map = True, [start, close + 1]
    token.attrSet("class", "pressroom-caption")
    token.attrSet("data-kind", opening.group(1))
    if opening.group(2):
        token.attrSet("data-id", opening.group(2)[1:])
    state.md.block.tokenize(state, start + 1, close)
    state.push("caption_close", "div", -1).block = True
    state.parentType, state.lineMax = old_parent, old_max
    state.line = close + 1
    return True


def trailing_attributes(state: StateCore) -> None:
    """``# Heading {#id .class}``, and a paragraph whose last line is only
    ``{lang=fr}`` (Python-Markdown's attr_list, kramdown): the attributes
    go on the heading or paragraph."""
    tokens = state.tokens
    for i, token in enumerate(tokens[:-1]):
        inline = tokens[i + 1]
        if inline.type != "inline" or token.type not in ("heading_open", "paragraph_open"):
            continue
        content = inline.content
        if token.type == "heading_open":
            match = re.search(r"[ \t]+(\{[^{}\n]*\})[ \t]*$", content) or re.fullmatch(r"(\{[^{}\n]*\})", content)
        else:
            match = re.search(r"\n[ \t]*(\{[^{}\n]*\})[ \t]*$", content)
        attrs = parse_attributes(match.group(1)) if match else None
        if match is None or not attrs or (token.type == "heading_open" and not content[: match.start()].strip()):
            continue
        inline.content = content[: match.start()].rstrip()
        for name, value in attrs.items():
            if name == "class" and token.attrGet("class"):
                value = f"{token.attrGet('class')} {value}"
            token.attrSet(name, value)


def smart_dashes(state: StateCore) -> None:
    """--- to an em dash, -- to an en dash, ... to an ellipsis, in text only."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        in_autolink = False
        for child in token.children:
            if child.type in ("link_open", "link_close"):
                in_autolink = child.type == "link_open" and child.markup in ("autolink", "linkify")
            elif child.type == "text" and not in_autolink and ("--" in child.content or "..." in child.content):
                child.content = child.content.replace("---", "\u2014").replace("--", "\u2013").replace("...", "\u2026")


def add_syntax(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "fenced_div", fenced_div, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.block.ruler.before(
        "fence", "caption_block", caption_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.core.ruler.after("block", "trailing_attributes", trailing_attributes)


QUOTES = {  # smart quotes by primary language subtag
    "en": "\u201c\u201d\u2018\u2019",
    "de": "\u201e\u201c\u201a\u2018",
    "fr": ["\u00ab\u202f", "\u202f\u00bb", "\u201c", "\u201d"],
    "es": "\u00ab\u00bb\u201c\u201d",
    "it": "\u00ab\u00bb\u201c\u201d",
    "pt": "\u00ab\u00bb\u201c\u201d",
}


def add_smart_punctuation(md: MarkdownIt, lang: str) -> None:
    md.options["typographer"] = True
    md.options["quotes"] = QUOTES.get(lang.split("-")[0].lower(), QUOTES["en"])
    md.enable("smartquotes")
    md.core.ruler.after("smartquotes", "smart_dashes", smart_dashes)
