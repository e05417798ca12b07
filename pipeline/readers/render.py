"""Render rules that write the CommonMark reader's tokens in the document
model's conventions, the ones every transform reads: notes as
``div.footnote`` with ``fn:N`` ids, math as ``.arithmatex``, code in
``div.highlight``, admonitions as ``div.admonition``."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ..terms import term
from .syntax import parse_attributes

_FORMATTER = HtmlFormatter(nowrap=True)


def fence_language(info: str) -> tuple[str, str]:
    """The language of a fence's info string and the rest: ``rust,ignore``,
    ``python title="x"``, ``{.python .numberLines}``."""
    info = info.strip()
    if info.startswith("{"):
        attrs = parse_attributes(info) or {}
        classes = attrs.get("class", "").split()
        return (classes[0] if classes else ""), info
    word = info.replace(",", " ").split(" ", 1)[0] if info else ""
    return word, info[len(word) :].strip(" ,")


def code_html(code: str, language: str) -> str:
    """Highlighted where Pygments knows the language, escaped otherwise;
    never stripped: a code block keeps its blank lines."""
    body = escape(code, quote=False)
    if language:
        try:
            lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
        except ClassNotFound:
            lexer = None
        if lexer is not None:
            body = highlight(code, lexer, _FORMATTER)
    css = f' class="language-{escape(language)}"' if language else ""
    return f'<div class="highlight"><pre><span></span><code{css}>{body}</code></pre></div>\n'


def _fence(self, tokens, idx, options, env):
    language, _ = fence_language(tokens[idx].info)
    return code_html(tokens[idx].content, language)


def _code_block(self, tokens, idx, options, env):
    return code_html(tokens[idx].content, "")


def _note_number(token) -> str:
    return str(token.meta["id"] + 1)


def _note_name(token, env) -> str:
    """A note's id names its label (``[^big]`` is ``fn:big``), as in the
    Python-Markdown dialect, so messages can find its call; an inline
    note has only its number."""
    notes = env.get("footnotes", {}).get("list", {})
    label = notes.get(token.meta["id"], {}).get("label")
    return label or f"inline-{_note_number(token)}"  # never a label's: [^2] may sit beside it


def _ref_id(token, env) -> str:
    sub = token.meta.get("subId", 0)
    return f"fnref:{_note_name(token, env)}" + (f":{sub}" if sub > 0 else "")


def _footnote_ref(self, tokens, idx, options, env):
    token = tokens[idx]
    return (
        f'<sup id="{escape(_ref_id(token, env))}"><a class="footnote-ref" '
        f'href="#fn:{escape(_note_name(token, env))}">{_note_number(token)}</a></sup>'
    )


def _footnote_open(self, tokens, idx, options, env):
    return f'<li id="fn:{escape(_note_name(tokens[idx], env))}">'


def _footnote_anchor(self, tokens, idx, options, env):
    return f' <a class="footnote-backref" href="#{escape(_ref_id(tokens[idx], env))}">\u21a9\ufe0e</a>'


def _math_inline(self, tokens, idx, options, env):
    return f'<span class="arithmatex">\\({escape(tokens[idx].content)}\\)</span>'


def _math_block(self, tokens, idx, options, env):
    return f'<div class="arithmatex">\\[{escape(tokens[idx].content)}\\]</div>\n'


def _list_item_open(self, tokens, idx, options, env):
    token = tokens[idx]
    out = self.renderToken(tokens, idx, options, env)
    if token.meta and "checked" in token.meta:
        # A box drawn as a character: an <input> is a form control, which no edition carries.
        done = token.meta["checked"]
        box, label = ("\u2611", "done") if done else ("\u2610", "not done")
        out += f'<span class="task-box" role="img" aria-label="{label}">{box}</span> '
    return out


def add_render_rules(md: MarkdownIt, lang: str) -> None:
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_block_open", lambda *a: '<div class="footnote">\n<ol>\n')
    md.add_render_rule("footnote_block_close", lambda *a: "</ol>\n</div>\n")
    md.add_render_rule("footnote_open", _footnote_open)
    md.add_render_rule("footnote_close", lambda *a: "</li>\n")
    md.add_render_rule("footnote_anchor", _footnote_anchor)
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_inline_double", _math_inline)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("list_item_open", _list_item_open)


ALERTS = ("note", "tip", "important", "warning", "caution")


def admonitions(tokens, lang: str) -> None:
    """GitHub's alerts (``> [!NOTE]``) as the model's admonitions, titled in
    the language of the text."""
    for i, token in enumerate(tokens):
        if token.type == "alert_open":
            kind = (token.meta or {}).get("kind", token.info or "note").lower()
            token.attrSet("class", f"admonition {kind}")
        elif token.type == "alert_title_open":
            token.attrSet("class", "admonition-title")
            title = tokens[i + 1]
            kind = title.content.lower()
            if kind in ALERTS:
                for child in title.children or []:
                    if child.type == "text":
                        child.content = term(kind, lang)
