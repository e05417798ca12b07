"""Nothing lost: what a Markdown source says, and where the editions say it.

The source is read by markdown-it-py itself (CommonMark with the plugins the
CommonMark reader uses, configured here, not taken from the reader), and its
token stream gives:

- the *words* of its text, in order: text and inline tokens' content, outside
  markup, code, math and front matter; a footnote's words, and a table's
  ``Table:`` caption paragraph or ``/// table-caption`` block (set above its
  table), and a figure's caption (print may defer the figure), each on their own;
- its *code blocks* (fenced and indented: their content) and code spans;
- its *headings*, with their text;
- what the reader leaves out on purpose (HTML comments) and must report;
- a few structural facts: list items and their depth, task items, hard
  breaks, tables, notes.

The editions are read back: the EPUB's spine in order (text outside code,
navigation and hidden elements), and the print PDF with ``pdftotext``.
Words are compared as a subsequence, in order, after normalising quotes,
dashes, ligatures and case, so what an edition adds (titles, running heads,
folios, note numbers) does not matter and what it loses does. A word
hyphenated at a line's end, or broken there without a hyphen (a long word in
a narrow table column), is joined again.

Each ``check_*`` function returns a list of problems, empty when nothing is
lost; the messages name the source line.
"""

from __future__ import annotations

import bisect
import difflib
import re
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

# --- words ----------------------------------------------------------------

