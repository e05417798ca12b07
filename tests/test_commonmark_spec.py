"""The CommonMark spec's 655 examples, as data, through the reader's core.

Each example of ``tests/data/commonmark/spec-0.31.2.txt`` is run through
``CommonMarkReader().core_html`` (CommonMark plus Pressroom's syntax
extensions, before Pressroom's own transforms) and compared with the spec's
HTML after both are normalised as the spec's test runner does (see
``normalise_html``). One test per example, so the report names what fails.

Examples that differ on purpose, because an extension gives their text
another meaning, are listed in ``EXPECTED_TO_FAIL`` with the reason; they are
strict expected failures, so an entry that starts passing fails too and the
list stays honest. At least 99% of the examples must pass.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from html.entities import name2codepoint
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast

SPEC = Path(__file__).resolve().parent / "data" / "commonmark" / "spec-0.31.2.txt"
EXAMPLE_FENCE = "`" * 32
TOTAL = 655
AT_LEAST = 649  # 99% of 655, rounded up

# Examples whose text means something else once Pressroom's extensions are on:
# {number: reason}. Keep every reason specific to the example.
EXPECTED_TO_FAIL: dict[int, str] = {
    610: "GFM extended autolinks: the bare URL inside '< https://foo.bar >' (not an autolink by the spec, "
    "because of the spaces) is linked",
    613: "GFM extended autolinks: a bare 'https://example.com' is linked; the spec leaves it as text",
    614: "GFM extended autolinks: a bare e-mail address 'foo@bar.example.com' becomes a mailto: link; the spec "
    "leaves it as text",
}


# --- the spec's examples --------------------------------------------------


@dataclass(frozen=True)
class Example:
    number: int
    section: str
    markdown: str
    html: str
    line: int  # the line of the spec where the example opens

    @property
    def id(self) -> str:
        return f"example-{self.number}-{re.sub(r'[^A-Za-z0-9]+', '-', self.section).strip('-')}"


def spec_examples(path: Path = SPEC) -> list[Example]:
    """The examples in order, numbered from 1, each with the heading of the
    section it is in (headings inside examples are not headings)."""
    examples: list[Example] = []
    section, part, markdown, expected, opened = "", None, [], [], 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(keepends=True), 1):
        stripped = line.rstrip("\n")
        if part is None:
            if stripped == f"{EXAMPLE_FENCE} example":
                part, markdown, expected, opened = "markdown", [], [], number
            elif re.match(r"#{1,6} ", stripped):
                section = stripped.lstrip("#").strip()
        elif part == "markdown" and stripped == ".":
            part = "html"
        elif stripped == EXAMPLE_FENCE:
            examples.append(
                Example(
                    len(examples) + 1,
                    section,
                    "".join(markdown).replace("→", "\t"),
                    "".join(expected).replace("→", "\t"),
                    opened,
                )
            )
            part = None
        else:
            (markdown if part == "markdown" else expected).append(line)
    return examples


# --- the normaliser -------------------------------------------------------

# Tags around which whitespace does not matter (the spec runner's list).
BLOCK_TAGS = frozenset(
    """
    article header aside hgroup blockquote hr iframe body li map button object canvas ol caption output
    col p colgroup pre dd progress div section dl table td dt tbody embed textarea fieldset tfoot
    figcaption th figure thead footer tr form ul h1 h2 h3 h4 h5 h6 video script style
