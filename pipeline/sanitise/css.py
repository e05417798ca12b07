"""CSS without outside references, by parsing it as a browser does (tinycss2).

Patterns miss what the CSS tokenizer reads as a URL (``\\75 rl(``, an
escaped ``@\\69mport``, strings inside ``image-set()``), so the sheet is
parsed, every reference is judged by the predicate the caller gives
(``svg.loadable``: a picture or font carried in a data: URL, or a
fragment), and what holds a
refused one goes: the declaration, or the ``@import`` rule. The result is
the parsed sheet written out again, so what a reader's browser parses is
what was judged here.
"""

from __future__ import annotations

import re

import tinycss2
from tinycss2 import ast

from . import Removal
from .urls import shown

# Functions whose strings are URLs (image-set("a.png" 1x), src("a.woff")).
_URL_FUNCTIONS = {"url", "src", "cross-fade"}
MAX_DEPTH = 32
_NAMESPACES = (
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/1999/xlink",
    "http://www.idpf.org/2007/ops",
)
_BROKEN = {"bad-url": "a url( with spaces or quotes inside, or never closed", "bad-string": "a string never closed"}
_SPACES = re.compile(r"\s+|/\*.*?\*/", re.S)
_LOOKS_LIKE_URL = re.compile(r"""(url|src|[\w-]*image[\w-]*|cross-fade)\(['"]?([^'")]*)""")
_BRACKETS = {ast.ParenthesesBlock: ("(", ")"), ast.SquareBracketsBlock: ("[", "]"), ast.CurlyBracketsBlock: ("{", "}")}
# Functions that run code in old browsers; never useful in a publication.
_REFUSED_FUNCTIONS = {"expression", "javascript"}


def clean_sheet(text: str, allowed) -> tuple[str, list[Removal]]:
    """A style sheet (or a <style> element's text) without refused references."""
    removals: list[Removal] = []
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return "\n".join(filter(None, (_rule(r, removals, allowed) for r in rules))) + "\n", removals


def clean_declarations(text: str, allowed) -> tuple[str, list[Removal]]:
    """A style attribute's declarations without refused references."""
    if not any(c in text for c in "(\\@"):  # no function, escape or rule: nothing can load (drawings hold thousands)
        return text, []
    removals: list[Removal] = []
    nodes = tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True)
    return _block(nodes, removals, allowed, separator=" "), removals


def refused_in_value(text: str, allowed) -> list[Removal]:
    """The refused references in one property value (an SVG presentation attribute)."""
    removals: list[Removal] = []
    tokens = tinycss2.parse_component_value_list(text, skip_comments=True)
    if _depth(tokens) > MAX_DEPTH:
        return [Removal(f"a value nested more than {MAX_DEPTH} deep")]
    _references(tokens, removals, allowed)
    return removals


def _rule(node, removals: list[Removal], allowed, depth: int = 0) -> str:
    if depth > MAX_DEPTH or _depth(getattr(node, "value", None) or getattr(node, "prelude", None)) > MAX_DEPTH:
        # No sheet nests so deep; writing it out again would exhaust the stack.
        removals.append(Removal(f"{node.type} nested more than {MAX_DEPTH} deep", node.source_line))
        return ""
    if node.type == "declaration":
        if _references(node.value, removals, allowed):
            return ""
        important = " !important" if node.important else ""
        return f"{tinycss2.serialize_identifier(node.name)}:{tinycss2.serialize(node.value)}{important};"
    if node.type == "qualified-rule":
        if _references(node.prelude, removals, allowed):
            return ""
        return f"{tinycss2.serialize(node.prelude).strip()} {{{_contents(node.content, removals, allowed, depth)}}}"
    if node.type == "at-rule":
        return _at_rule(node, removals, allowed, depth)
    return ""  # parse errors: a browser drops them too


def _at_rule(node, removals: list[Removal], allowed, depth: int) -> str:
    keyword = node.lower_at_keyword
    prelude = tinycss2.serialize(node.prelude).strip()
    head = f"@{tinycss2.serialize_identifier(node.at_keyword)} {prelude}".rstrip()
    if keyword == "import":
        # A sheet may bring in no other sheet: what it would load is not in the editions.
        removals.append(Removal(f"@import {shown(prelude)}", node.source_line))
        return ""
    if keyword == "font-face":
        # Fonts come from the project's committed fonts; EPUBCheck flags any other.
        removals.append(Removal("@font-face", node.source_line))
        return ""
    if keyword == "charset":  # the editions' sheets are UTF-8, and one sheet is made of several
        return ""
    if keyword == "namespace":  # names a namespace and loads nothing, but only the known ones are needed
        if node.content is None and any(n in prelude for n in _NAMESPACES):
            return head + ";"
        removals.append(Removal(f"@namespace {shown(prelude)}", node.source_line))
        return ""
    if _references(node.prelude, removals, allowed):
        return ""
    if node.content is None:
        return head + ";"
    return f"{head} {{{_contents(node.content, removals, allowed, depth)}}}"