_SAME = {
    **{ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032\u02bc"},
    **{ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"},
    **{ord(c): "-" for c in "\u2010\u2011"},
    **{ord(c): " " for c in "\u2012\u2013\u2014\u2015\u2212"},
    0x00AD: None,
    0x200B: None,
    0x2060: None,
    0xFEFF: None,
}
# A word: letters and digits, with apostrophes and hyphens inside it.
_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
# The one substitution of Pressroom's text clean-up that changes words: a
# number range's hyphen becomes an en dash ("1990-1995" as "1990–1995", two
# words), never in a longer chain (an ISO date, an ISBN, a telephone number),
# after a point, slash, colon or plus, nor with a leading zero or a longer
# second number of three digits or more ("555-1234"). Its no-break spaces
# (NFKC) and word joiners are dropped by _SAME; dashes for spaced hyphens
# stand between words already. Applied to the source and the edition alike,
# it may split more than the clean-up does ("Listing 1-1", which it keeps),
# never less.
_RANGE = re.compile(r"(?<![\w.,/:+\-\u2013])(\d+)-(\d+)(?![\w\-/\u2013]|[.,]\d)")


def _range(m: re.Match) -> str:
    first, second = m.group(1), m.group(2)
    if first.startswith("0") or second.startswith("0") or (len(first) >= 3 and len(second) > len(first)):
        return m.group()
    return f"{first} {second}"


def normal(text: str) -> str:
    """Ligatures and compatibility forms undone (NFKC), typographic quotes
    as ASCII quotes, dashes as spaces (``--`` and ``–`` alike separate words),
    soft hyphens gone, number ranges split as the clean-up splits them."""
    return _RANGE.sub(_range, unicodedata.normalize("NFKC", text)).translate(_SAME)


def key(word: str) -> str:
    """What two spellings of a word share: case, apostrophes and hyphens aside
    (``Don't`` and ``don’t``; ``well-known`` and ``well-`` + ``known``)."""
    return word.casefold().replace("'", "").replace("-", "")


def words_of(text: str) -> list[str]:
    return [key(m.group()) for m in _WORD.finditer(normal(text))]


@dataclass(frozen=True)
class Word:
    key: str
    text: str
    line: int  # in the source file, from 1


@dataclass(frozen=True)
class Tok:
    """A word of an edition; ``partial``: it ends a line with a hyphen, so
    the rest of it is the next word; ``eol``: it ends a line, where a long
    word may be broken without a hyphen (a narrow table column)."""

    key: str
    partial: bool = False
    eol: bool = False


# --- the source -----------------------------------------------------------


def _trailing_attributes(state: StateCore) -> None:
    """``# Heading {#id .class}`` and a paragraph whose last line is only
    ``{lang=fr}``: attributes, not text (pandoc, kramdown, attr_list)."""
    tokens = state.tokens
    for i, token in enumerate(tokens[:-1]):
        inline = tokens[i + 1]
        if inline.type != "inline":
            continue
        if token.type == "heading_open":
            inline.content = re.sub(r"(?<=\S)[ \t]+\{[^{}\n]*\}[ \t]*$", "", inline.content)
        elif token.type == "paragraph_open":
            inline.content = re.sub(r"\n[ \t]*\{[^{}\n]*\}[ \t]*$", "", inline.content)


def source_parser() -> MarkdownIt:
    """markdown-it-py as the CommonMark reader configures it: CommonMark with
    raw HTML, the GitHub extensions (tables, strikethrough, task lists,
    alerts, extended autolinks, footnotes), definition lists, dollar math
    with pandoc's rules, sub- and superscript, attributes, fenced divs
    (``:::``) and Pressroom's caption blocks (``/// figure-caption``)."""
    md = MarkdownIt("commonmark", {"html": True})
    md.options["maxNesting"] = 60
    md.enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.options["alerts"] = True
    md.use(front_matter_plugin)
    md.use(gfm_autolink_plugin)
    md.use(footnote_plugin, inline=True)
    md.use(deflist_plugin)
    md.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    # As the reader: a formula that would reach across a backtick is no formula.
    math = next(r.fn for r in md.inline.ruler.__rules__ if r.name == "math_inline")

    def math_inline(state, silent):
        start, count = state.pos, len(state.tokens)
        if not math(state, silent):
            return False
        if "`" in state.src[start : state.pos]:
            state.pos = start
            if len(state.tokens) > count and state.tokens[-1].type.startswith("math"):
                state.tokens.pop()
            return False
        return True

    md.inline.ruler.at("math_inline", math_inline)
    md.use(sub_plugin)
    md.use(superscript_plugin)
    md.use(attrs_plugin, spans=True)
    md.use(attrs_block_plugin)
    md.use(
        container_plugin,
        name="div",
        marker=":",
        validate=lambda params, *args: bool(re.fullmatch(r"\s*(\{[^\n]*\}|[^\s{}:][^\s{}]*)\s*:*\s*", params)),
    )
    md.use(
        container_plugin,
        name="caption",
        marker="/",
        validate=lambda params, *args: bool(re.match(r"\s*(figure|table)-caption\b", params)),
    )
    md.core.ruler.after("block", "trailing_attributes", _trailing_attributes)
    return md


@dataclass
class CodeBlock:
    content: str
    line: int
    in_note: bool = False


@dataclass
class Heading:
    words: tuple[str, ...]
    text: str
    line: int


@dataclass
class Source:
    """What one Markdown file says; see the module's docstring."""

    name: str
    text: list[Word] = field(default_factory=list)  # the words of the running text, in order
    apart: list[tuple[str, list[Word]]] = field(default_factory=list)  # notes, moved captions: (what, words)
    table_words: list[list[Word]] = field(default_factory=list)  # each table's words (also in `text`)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    code_spans: list[tuple[str, int]] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)  # lines of HTML comments
    unclosed_fences: list[int] = field(default_factory=list)  # lines where they open
    list_items: list[tuple[int, int]] = field(default_factory=list)  # (depth from 1, line)
    task_items: list[int] = field(default_factory=list)
    hard_breaks: int = 0
    tables: int = 0
    notes: int = 0
    note_calls: int = 0
    fence_markers_in_text: int = 0  # ``` or ~~~ written in the text itself (escaped, in code spans...)


_PARSER = None


def _parser() -> MarkdownIt:
    global _PARSER
    if _PARSER is None:
        _PARSER = source_parser()
    return _PARSER


_BREAKING_TAGS = {
    "br",
    "p",
    "div",
    "li",
    "td",
    "th",
    "tr",
    "table",
    "hr",
    "img",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "figure",
    "figcaption",
    "section",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
# Raw HTML whose content the sanitiser removes on purpose, with a warning.
_DROPPED_ELEMENTS = {
    "script",
    "style",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "form",
    "video",
    "audio",
    "noscript",
    "textarea",
    "select",
    "button",
    "head",
    "title",
}
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)


class _HtmlText(HTMLParser):
    """The text of a raw HTML block, as (text, line in the block) pieces."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, int]] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED_ELEMENTS:
            self.skipping.append(tag)
        if tag in _BREAKING_TAGS:
            self.pieces.append((" ", self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        if tag in _BREAKING_TAGS:
            self.pieces.append((" ", self.getpos()[0]))

    def handle_endtag(self, tag):
        if tag in self.skipping:
            while self.skipping and self.skipping.pop() != tag:
                pass
        if tag in _BREAKING_TAGS:
            self.pieces.append((" ", self.getpos()[0]))

    def handle_data(self, data):
        if not self.skipping:
            self.pieces.append((data, self.getpos()[0]))


class _Text:
    """Text pieces of one block with the line each starts on; words come
    from the joined text, so a word split by markup (``foo*bar*``) is one."""

    def __init__(self):
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.lines: list[int] = []
        self.size = 0

    def add(self, text: str, line: int) -> None:
        text = normal(text)
        if text:
            self.parts.append(text)
            self.starts.append(self.size)
            self.lines.append(line)
            self.size += len(text)

    def words(self) -> list[Word]:
        return [
            Word(key(m.group()), m.group(), self.lines[bisect.bisect_right(self.starts, m.start()) - 1])
            for m in _WORD.finditer("".join(self.parts))
        ]


def analyse(text: str, name: str = "source.md") -> Source:
    """What the Markdown file `text` (front matter included) says."""
    source = Source(name)
    line_starts = [m.end() for m in re.finditer("\n", text)]
    tokens = _parser().parse(text, {})
    cursor = 0  # where in the text the last located inline piece was found

    def locate(piece: str, fallback: int) -> int:
        """The line of `piece`, searched from the last place found."""
        nonlocal cursor
        start = line_starts[fallback - 2] if fallback >= 2 and fallback - 2 < len(line_starts) else 0
        position = text.find(piece, max(cursor, start))
        if position < 0:
            return fallback
        cursor = position + len(piece)
        return bisect.bisect_right(line_starts, position) + 1

    lines = text.split("\n")
    depth, in_note, in_alert_title, in_table_caption, table_index = 0, False, False, False, None
    in_figure_caption = False
    table_spans = 0  # how many code spans came before the last table
    note_words: list[Word] | None = None
    caption_paragraphs = _table_captions(tokens)
    for index, token in enumerate(tokens):
        first = token.map[0] + 1 if token.map else None
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "list_item_open" and not in_note:
            source.list_items.append((depth, first or 0))
            if token.meta and "checked" in token.meta:
                source.task_items.append(first or 0)
        elif kind == "footnote_open":
            in_note, note_words = True, []
            source.notes += 1
        elif kind == "footnote_close":
            source.apart.append((f"note {source.notes}", note_words or []))
            in_note, note_words = False, None
        elif kind == "container_caption_open" and token.info.strip().startswith("table-caption"):
            in_table_caption = True  # set above its table (transforms/figures.py): its words are read on their own
        elif kind == "container_caption_open" and token.info.strip().startswith("figure-caption"):
            in_figure_caption = True  # print may defer a figure past the text after it (pdf/makeup.py)
        elif kind == "container_caption_close":
            in_table_caption = in_figure_caption = False
        elif kind == "alert_title_open":
            in_alert_title = True  # Pressroom writes the title (in the language of the text)
        elif kind == "alert_title_close":
            in_alert_title = False
        elif kind == "table_open":
            source.tables += 1
            table_spans = len(source.code_spans)
            table_index = len(source.table_words)
            source.table_words.append([])
        elif kind == "table_close":
            table_index = None
        elif kind in ("fence", "code_block"):
            source.code_blocks.append(CodeBlock(token.content, first or 0, in_note))
            if kind == "fence" and token.map:
                end = token.map[1]
                closing = lines[end - 1] if end - 1 < len(lines) else ""
                marker = token.markup
                closed = end - 1 > token.map[0] and re.match(
                    rf"^[\s>]*{re.escape(marker[0])}{{{len(marker)},}}\s*$", closing
                )
                if not closed:
                    source.unclosed_fences.append(first)
        elif kind == "html_block":
            for match in _COMMENT.finditer(token.content):
                source.comments.append(first + token.content.count("\n", 0, match.start()))
            parser = _HtmlText()
            parser.feed(token.content)
            parser.close()
            block = _Text()
            for piece, line in parser.pieces:
                block.add(piece, first + line - 1)
            words = block.words()
            (note_words if in_note else source.text).extend(words)
        elif kind == "inline" and not in_alert_title:
            block = _Text()
            spans_before = len(source.code_spans)
            is_heading = index > 0 and tokens[index - 1].type == "heading_open"
            heading_text = _Text() if is_heading else None
            line = first or 0
            for child in token.children or []:
                ctype = child.type
                if ctype in ("text", "text_special"):
                    block.add(child.content, line)
                    if heading_text:
                        heading_text.add(child.content, line)
                    source.fence_markers_in_text += len(re.findall(r"```|~~~", child.content))
                elif ctype in ("softbreak", "hardbreak"):
                    block.add(" ", line)
                    if heading_text:
                        heading_text.add(" ", line)
                    line += 1
                    if ctype == "hardbreak":
                        source.hard_breaks += 1
                elif ctype == "code_inline":
                    block.add(" ", line)
                    if heading_text:
                        heading_text.add(child.content, line)
                    source.code_spans.append((child.content, line))
                    source.fence_markers_in_text += len(re.findall(r"```|~~~", child.content))
                elif ctype == "html_inline":
                    if child.content.startswith("<!--"):
                        source.comments.append(locate(child.content, line))
                    tag = re.match(r"</?([A-Za-z][A-Za-z0-9-]*)", child.content)
                    if tag and tag.group(1).lower() in _BREAKING_TAGS:
                        block.add(" ", line)
                    line += child.content.count("\n")
                elif ctype == "footnote_ref":
                    block.add(" ", line)
                    source.note_calls += 1
                elif ctype in ("image", "math_inline", "math_inline_double"):
                    block.add(" ", line)
            words = block.words()
            if in_note:
                note_words.extend(words)
            elif in_figure_caption:
                source.apart.append((f"figure caption at line {first}", words))
            elif index in caption_paragraphs or in_table_caption:
                source.apart.append((f"table caption at line {first}", words))
                if in_table_caption or tokens[index - 2].type == "table_close":
                    # written after its table, set above it: its code spans come first
                    moved = source.code_spans[spans_before:]
                    del source.code_spans[spans_before:]
                    source.code_spans[table_spans:table_spans] = moved
            else:
                source.text.extend(words)
                if table_index is not None:
                    source.table_words[table_index].extend(words)
            if heading_text is not None:
                hw = heading_text.words()
                source.headings.append(Heading(tuple(w.key for w in hw), " ".join(w.text for w in hw), first or 0))
    return source


def _table_captions(tokens) -> set[int]:
    """Indexes of the inline tokens of ``Table: ...`` (or ``: ...``)
    paragraphs right after or before a table: the reader makes them the
    table's caption, set before or after it."""
    found = set()
    for i, token in enumerate(tokens):
        if token.type != "paragraph_open" or i + 2 >= len(tokens):
            continue
        inline = tokens[i + 1]
        if not inline.content.lstrip().startswith(("Table:", ": ")) or inline.content.startswith(":::"):
            continue
        before = tokens[i - 1].type if i > 0 else ""
        after = tokens[i + 3].type if i + 3 < len(tokens) else ""
        if before == "table_close" or after == "table_open":
            found.add(i + 1)
    return found


# --- a source in the python-markdown dialect -------------------------------

# The dialect's extensions (pipeline/readers/python_markdown.py).
PYTHON_MARKDOWN_EXTENSIONS = [
    "abbr",
    "attr_list",
    "def_list",
    "footnotes",
    "tables",
    "md_in_html",
    "smarty",
    "toc",
    "admonition",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.caret",
    "pymdownx.tilde",
    "pymdownx.blocks.caption",
    "pymdownx.arithmatex",
]


class _Locator:
    """Approximate source lines for what Python-Markdown's HTML says (it
    keeps none): each text is looked for after the last one found."""

    def __init__(self, text: str, first_line: int):
        self.text, self.first, self.cursor, self.line = text, first_line, 0, first_line

    def find(self, piece: str) -> int:
        match = _WORD.search(piece)
        if match:
            found = self.text.find(match.group(), self.cursor)
            if 0 <= found < self.cursor + 3000:
                self.cursor = found + len(match.group())
                self.line = self.first + self.text.count("\n", 0, found)
        return self.line

    def comment(self, comment: str) -> int:
        found = self.text.find(comment, self.cursor)
        if found < 0:
            found = self.text.find(comment)
        return self.first + self.text.count("\n", 0, found) if found >= 0 else self.line


_PM_BLOCKS = _BREAKING_TAGS | {"div", "dl", "pre", "figure", "thead", "tbody", "tfoot", "caption", "details", "summary"}


def analyse_python_markdown(body: str, name: str, first_line: int = 1, extensions=()) -> Source:
    """What a source in the python-markdown dialect says, as Python-Markdown
    with the dialect's extensions reads it: `body` is the file without its
    front matter, starting at `first_line`."""
    import markdown
    from lxml import html as lxml_html

    chosen = PYTHON_MARKDOWN_EXTENSIONS + [e for e in extensions if e not in PYTHON_MARKDOWN_EXTENSIONS]
    md = markdown.Markdown(
        extensions=chosen, extension_configs={"pymdownx.arithmatex": {"generic": True}}, output_format="xhtml"
    )
    root = lxml_html.fragment_fromstring(md.convert(body), create_parent="div")
    source, where = Source(name), _Locator(body, first_line)
    state = {"note": None, "table": None, "block": _Text(), "heading": None, "table_spans": 0}

    def add(text: str | None, locate: bool = True) -> None:
        if text:
            source.fence_markers_in_text += len(re.findall(r"```|~~~", text))
            state["block"].add(text, where.find(text) if locate else where.line)
            if state["heading"] is not None:
                state["heading"].add(text, where.line)

    def flush() -> None:
        words = state["block"].words()
        state["block"] = _Text()
        if state["note"] is not None:
            state["note"].extend(words)
        else:
            source.text.extend(words)
            if state["table"] is not None:
                source.table_words[state["table"]].extend(words)

    def visit(element, depth: int) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = (element.get("class") or "").split()
        if not tag:
            if isinstance(element, etree._Comment):
                source.comments.append(where.comment(f"<!--{element.text}-->"))
            return
        if tag == "pre":
            flush()
            text = "".join(element.itertext())
            source.code_blocks.append(CodeBlock(text, where.find(text), state["note"] is not None))
            return
        if tag == "code":
            text = "".join(element.itertext())
            add(" ", False)
            source.code_spans.append((text, where.line))
            source.fence_markers_in_text += len(re.findall(r"```|~~~", text))
            if state["heading"] is not None:
                state["heading"].add(text, where.line)
            return
        if tag == "sup" and element.find(".//a[@class='footnote-ref']") is not None:
            add(" ", False)
            source.note_calls += 1
            return
        if {"footnote-backref", "arithmatex", "caption-prefix"} & set(classes) or tag in (
            "img",
            "script",
            "style",
            "hr",
        ):
            add(" ", False)
            return
        if tag == "br":
            add(" ", False)
            source.hard_breaks += 1
            return
        if tag == "div" and "footnote" in classes:
            flush()
            ol = element.find("ol")
            for li in ol if ol is not None else []:
                if not isinstance(li.tag, str):
                    continue
                source.notes += 1
                state["note"] = []
                children(li, depth)
                flush()
                source.apart.append((f"note {source.notes}", state["note"]))
                state["note"] = None
            return
        parent = element.getparent()
        if tag == "figcaption" and state["note"] is None and parent is not None and parent.find("table") is None:
            flush()  # print may defer a figure past the text after it (pdf/makeup.py): read on its own
            state["note"] = []
            children(element, depth)
            flush()
            source.apart.append((f"figure caption at line {where.line}", state["note"]))
            state["note"] = None
            return
        if tag == "figcaption" and state["note"] is None and parent is not None and parent.find("table") is not None:
            flush()  # a table's caption is set above it (transforms/figures.py): its words are read on their own
            state["note"] = []
            spans_before = len(source.code_spans)
            children(element, depth)
            if parent.index(parent.find("table")) < parent.index(element):  # its code spans come first
                moved = source.code_spans[spans_before:]
                del source.code_spans[spans_before:]
                source.code_spans[state["table_spans"] : state["table_spans"]] = moved
            flush()
            source.apart.append((f"table caption at line {where.line}", state["note"]))
            state["note"] = None
            return
        block = tag in _PM_BLOCKS
        if block:
            flush()
        if tag == "li" and state["note"] is None:
            source.list_items.append((depth, where.find("".join(element.itertext())[:80])))
        if tag == "table":
            source.tables += 1
            state["table_spans"] = len(source.code_spans)
            state["table"] = len(source.table_words)
            source.table_words.append([])
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            state["heading"] = _Text()
        children(element, depth + 1 if tag in ("ul", "ol") else depth)
        if block:
            flush()
        if tag == "table":
            state["table"] = None
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            hw = state["heading"].words()
            state["heading"] = None
            source.headings.append(Heading(tuple(w.key for w in hw), " ".join(w.text for w in hw), where.line))

    def children(element, depth: int) -> None:
        add(element.text)
        for child in element:
            visit(child, depth)
            add(child.tail)

    children(root, 0)
    flush()
    return source


# --- the EPUB -------------------------------------------------------------

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_INLINE = {
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "cite",
    "data",
    "del",
    "dfn",
    "em",
    "i",
    "ins",
    "kbd",
    "mark",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "time",
    "u",
    "var",
    "wbr",
    "font",
}
_NOT_TEXT = {"pre", "code", "math", "script", "style", "nav", "svg", "head", "title"}


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _types(element) -> set[str]:
    return set((element.get(EPUB_TYPE) or "").split()) | {(element.get("role") or "").removeprefix("doc-")}


def _is_call(element) -> bool:
    return "noteref" in _types(element) or "noteref" in (element.get("class") or "").split()


def _is_note(element) -> bool:
    return bool(_types(element) & {"footnote", "endnote", "rearnote"}) or (
        _local(element) == "aside" and "footnote" in (element.get("class") or "").split()
    )


@dataclass
class Edition:
    """What an edition shows, read back."""

    words: list[Tok] = field(default_factory=list)
    prose: str = ""  # the text outside code, as one string
    code_blocks: list[str] = field(default_factory=list)
    code_spans: list[str] = field(default_factory=list)
    headings: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    list_items: list[tuple[int, str]] = field(default_factory=list)  # (depth, text)
    breaks: int = 0
    tables: int = 0
    notes: int = 0
    note_calls: int = 0
    compact: str = ""  # PDF: all text with no whitespace, to find code lines in


def spine_documents(epub: Path) -> list[tuple[str, etree._Element]]:
    """The XHTML documents of the spine, in reading order."""
    with zipfile.ZipFile(epub) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_name = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_name))
        base = PurePosixPath(opf_name).parent
        items = {item.get("id"): item for item in opf.iterfind(".//{*}manifest/{*}item")}
        documents = []
        for ref in opf.iterfind(".//{*}spine/{*}itemref"):
            item = items[ref.get("idref")]
            if item.get("media-type") != "application/xhtml+xml":
                continue
            name = str(base / item.get("href"))
            documents.append((name, etree.fromstring(z.read(name))))
    return documents


