"""The commonmark dialect, the default: CommonMark 0.31.2 on markdown-it-py,
with the GitHub extensions (pipe tables, strikethrough, task lists, extended
autolinks, footnotes, alerts) and the pandoc ones authors rely on
(attributes on headings, blocks, links, images and spans; fenced divs;
definition lists; ``$`` math; sub- and superscript; smart punctuation;
heading ids).

Tokens carry their source lines, so what the reader leaves out or finds
wrong is reported at its line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from ..transforms.limits import raw_html_too_deep, too_deep
from . import html5
from .captions import read_captions
from .reading import Reading
from .render import add_render_rules, admonitions
from .syntax import add_smart_punctuation, add_syntax

_COMMENT = re.compile(r"<!--.*?(-->|$)", re.S)


def core_parser() -> MarkdownIt:
    """CommonMark with Pressroom's syntax extensions, before its transforms."""
    md = MarkdownIt("commonmark", {"html": True})
    # markdown-it drops what lies deeper than this, silently; deeper than
    # transforms/limits.py allows, so that such a source fails with its line.
    md.options["maxNesting"] = 60
    md.enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.options["alerts"] = True
    md.use(gfm_autolink_plugin)
    md.use(footnote_plugin, inline=True)
    md.use(deflist_plugin)
    # Pandoc's rule: no space inside the dollars, no digit after the closing
    # one, so "$5 and $10" stays money.
    md.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    _no_code_in_math(md)
    md.use(sub_plugin)
    md.use(superscript_plugin)
    md.use(attrs_plugin, spans=True)
    md.use(attrs_block_plugin)
    add_syntax(md)
    return md


def _no_code_in_math(md: MarkdownIt) -> None:
    """Inline math never reaches across a backtick: in ``*$HOME/bin*, put it
    in your `$PATH```, the dollars are a shell's, and the code span stays code."""
    rule = next(r.fn for r in md.inline.ruler.__rules__ if r.name == "math_inline")

    def math_inline(state, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if "`" not in state.src[start : state.pos]:
            return True
        state.pos = start
        if len(state.tokens) > count and state.tokens[-1].type.startswith("math"):
            state.tokens.pop()  # text it flushed before the formula stays, in order
        return False

    md.inline.ruler.at("math_inline", math_inline)


class CommonMarkReader:
    dialect = "commonmark"

    def __init__(self, lang: str = "en"):
        self.lang = lang
        self.core = core_parser()
        self.md = core_parser()
        # Every link stays a link here: the link checks and the sanitiser
        # name what is wrong with one (markdown-it would print it as text).
        self.md.validateLink = lambda url: True  # type: ignore[method-assign]
        add_smart_punctuation(self.md, lang)
        add_render_rules(self.md, lang)

    def core_html(self, text: str) -> str:
        """The HTML of the CommonMark core with Pressroom's syntax extensions,
        before Pressroom's own transforms (smart punctuation, heading ids,
        the model's conventions): what the spec's examples are checked against."""
        return self.core.render(text)

    def read(self, text: str) -> Reading:
        env: dict = {}
        tokens = self.md.parse(text, env)
        admonitions(tokens, self.lang)
        _heading_ids(tokens)
        reading = Reading(None)
        _raw_html(tokens, reading)
        _unclosed_fences(tokens, text, reading)
        deep = raw_html_too_deep([html for html, _ in reading.raw_html])
        if deep is not None:
            html, line = reading.raw_html[deep[0]]
            reading.errors.append(too_deep(line + html.count("\n", 0, deep[1]) if line else None))
            reading.raw_html = []  # its tags are not checked one by one either
            reading.tree = html5.to_tree("", raw=False)
            return reading
        html = self.md.renderer.render(tokens, self.md.options, env)
        reading.tree = html5.to_tree(html, raw=bool(reading.raw_html))
        read_captions(reading.tree)
        return reading


def _raw_html(tokens, reading: Reading) -> None:
    """The author's HTML in source order with its line; comments noted."""
    for token in tokens:
        if token.type == "html_block":
            _note_html(token.content, token.map[0] + 1, reading)
        elif token.type == "inline" and token.children and token.map:
            line = token.map[0] + 1
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type == "html_inline":
                    _note_html(child.content, line, reading)
                    line += child.content.count("\n")
                elif child.type in ("text", "code_inline"):
                    line += child.content.count("\n")


def _note_html(html: str, line: int, reading: Reading) -> None:
    reading.raw_html.append((html, line))
    for match in _COMMENT.finditer(html):
        reading.dropped.append(("HTML comment", line + html.count("\n", 0, match.start())))


def _unclosed_fences(tokens, text: str, reading: Reading) -> None:
    lines = text.split("\n")
    for token in tokens:
        if token.type != "fence" or not token.map:
            continue
        first, end = token.map
        last = lines[end - 1] if end - 1 < len(lines) else ""
        marker = token.markup
        closed = end - 1 > first and re.match(rf"^[\s>]*{re.escape(marker[0])}{{{len(marker)},}}\s*$", last)
        if not closed:
            reading.warnings.append(
                (
                    f"the code block opened here with {marker} is never closed; it runs to the end of its container",
                    first + 1,
                    f"close it with a line {marker}",
                )
            )


def _plain(inline) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline", "math_inline"))


_SLUG_DROP = re.compile(r"[^\w\- ]", re.U)


def slug(text: str) -> str:
    """GitHub's and mdBook's heading ids: lower case, punctuation dropped, spaces to hyphens."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def _heading_ids(tokens) -> None:
    """Ids for headings that have none, unique in the file (-1, -2 as GitHub does)."""
    taken = {t.attrGet("id") for t in tokens if t.attrGet("id")}
    counts: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.attrGet("id"):
            continue
        base = slug(_plain(tokens[i + 1])) or "section"
        name = base
        while name in taken:
            counts[base] = counts.get(base, 0) + 1
            name = f"{base}-{counts[base]}"
        taken.add(name)
        token.attrSet("id", name)