def _contents(content, removals, allowed, depth: int) -> str:
    nodes = tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    return _block(nodes, removals, allowed, separator="\n", depth=depth + 1)


def _block(nodes, removals, allowed, separator: str, depth: int = 0) -> str:
    return separator.join(filter(None, (_rule(n, removals, allowed, depth) for n in nodes)))


def _depth(tokens) -> int:
    """How deep blocks and functions nest in the tokens (counted without recursion)."""
    deepest, stack = 0, [(tokens or (), 0)]
    while stack:
        items, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        for token in items:
            inner = getattr(token, "arguments", None) if token.type == "function" else getattr(token, "content", None)
            if isinstance(inner, list):
                stack.append((inner, level + 1))
    return deepest


def _references(tokens, removals: list[Removal], allowed, in_url_function: bool = False) -> bool:
    """Record every refused reference among the tokens; True when there was one."""
    return _tokens(tokens, removals, allowed, in_url_function) or _disguised(tokens, removals, allowed)


def _disguised(tokens, removals: list[Removal], allowed) -> bool:
    """What a careless reader would take for a reference once comments and
    spaces are gone (``u/**/rl(...)``): not one to a browser, but no sheet
    needs it, and it goes too, so no address is left in an edition."""
    if not tokens:
        return False
    text = _SPACES.sub("", _plain(tokens)).lower()
    refused = False
    for match in _LOOKS_LIKE_URL.finditer(text):
        if not allowed(match.group(2)):
            removals.append(Removal(f"{match.group(1)}({shown(match.group(2))})", tokens[0].source_line))
            refused = True
    return refused


def _plain(tokens) -> str:
    """The tokens written out with their real references (judged already) as ``none``."""
    out = []
    for token in tokens:
        if token.type == "url" or (token.type == "function" and _holds_urls(token.lower_name)):
            out.append("none")
        elif token.type == "function":
            out.append(f"{tinycss2.serialize_identifier(token.name)}({_plain(token.arguments)})")
        elif type(token) in _BRACKETS:
            left, right = _BRACKETS[type(token)]
            out.append(f"{left}{_plain(token.content)}{right}")
        else:
            out.append(tinycss2.serialize([token]))
    return "".join(out)


def _holds_urls(name: str) -> bool:
    return name in _URL_FUNCTIONS or "image" in name


def _tokens(tokens, removals: list[Removal], allowed, in_url_function: bool = False) -> bool:
    refused = False
    for token in tokens or ():
        if token.type == "error":  # a broken url( or string: a browser drops what holds it
            removals.append(Removal(_BROKEN.get(token.kind, f"a {token.kind} token"), token.source_line))
            refused = True
        elif token.type == "url":
            refused |= _judge(token.value, token, removals, allowed)
        elif token.type == "string" and in_url_function:
            refused |= _judge(token.value, token, removals, allowed)
        elif token.type == "function":
            name = token.lower_name
            if name in _REFUSED_FUNCTIONS:
                removals.append(Removal(f"{name}(...)", token.source_line))
                refused = True
                continue
            holds_urls = in_url_function or _holds_urls(name)
            if holds_urls and name == "var":
                # A custom property's value could be a URL only known when used.
                removals.append(Removal("var() where a URL is expected", token.source_line))
                refused = True
                continue
            if name in ("url", "src") and not any(t.type == "string" for t in token.arguments):
                removals.append(Removal(f"{name}() without a plain address", token.source_line))
                refused = True
                continue
            refused |= _tokens(token.arguments, removals, allowed, holds_urls)
        elif type(token) in _BRACKETS:
            refused |= _tokens(token.content, removals, allowed, in_url_function)
    return refused


def _judge(url: str, token, removals: list[Removal], allowed) -> bool:
    if allowed(url):
        return False
    removals.append(Removal(f"url({shown(url)})", token.source_line))
    return True