def epub_edition(epub: Path) -> Edition:
    """The EPUB's spine, read back."""
    return documents_edition([document for _, document in spine_documents(epub)])


def documents_edition(documents) -> Edition:
    """XHTML documents (lxml elements, in reading order), read back."""
    edition = Edition()
    text: list[str] = []
    own_heading_places = {"header", "nav"}

    def walk(element, lists: int, own: bool, in_note: bool) -> None:
        visit(element, lists, own, in_note)
        if element.tail:
            text.append(element.tail)

    def visit(element, lists: int, own: bool, in_note: bool) -> None:
        name = _local(element)
        if not name:  # a comment or processing instruction
            return
        if element.get("hidden") is not None or name == "nav":
            text.append(" ")
            return
        own = own or name in own_heading_places or bool(_types(element) & {"titlepage", "colophon", "cover"})
        in_note = in_note or _is_note(element)
        if _is_note(element):
            edition.notes += 1
        if _is_call(element):
            edition.note_calls += 1
            text.append(" ")
            return
        if name == "pre":
            edition.code_blocks.append("".join(element.itertext()))
        elif name == "code":
            edition.code_spans.append("".join(element.itertext()))
        elif name == "br":
            edition.breaks += 1
        elif name == "table":
            edition.tables += 1
        elif name in ("h1", "h2", "h3", "h4", "h5", "h6") and not own:
            heading = "".join(t for t in _heading_text(element))
            edition.headings.append((tuple(words_of(heading)), " ".join(heading.split())))
        elif name == "li" and not in_note and not own:
            edition.list_items.append((lists, " ".join("".join(element.itertext()).split())))
        if name in ("ul", "ol"):
            lists += 1
        if name in _NOT_TEXT:
            text.append(" ")
        else:
            if name not in _INLINE:
                text.append(" ")
            if element.text:
                text.append(element.text)
            for child in element:
                walk(child, lists, own, in_note)
            if name not in _INLINE:
                text.append(" ")

    for document in documents:
        body = document.find(f"{XHTML}body")
        if body is not None:
            walk(body, 0, False, False)
    edition.prose = "".join(text)
    edition.words = [Tok(w) for w in words_of(edition.prose)]
    return edition