""".split()
)
_WHITESPACE = re.compile(r"\s+")
_CDATA = re.compile(r"(<!\[CDATA\[.*?\]\]>)", re.S)


def _escape(text: str) -> str:
    return html.escape(text, quote=True).replace("&#x27;", "'")


class _Normaliser(HTMLParser):
    """Rebuilds HTML in a canonical form; see ``normalise_html``."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.last = "starttag"  # the kind of the previous event
        self.last_tag = ""
        self.in_pre = False

    # The output is a list of pieces; trimming works on its end.
    def _rstrip(self) -> None:
        while self.out:
            trimmed = self.out[-1].rstrip()
            if trimmed:
                self.out[-1] = trimmed
                return
            self.out.pop()

    def handle_data(self, data: str) -> None:
        after_tag = self.last in ("starttag", "endtag")
        if after_tag and self.last_tag == "br":
            data = data.lstrip("\n")
        if not self.in_pre:
            data = _WHITESPACE.sub(" ", data)
            if after_tag and self.last_tag in BLOCK_TAGS:
                data = data.lstrip() if self.last == "starttag" else data.strip()
        self.out.append(_escape(data))
        self.last = "data"

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "pre":
            self.in_pre = True
        if tag in BLOCK_TAGS:
            self._rstrip()
        self.out.append(f"<{tag}")
        for name, value in sorted(attrs, key=lambda a: (a[0], a[1] or "")):
            self.out.append(f" {name}" if value is None else f' {name}="{_escape(value)}"')
        self.out.append(">")
        self.last, self.last_tag = "starttag", tag

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)  # <br /> is <br>
        self.last = "endtag"

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.in_pre = False
        elif tag in BLOCK_TAGS:
            self._rstrip()
        self.out.append(f"</{tag}>")
        self.last, self.last_tag = "endtag", tag

    def _reference(self, char: str | None, written: str) -> None:
        self.out.append(written if char is None else _escape(char))
        self.last = "ref"

    def handle_entityref(self, name: str) -> None:
        code = name2codepoint.get(name)
        self._reference(None if code is None else chr(code), f"&{name};")

    def handle_charref(self, name: str) -> None:
        try:
            char = chr(int(name[1:], 16) if name[:1] in "xX" else int(name))
        except (ValueError, OverflowError):
            char = None
        self._reference(char, f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")
        self.last = "comment"

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")
        self.last = "decl"

    def unknown_decl(self, data: str) -> None:
        self.handle_decl(data)

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")
        self.last = "pi"


def normalise_html(text: str) -> str:
    """HTML with the differences that do not matter taken out, by the rules
    of the spec's test runner:

    - runs of whitespace become one space, except inside <pre>;
    - whitespace before and after block-level tags goes, and a newline
      right after <br>;
    - <br /> is <br>; attributes are sorted by name (names lowercased);
    - character references become the characters, with ``<``, ``>``,
      ``&`` and ``"`` written as ``&lt;``, ``&gt;``, ``&amp;``,
      ``&quot;`` wherever they occur (an unknown reference stays as written);
    - CDATA sections pass through as they are.
    """
    parser = _Normaliser()
    for piece in _CDATA.split(text):
        if piece.startswith("<![CDATA["):
            parser.out.append(piece)
        elif piece:
            parser.feed(piece)
    parser.close()
    return "".join(parser.out)


# --- the tests ------------------------------------------------------------

EXAMPLES = spec_examples()


@functools.lru_cache(maxsize=1)
def _reader():
    from pipeline.readers.commonmark import CommonMarkReader

    return CommonMarkReader()


def _passes(example: Example) -> bool:
    try:
        got = _reader().core_html(example.markdown)
    except Exception:  # a crash is a failure of that example, reported by its own test
        return False
    return normalise_html(got) == normalise_html(example.html)


def test_the_spec_has_its_655_examples_each_in_a_section():
    assert len(EXAMPLES) == TOTAL
    assert [e.number for e in EXAMPLES] == list(range(1, TOTAL + 1))
    assert all(e.section and e.html is not None for e in EXAMPLES)
    assert EXAMPLES[0].section == "Tabs" and EXAMPLES[0].markdown == "\tfoo\tbaz\t\tbim\n"
    assert EXAMPLES[-1].section == "Textual content"
    assert {e.number for e in EXAMPLES if e.section == "ATX headings"} == set(range(62, 80))


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("<p>a  \t b</p>", "<p>a b</p>"),
        ("<p>a  \t\nb</p>", "<p>a b</p>"),
        (" <p>a  b</p>", "<p>a b</p>"),
        ("<p>a  b</p> ", "<p>a b</p>"),
        ("\n\t<p>\n\t\ta  b\t\t</p>\n\t", "<p>a b</p>"),
        ("<i>a  b</i> ", "<i>a b</i> "),
        ("<br />", "<br>"),
        ("a<br />\nb", "a<br>b"),
        ('<a title="bar" HREF="foo">x</a>', '<a href="foo" title="bar">x</a>'),
        ("&forall;&amp;&gt;&lt;&quot;", "\u2200&amp;&gt;&lt;&quot;"),
        ('"a" & b', "&quot;a&quot; &amp; b"),
        ("&#x41;&#65;&nosuch;", "AA&nosuch;"),
        ("<pre><code>a  \n  b\n</code></pre>\n<p>c</p>", "<pre><code>a  \n  b\n</code></pre><p>c</p>"),
        ('<img src="a" alt="b" />', '<img alt="b" src="a">'),
        ("<!-- x  y --> <?php a ?><![CDATA[ <a> ]]>", "<!-- x  y --> <?php a ?><![CDATA[ <a> ]]>"),
    ],
)
def test_the_normaliser_follows_the_spec_runners_rules(raw, normal):
    assert normalise_html(raw) == normal


def _param(example: Example):
    marks = ()
    if example.number in EXPECTED_TO_FAIL:
        marks = pytest.mark.xfail(strict=True, reason=EXPECTED_TO_FAIL[example.number])
    return pytest.param(example, id=example.id, marks=marks)


def test_every_expected_failure_names_a_real_example_and_a_reason():
    for number, reason in EXPECTED_TO_FAIL.items():
        assert 1 <= number <= TOTAL, number
        assert reason.strip(), f"example {number} has no reason"


@pytest.mark.parametrize("example", [_param(e) for e in EXAMPLES])
def test_example(example: Example):
    got = _reader().core_html(example.markdown)
    assert normalise_html(got) == normalise_html(example.html), (
        f"spec line {example.line}, section {example.section}\n"
        f"--- markdown\n{example.markdown}--- expected\n{example.html}--- got\n{got}"
    )


def test_at_least_99_percent_of_the_examples_pass():
    failing = [e for e in EXAMPLES if not _passes(e)]
    passing = TOTAL - len(failing)
    assert passing >= AT_LEAST, f"{passing} of {TOTAL} examples pass, fewer than {AT_LEAST}; failing: " + ", ".join(
        f"{e.number} ({e.section})" for e in failing
    )
