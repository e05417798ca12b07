"""Captions and code lines as a book designer sets them: a table's
caption above the table, a figure's below; a caption's last two words kept
together so that it ends on no runt; a code line that wraps continues right
of its own text. The text's characters are never changed."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from pipeline.pdf import captions
from pipeline.transforms import codelines
from pipeline.transforms.figures import _caption_above_table

pytestmark = pytest.mark.fast


def _fragment(html: str):
    return lxml_html.fragment_fromstring(html, create_parent="div")


def _figure(inner: str):
    return _fragment(f"<figure>{inner}</figure>")[0]


CAPTION = '<figcaption><p><span class="caption-prefix">{kind} 0.</span> Words</p></figcaption>'


def test_a_tables_caption_moves_above_the_table():
    figure = _figure(f"<table><tr><td>cell</td></tr></table>\n{CAPTION.format(kind='Table')}")
    _caption_above_table(figure, "table")
    assert [c.tag for c in figure] == ["figcaption", "table"]
    assert "above" in figure[0].get("class").split()
    assert " ".join(figure.itertext()).split() == ["Table", "0.", "Words", "cell"]


def test_a_figures_caption_stays_below_even_round_a_table():
    figure = _figure('<p><img src="a.png" alt=""></p>' + CAPTION.format(kind="Figure"))
    _caption_above_table(figure, "figure")
    assert [c.tag for c in figure] == ["p", "figcaption"]
    figure = _figure("<table><tr><td>cell</td></tr></table>" + CAPTION.format(kind="Figure"))
    _caption_above_table(figure, "figure")  # the writer called it a figure
    assert [c.tag for c in figure] == ["table", "figcaption"]


def test_a_figure_of_raw_html_holding_only_a_table_has_its_caption_above():
    figure = _figure("<table><tr><td>cell</td></tr></table><figcaption>Plain words</figcaption>tail")
    _caption_above_table(figure, None)
    assert [c.tag for c in figure] == ["figcaption", "table"]
    assert figure.text_content() == "Plain wordscelltail"


def _caption_end(html: str) -> tuple[str | None, str]:
    body = _fragment(html)
    before = body.text_content()
    captions.keep_last_words(body)
    assert body.text_content() == before, "the caption's characters are unchanged"
    kept = body.find_class(captions.CLASS)
    return (kept[0].text_content() if kept else None), lxml_html.tostring(body, encoding="unicode")


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ('<figcaption><p><span class="caption-prefix">Table 1.</span> Who does what.</p></figcaption>', "does what."),
        ("<figcaption><p>Set with <code>print.bleed</code> on.</p></figcaption>", "print.bleed on."),
        ("<figcaption>Ends in <em>emphasised words</em></figcaption>", "emphasised words"),
        ("<figcaption><p>Ends in <em>italic</em> and plain text. </p></figcaption>", "plain text."),
        ("<figcaption><p>Whose folder is <em>slug</em>.</p></figcaption>", "is slug."),
        ("<figcaption><p>Whose folder is <em>slug</em></p></figcaption>", "is slug"),
        ("<figcaption><p><em>slug</em>.</p></figcaption>", None),
        ("<figcaption><p>Under <code>dist/</code>, <em>then</em>.</p></figcaption>", ", then."),  # glued to dist/
        ("<figcaption><p>A long last word: internationalisation</p></figcaption>", None),  # no runt
        ("<figcaption><p>Near <code>a_long_identifier_name_x</code> ok</p></figcaption>", None),  # too long a pair
        ("<figcaption><p>Alone</p></figcaption>", None),
        ("<figcaption></figcaption>", None),
        ("<figcaption>A <em>b</em>\n</figcaption>", "A b"),  # raw HTML: a line's end after the element
    ],
)
def test_a_captions_last_two_words_are_kept_together_when_they_are_short(html, kept):
    found, _ = _caption_end(html)
    assert found == kept


YAML = (
    "short: 1\n"
    "description: a value long enough to wrap over the measure\n"
    "nested:\n"
    "    key: <span class='s' id='s1'>a string that runs\nover two lines</span> and on\n"
    "\tx: tabbed and long enough to be hung\n"
    "\n"
)


def test_the_lines_of_a_block_with_a_long_line_hang_and_the_text_is_unchanged():
    body = _fragment(f'<pre><code class="language-yaml">{YAML}</code></pre>')
    before = body.text_content()
    codelines.hang(body, 40, keep=2)
    assert body.text_content() == before, "copying the code gives the source text"
    assert body.find("pre/code").get("class") == f"language-yaml {codelines.LINES}"
    lines = body.find_class(codelines.CLASS)
    assert [line.text_content() for line in lines] == [
        "short: 1\n",
        "description: a value long enough to wrap over the measure\n",
        "nested:\n",
        "    key: a string that runs\n",
        "over two lines and on\n",
        "\tx: tabbed and long enough to be hung\n",
        "\n",
    ]
    assert [line.get("class").split()[1:] for line in lines] == [
        [codelines.FIRST],
        [codelines.FIRST],
        [],
        [],
        [codelines.LAST],
        [codelines.LAST],
        [codelines.LAST],
    ], "three lines with text at each end are kept together; a blank one does not count"
    assert lines[1].get("style") is None, "the common hang is the sheets'"
    assert lines[3].get("style") == "padding-left: 6ch; text-indent: -6ch", "right of the line's own text"
    assert lines[5].get("style") == "padding-left: 10ch; text-indent: -10ch", "a tab counts to the next stop"
    assert lines[6].get("style") is None
    strings = body.find_class("s")
    assert [s.text for s in strings] == ["a string that runs\n", "over two lines"], "a span over two lines is split"
    assert [s.get("id") for s in strings] == ["s1", None], "its id stays on its first piece only"


def test_every_block_hangs_with_no_shortest_and_none_without_a_long_line():
    body = _fragment("<pre>a\nbb\n</pre><pre><code>x</code></pre>")
    codelines.hang(body)
    assert [line.text for line in body.find_class(codelines.CLASS)] == ["a\n", "bb\n", "x"]
    assert not body.find_class(codelines.FIRST), "nothing to keep unless asked"
    body = _fragment("<pre><code>short\nlines\n</code></pre>")
    codelines.hang(body, codelines.PRINT_SHORTEST)
    assert not body.find_class(codelines.CLASS)


def test_a_deep_line_keeps_a_measure():
    body = _fragment(f"<pre>{' ' * 40}deep\n</pre>")
    codelines.hang(body)
    assert body.find_class(codelines.CLASS)[0].get("style") == (
        f"padding-left: {codelines.MOST}ch; text-indent: -{codelines.MOST}ch"
    )


def test_the_empty_span_pygments_puts_before_the_code_is_no_obstacle():
    body = _fragment(
        '<pre><span></span><code class="language-yaml"><span class="nt">key</span>: 1\nb: 2\n</code></pre>'
    )
    codelines.hang(body)
    assert [line.text_content() for line in body.find_class(codelines.CLASS)] == ["key: 1\n", "b: 2\n"]
    body = _fragment("<pre><b>bold</b><code>x</code></pre>")
    codelines.hang(body)
    assert not body.find_class(codelines.CLASS), "a block of several elements is left as it is"


@pytest.mark.parametrize(
    ("code", "marks"),
    [
        ("one\n", [[]]),
        ("one\ntwo\n", [["code-first"], ["code-last"]]),
        ("1\n2\n3\n", [["code-first"], ["code-first", "code-last"], ["code-last"]]),
        (
            "Our demands:\n\n1. One\n2. Two\n3. Three\n",
            [["code-first"], ["code-first"], ["code-first"], ["code-last"], ["code-last"]],
        ),
    ],
)
def test_a_short_block_is_not_held_to_what_is_around_it(code, marks):
    body = _fragment(f"<pre><code>{code}</code></pre>")
    codelines.hang(body, keep=2)
    assert [line.get("class").split()[1:] for line in body.find_class(codelines.CLASS)] == marks