def _heading_text(element):
    """A heading's text, code included, note calls and math left out."""
    if element.text:
        yield element.text
    for child in element:
        if _is_call(child) or _local(child) in ("math", "svg"):
            pass
        elif _local(child):
            yield from _heading_text(child)
        if child.tail:
            yield child.tail


# --- the PDF --------------------------------------------------------------


def pdf_text(pdf: Path) -> str:
    """The PDF's text in the order it is drawn (``-raw``), which is the
    document's order: pdftotext's reading-order guess puts a table's wrapped
    cell lines after the table."""
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_edition(pdf: Path) -> Edition:
    return text_edition(pdf_text(pdf))


def text_edition(text: str) -> Edition:
    """Plain text as pdftotext gives it, read back."""
    edition = Edition(prose=text)
    text = _without_furniture(text)  # a word hyphenated across a page break is joined again
    normalised = normal(text)
    for m in _WORD.finditer(normalised):
        rest = normalised[m.end() : m.end() + 8]
        partial = bool(re.match(r"-[ \t]*(\n|\f)", rest))
        eol = bool(re.match(r"[ \t]*(\n|\f)", rest))
        edition.words.append(Tok(key(m.group()), partial, eol))
    plain = unicodedata.normalize("NFKC", text)
    edition.compact = re.sub(r"\s+", "", _BIDI_CONTROLS.sub("", plain))
    return edition


