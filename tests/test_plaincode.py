"""Highlighted code in the print document (pipeline/pdf/plaincode.py): the
spans no print sheet styles go, neighbours of one class become one, and the
text and the styled tokens are exactly what they were."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from pipeline.pdf import plaincode

pytestmark = pytest.mark.fast

CODE = (
    '<div><pre class="highlight"><code><span class="k">fn</span><span class="w"> </span>'
    '<span class="nf">main</span><span class="p">(</span><span class="p">)</span><span class="w"> </span>'
    '<span class="p">{</span><span class="w">\n    </span><span class="n">x</span><span class="w"> </span>'
    '<span class="o">=</span><span class="w"> </span><span class="mi">1</span><span class="p">;</span>'
    '<span class="w"> </span><span class="c1">// one</span>\n<span class="p">}</span>'
    '<span class="n" id="kept">y</span></code></pre><p><span class="n">prose</span></p></div>'
)
SHEETS = [
    (".highlight .k { font-weight: bold } .highlight .c1 { font-style: italic } .highlight .w { color: grey }", None)
]


def _plain():
    body = lxml_html.fragment_fromstring(CODE)
    before = body.text_content()
    plaincode.plain(body, plaincode.styled(SHEETS))
    return body, before


def test_the_classes_named_by_the_sheets_are_found():
    assert {"highlight", "k", "c1", "w"} <= plaincode.styled(SHEETS)
    assert "p" not in plaincode.styled(SHEETS)


def test_the_text_is_the_same_and_only_styled_spans_are_left():
    body, before = _plain()
    assert body.text_content() == before
    spans = body.find(".//pre").findall(".//span")
    assert {tuple(s.get("class").split()) for s in spans if s.get("id") is None} <= {("k",), ("w",), ("c1",)}
    assert [s.text for s in spans if s.get("class") == "k"] == ["fn"]
    assert [s.text for s in spans if s.get("class") == "c1"] == ["// one"]


def test_a_span_with_an_id_and_spans_outside_code_stay():
    body, _ = _plain()
    assert body.get_element_by_id("kept").text == "y"
    assert body.find(".//p/span").text == "prose"


def test_neighbours_of_one_class_become_one():
    body = lxml_html.fragment_fromstring('<pre><span class="w"> </span><span class="w">  </span>x</pre>')
    plaincode.plain(body, frozenset({"w"}))
    assert [(s.text, s.tail) for s in body.iter("span")] == [("   ", "x")]