def _without_furniture(text: str) -> str:
    """The text without each page's folio and running head, which pdftotext
    gives at the page's end: a code line split by a page break is whole again."""
    pages = [page.split("\n") for page in text.split("\f")]
    folioed = set()
    for number, lines in enumerate(pages):
        while lines and not lines[-1].strip():
            lines.pop()
        if lines and re.fullmatch(r"[0-9]+|[ivxlcdm]+", lines[-1].strip()):
            lines.pop()
            folioed.add(number)
    # A running head is the line before the folio, the same on many pages.
    last = [lines[-1] for number, lines in enumerate(pages) if lines and number in folioed]
    heads = {line for line in last if last.count(line) >= 3}
    return "\f".join(
        "\n".join(lines[:-1] if number in folioed and lines and lines[-1] in heads else lines)
        for number, lines in enumerate(pages)
    )


# --- comparing ------------------------------------------------------------


def _same(word: str, tok: str) -> bool:
    """The same word, a note's number glued to it aside (``word1``)."""
    if tok == word:
        return True
    if not tok.endswith(word) and not tok.startswith(word):
        return False
    return bool(re.fullmatch(rf"\d*{re.escape(word)}\d*", tok))


def _find(word: str, toks: list[Tok], start: int, limit: int | None = None) -> int | None:
    """The position after `word` at or after `start`, or None."""
    end = len(toks) if limit is None else min(len(toks), start + limit)
    for i in range(start, end):
        tok = toks[i]
        if _same(word, tok.key):
            return i + 1
        if (tok.partial or tok.eol) and word.startswith(tok.key) and len(word) > len(tok.key):
            rest = word[len(tok.key) :]
            # The rest of the word follows after the line's end; on a page
            # break, after the folio and running head.
            for j in range(i + 1, min(len(toks), i + 40)):
                if _same(rest, toks[j].key):
                    return j + 1
    return None


def _first_missing(words: list[Word], toks: list[Tok]) -> int | None:
    """Greedy, which is exact for a subsequence: the index of the first word
    not found in order, or None when every word is."""
    position = 0
    for i, word in enumerate(words):
        found = _find(word.key, toks, position)
        if found is None:
            return i
        position = found
    return None


def _comparable(toks: list[Tok], vocabulary: set[str]) -> list[str]:
    """The edition's words for an alignment: a word hyphenated at a line's end
    joined to its rest, a note's number glued to a word taken off, where that
    gives a word of the source."""
    keys, i = [], 0
    while i < len(toks):
        tok = toks[i].key
        if (toks[i].partial or toks[i].eol) and i + 1 < len(toks) and tok + toks[i + 1].key in vocabulary:
            keys.append(tok + toks[i + 1].key)
            i += 2
            continue
        bare = re.sub(r"^\d+|\d+$", "", tok)
        keys.append(bare if tok not in vocabulary and bare in vocabulary else tok)
        i += 1
    return keys


def in_order(words: list[Word], toks: list[Tok], what: str, edition: str, limit: int = 12) -> list[str]:
    """Problems: the words not found, in order, among the edition's.

    Whether every word is there is decided exactly (greedy subsequence);
    what is missing is then shown from an alignment of the two (difflib's
    matching blocks), in runs with their source lines, so one loss is not
    reported as the loss of everything after it."""
    first = _first_missing(words, toks)
    if first is None:
        return []
    theirs = [w.key for w in words]
    matcher = difflib.SequenceMatcher(None, theirs, _comparable(toks, set(theirs)), autojunk=False)
    matched = set()
    for block in matcher.get_matching_blocks():
        matched.update(range(block.a, block.a + block.size))
    runs: list[list[Word]] = []
    for i, word in enumerate(words):
        if i in matched:
            continue
        if runs and runs[-1][-1] is words[i - 1]:
            runs[-1].append(word)
        else:
            runs.append([word])
    if not runs:
        runs = [[words[first]]]
    problems = []
    for run in runs[:limit]:
        shown = " ".join(w.text for w in run[:15]) + (" ..." if len(run) > 15 else "")
        problems.append(f"line {run[0].line}: {what}: '{shown}' ({len(run)} words) not in the {edition}, in order")
    if len(runs) > limit:
        problems.append(f"{what}: {len(runs) - limit} more runs of words not in the {edition}")
    return problems


def _subsequence(needles: list, hay: list, same) -> tuple[list, set[int]]:
    """Greedy: which needles are found in order in hay, and where."""
    missing, used, position = [], set(), 0
    for needle in needles:
        for i in range(position, len(hay)):
            if same(needle, hay[i]):
                used.add(i)
                position = i + 1
                break
        else:
            missing.append(needle)
    return missing, used


def _code(text: str) -> str:
    return text.rstrip("\n")


def check_epub(sources: list[Source], epub: Edition, own_headings=()) -> list[str]:
    """Every word, code block, code span, heading, list item, task item, hard
    break, table and note of the sources, in the EPUB; no fence printed; no
    heading that the sources do not have, but the publication's own
    (`own_headings`: their texts, such as part titles)."""
    problems = []
    for source in sources:
        problems += [f"{source.name}: {p}" for p in in_order(source.text, epub.words, "text", "EPUB")]
        for what, words in source.apart:
            problems += [f"{source.name}: {p}" for p in in_order(words, epub.words, what, "EPUB")]
    blocks = [(s.name, b) for s in sources for b in s.code_blocks]
    main = [(name, b) for name, b in blocks if not b.in_note]
    missing, _ = _subsequence(main, epub.code_blocks, lambda nb, pre: _code(nb[1].content) == _code(pre))
    noted = [
        (name, b) for name, b in blocks if b.in_note and not any(_code(b.content) == _code(p) for p in epub.code_blocks)
    ]
    for name, block in missing + noted:
        problems.append(
            f"{name}: line {block.line}: code block {_code(block.content)[:60]!r} is not a code block "
            f"(<pre>) with the same text in the EPUB"
        )
    spans = [(src.name, span, line) for src in sources for span, line in src.code_spans]
    missing, _ = _subsequence(spans, epub.code_spans, lambda s, code: s[1] == code)
    for name, span, line in missing[:10]:
        problems.append(f"{name}: line {line}: code span {span!r} is not code in the EPUB, in order")
    problems += _check_headings(sources, epub, {tuple(words_of(h)) for h in own_headings})
    problems += _check_lists(sources, epub)
    breaks = sum(s.hard_breaks for s in sources)
    if epub.breaks < breaks:
        problems.append(f"{breaks} hard line breaks in the sources, {epub.breaks} <br> in the EPUB")
    for what, theirs, ours in (
        ("tables", sum(s.tables for s in sources), epub.tables),
        ("notes", sum(s.notes for s in sources), epub.notes),
        ("note calls", sum(s.note_calls for s in sources), epub.note_calls),
    ):
        if ours < theirs:
            problems.append(f"{theirs} {what} in the sources, {ours} in the EPUB")
    fences = len(re.findall(r"```|~~~", epub.prose))
    written = sum(s.fence_markers_in_text for s in sources)
    if fences > written:
        problems.append(f"a code fence is printed as text in the EPUB ({fences} times)")
    return problems


def _check_headings(sources: list[Source], edition: Edition, own: set) -> list[str]:
    problems = []
    headings = [(s.name, h) for s in sources for h in s.headings]
    missing, used = _subsequence(headings, edition.headings, lambda nh, e: nh[1].words == e[0])
    for name, heading in missing:
        problems.append(
            f"{name}: line {heading.line}: heading '{heading.text}' is not a heading with that text "
            f"in the EPUB, in order"
        )
    for i, (words, text) in enumerate(edition.headings):
        if i not in used and words not in own:
            problems.append(f"the EPUB has a heading '{text}' that is no heading in the source")
    return problems


def _check_lists(sources: list[Source], edition: Edition) -> list[str]:
    problems = []
    theirs = [(depth, f"{s.name}: line {line}") for s in sources for depth, line in s.list_items]
    ours = edition.list_items
    if [d for d, _ in theirs] != [d for d, _ in ours]:
        for i, (depth, line) in enumerate(theirs):
            got = ours[i][0] if i < len(ours) else None
            if got != depth:
                problems.append(
                    f"{line}: list item {i + 1} is at depth {depth} in the source and "
                    f"{'missing' if got is None else f'at depth {got}'} in the EPUB "
                    f"({len(theirs)} items in the source, {len(ours)} in the EPUB)"
                )
                break
        else:
            problems.append(f"{len(theirs)} list items in the source, {len(ours)} in the EPUB")
    literal = [text for _, text in ours if re.match(r"\[[ xX]\]", text)]
    tasks = [f"{s.name}: line {line}" for s in sources for line in s.task_items]
    if tasks and literal:
        problems.append(f"{tasks[0]}: task list items are set with literal brackets: {literal[0]!r}")
    return problems


def unprintable(diagnostics) -> set[str]:
    """The characters the build warned no font has: the print edition shows
    U+FFFD in their place, on purpose."""
    found = set()
    for d in diagnostics:
        if d.severity == "warning" and "font" in d.message:
            found.update(chr(int(code, 16)) for code in re.findall(r"U\+([0-9A-F]{4,6})", d.message))
    return found


_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _right_to_left(c: str) -> bool:
    return unicodedata.bidirectional(c) in ("R", "AL")


def _code_patterns(line: str, missing: set[str]) -> list[re.Pattern]:
    """A code line without its whitespace, as patterns to find in order: a
    character no font has may be U+FFFD; right-to-left letters, and the
    punctuation around them that pdftotext's bidi reordering moves, are left
    out, and the line is looked for in the pieces between them."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))
    pieces = [compact]
    if any(_right_to_left(c) for c in compact):
        rtl = "".join(sorted({c for c in compact if _right_to_left(c)}))
        pieces = re.split(rf"[^\w]*[{re.escape(rtl)}][{re.escape(rtl)}\W]*", compact)
    return [
        re.compile("".join(f"(?:{re.escape(c)}|\ufffd)" if c in missing else re.escape(c) for c in piece))
        for piece in pieces
        if piece
    ]


def check_pdf(
    sources: list[Source], pdf: Edition, missing_glyphs: set[str] = frozenset(), tables_apart: bool = False
) -> list[str]:
    """Every word of the sources in the PDF's text, in order (each note and
    moved caption on its own; with `tables_apart`, each table on its own, for
    text read in another order than drawn), and every line of every code
    block. A word with a character of `missing_glyphs` (see ``unprintable``)
    is not looked for, and in code such a character may be U+FFFD."""

    def printable(words: list[Word]) -> list[Word]:
        if not missing_glyphs:
            return words
        return [w for w in words if not set(w.text) & missing_glyphs]

    problems = []
    for source in sources:
        table_keys = {id(w) for t in source.table_words for w in t} if tables_apart else set()
        text = [w for w in source.text if id(w) not in table_keys]
        problems += [f"{source.name}: {p}" for p in in_order(printable(text), pdf.words, "text", "PDF")]
        apart = list(source.apart)
        if tables_apart:
            apart += [(f"table {i + 1}", t) for i, t in enumerate(source.table_words)]
        for what, words in apart:
            problems += [f"{source.name}: {p}" for p in in_order(printable(words), pdf.words, what, "PDF")]
    position = 0
    for source in sources:
        for block in source.code_blocks:
            start = 0 if block.in_note else position
            for offset, line in enumerate(block.content.split("\n")):
                found = None
                for pattern in _code_patterns(line, missing_glyphs):
                    found = pattern.search(pdf.compact, start)
                    if found is None:
                        break
                    start = found.end()
                if found is None and line.strip():
                    problems.append(
                        f"{source.name}: line {block.line + 1 + offset}: code line {line.strip()!r} "
                        f"is not in the PDF, in order"
                    )
                    break
            if not block.in_note:
                position = max(position, start)
    fences = len(re.findall(r"```|~~~", pdf.prose))
    written = sum(s.fence_markers_in_text for s in sources) + sum(
        len(re.findall(r"```|~~~", b.content)) for s in sources for b in s.code_blocks
    )
    if fences > written:
        problems.append(f"a code fence is printed as text in the PDF ({fences - written} times)")
    return problems


def check_warnings(sources: list[tuple[str, Source]], diagnostics) -> list[str]:
    """What the reader leaves out on purpose is reported at its line: each
    file with HTML comments has a warning about them at the first one's line,
    and either one at every comment's line or one that gives their number;
    each unclosed code fence has a warning at the line where it opens. `sources`: (path relative to
    the project, Source)."""
    problems = []
    warnings = [d for d in diagnostics if d.severity == "warning" and d.location is not None]
    for path, source in sources:
        here = [w for w in warnings if w.location.path == path]
        if source.comments:
            about = [w for w in here if "comment" in w.message.lower()]
            lines = {w.location.line for w in about}
            first = min(source.comments)
            counted = any(w.location.line == first and str(len(source.comments)) in w.message for w in about)
            if first not in lines:
                problems.append(
                    f"{path}: line {first}: no warning that an HTML comment is left out "
                    f"(warnings: {[str(w) for w in here]})"
                )
            elif not counted and not set(source.comments) <= lines:
                problems.append(
                    f"{path}: {len(source.comments)} HTML comments (lines {sorted(set(source.comments))}), "
                    f"but the warnings neither count them nor name each line: {[str(w) for w in about]}"
                )
        for line in source.unclosed_fences:
            if not any(w.location.line == line and re.search(r"fence|code block", w.message, re.I) for w in here):
                problems.append(f"{path}: line {line}: no warning that the code fence opened here is not closed")
    return problems
