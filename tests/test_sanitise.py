"""MathML, SVG and CSS through their allow-lists.

Formulas (written as MathML or made from LaTeX), SVG images and drawings,
style sheets and style attributes keep what is harmless and lose scripts,
events, animation and references to other files and addresses, with one
located warning for what was removed. Each piece is checked on its own
here, without a build; test_sanitised_editions.py checks the editions.
"""

from __future__ import annotations

import base64

import pytest
from lxml import etree

from pipeline.readers.html5 import to_tree
from pipeline.sanitise import css, mathml, svg

pytestmark = pytest.mark.fast

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


# --- CSS ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sheet",
    [
        "p { background: \\75 rl(http://example.com/a.png) }",
        "p { background: URL( 'http://example.com/a.png' ) }",
        'p { background-image: image-set("http://example.com/a.png" 1x) }',
        "p { background-image: -webkit-image-set(url(//example.com/a.png) 1x) }",
        "p { background: u/**/rl(http://example.com/a.png) }",
        "p { list-style-image: url(file:///etc/passwd) }",
        "p { background: url(/etc/passwd) }",
        "p { background: url(../../../secret.png) }",
        "p { cursor: url(javascript:alert(1)), auto }",
        "p { width: expression(alert(1)) }",
        "@font-face { font-family: X; src: url(http://example.com/f.woff) format('woff') }",
        "@import url(http://example.com/a.css);",
        "@\\69mport 'http://example.com/a.css';",
        "p { color: red }\n@import 'http://example.com/a.css'",
        "@media print { p { background: url(http://example.com/a.png) } }",
        "@page { @top-center { content: 'x'; background: url(http://example.com/a.png) } }",
        "p { --x: url(http://example.com/a.png) }",
        "p { background: image-set(var(--x) 1x) }",
        "@namespace x url(http://example.com/ns);",
    ],
)
def test_a_style_sheet_loses_every_reference_to_a_file_or_an_address(sheet):
    cleaned, removals = css.clean_sheet(sheet, svg.loadable)
    assert removals and all(r.line is not None for r in removals)
    for needle in ("example.com", "passwd", "secret", "javascript", "expression", "import"):
        assert needle not in cleaned.lower(), cleaned


@pytest.mark.parametrize(
    "sheet",
    [
        "p { width: " + "calc(" * 5000 + "1px }",
        "@media print {" * 5000,
        "p { background: url(http://example.com/a b.png) }",
    ],
)
def test_a_sheet_too_deep_or_broken_to_write_out_again_loses_what_is(sheet):
    cleaned, removals = css.clean_sheet(sheet, svg.loadable)
    assert removals and "calc(calc(" not in cleaned and "example.com" not in cleaned


def test_a_style_sheet_that_is_not_utf8_is_a_located_error(tmp_path):
    from pipeline.errors import Diagnostics
    from pipeline.styles import check_files

    (tmp_path / "style.css").write_bytes(b"p { color: red }\nh1 { content: 'caf\xe9' }\n")
    diags = Diagnostics()
    check_files(tmp_path, tmp_path, diags)
    assert [(d.severity, d.location.line) for d in diags.items] == [("error", 2)]


def test_a_style_sheet_keeps_what_loads_nothing():
    sheet = (
        "p { color: #333; margin: 0 !important }\n"
        f"code {{ background: url(data:image/png;base64,{PNG}) }}\n"
        "rect { fill: url(#gradient) }\n"
        "@media print { h1 { page-break-before: always } }\n"
    )
    cleaned, removals = css.clean_sheet(sheet, svg.loadable)
    assert removals == []
    for kept in ("#333", "!important", PNG, "url(#gradient)", "@media print", "page-break-before"):
        assert kept in cleaned


def test_the_line_of_each_removal_is_the_sheets_line():
    _, removals = css.clean_sheet(
        "p { color: red }\n\nh1 {\n  background: url(http://example.com/a.png);\n}\n@import 'x.css'", svg.loadable
    )
    assert [r.line for r in removals] == [4, 6]


def test_a_style_attribute_keeps_its_other_declarations():
    cleaned, removals = css.clean_declarations(
        "color: red; background: url('file:///etc/passwd'); margin: 1em", svg.loadable
    )
    assert len(removals) == 1 and "passwd" not in cleaned
    assert "color: red" in cleaned and "margin: 1em" in cleaned


def test_a_data_svg_is_kept_only_when_it_needs_no_cleaning():
    clean = (
        "data:image/svg+xml," + "%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3Crect width='1' height='1'/%3E%3C/svg%3E"
    )
    hostile = (
        "data:image/svg+xml;base64,"
        + base64.b64encode(
            b"<svg xmlns='http://www.w3.org/2000/svg'><image href='http://example.com/a.png'/></svg>"
        ).decode()
    )
    assert css.clean_sheet(f'p {{ background: url("{clean}") }}', svg.loadable)[1] == []
    assert css.clean_sheet(f"p {{ background: url({hostile}) }}", svg.loadable)[1]


# --- SVG files -----------------------------------------------------------------

HOSTILE_SVG = (
    b"""<?xml version="1.0"?>
<!DOCTYPE svg [ <!ENTITY e "hello"> ]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100"
     viewBox="0 0 100 100" onload="alert(1)">
  <script>alert(1)</script>
  <style>rect { fill: url(http://example.com/x.svg#p) } @import url(http://example.com/a.css)</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>
  <rect width="50" height="50" fill="url(#g)" style="stroke: url(http://example.com/s)"/>
  <image href="file:///etc/passwd" width="10" height="10"/>
  <image xlink:href="data:image/png;base64,"""
    + PNG.encode()
    + b"""" width="10" height="10"/>
  <use xlink:href="http://example.com/u.svg#x"/>
  <use xlink:href="#g"/>
  <use xlink:href="#shape"/><circle id="shape" r="1"/>
  <a href="javascript:alert(1)"><text x="10" y="80">&e; text</text></a>
  <animate attributeName="href" values="javascript:alert(1)"/>
  <set attributeName="fill" to="red"/>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
  <circle cx="5" cy="5" r="4" fill="url(http://example.com/p)"/>
</svg>
"""
)


def test_an_svg_file_keeps_its_drawing_and_loses_what_runs_or_loads():
    cleaned, removals = svg.clean_file(HOSTILE_SVG)
    root = etree.fromstring(cleaned)
    names = {etree.QName(el).localname for el in root.iter() if isinstance(el.tag, str)}
    assert {"script", "animate", "set", "foreignObject", "div"}.isdisjoint(names)
    assert {"svg", "style", "defs", "linearGradient", "stop", "rect", "image", "use", "text", "circle"} <= names
    # The javascript: link is gone; what it held stays, in a group.
    assert "a" not in names and root.find(f"{{{svg.SVG_NS}}}g/{{{svg.SVG_NS}}}text") is not None
    for needle in (b"javascript", b"example.com", b"passwd", b"onload", b"DOCTYPE", b"ENTITY", b"&e;"):
        assert needle not in cleaned, needle
    assert b'fill="url(#g)"' in cleaned and PNG.encode() in cleaned and b'"#shape"' in cleaned
    assert b'"#g"' not in cleaned, "a <use> of a gradient, which EPUBCheck refuses"
    assert root.get("viewBox") == "0 0 100 100" and "text" in "".join(root.itertext())
    lines = {r.what.split()[0]: r.line for r in removals}
    assert (
        lines["<script>"] == 5 and lines["<foreignObject>"] == 17 and lines["onload"] in (3, 4)
    )  # the start tag spans both


def test_an_entity_bomb_is_refused_not_expanded():
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE svg [{entities}]><svg xmlns="http://www.w3.org/2000/svg">'
        '<text>&j;</text><rect width="&j;"/></svg>'
    )
    with pytest.raises(svg.SvgError):
        svg.clean_file(bomb.encode())


@pytest.mark.parametrize(
    "data",
    [
        b"<svg><rect",
        b"<html><body>no drawing</body></html>",
        b"",
        b'<svg xmlns="http://www.w3.org/2000/svg">&undefined;</svg>',
    ],
)
def test_a_file_that_is_not_svg_is_refused_with_its_line(data):
    with pytest.raises(svg.SvgError):
        svg.clean_file(data)


def test_an_svg_as_drawing_programs_save_it_needs_no_word():
    drawing = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" inkscape:version="1.3" width="4" height="4">
  <sodipodi:namedview id="view"/><metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
  <rect width="4" height="4" inkscape:label="box" style="fill:#ff0000;stroke:none"/>
</svg>"""
    cleaned, removals = svg.clean_file(drawing)
    assert removals == [] and b"DOCTYPE" not in cleaned and b"inkscape" not in cleaned
    assert b'style="fill:#ff0000;stroke:none"' in cleaned


def test_an_svg_loses_values_and_references_its_schema_refuses():
    cleaned, removals = svg.clean_file(
        b'<svg xmlns="http://www.w3.org/2000/svg" version="9" preserveAspectRatio="xMidYMid slice">'
        b'<linearGradient id="g" gradientUnits="evil" spreadMethod="pad"><stop offset="0"/></linearGradient>'
        b'<rect width="4" height="4" fill="url(#g)" stroke="url(#nothing)" role="evil"/><rect width="4"/>'
        b'<text text-anchor="middle">t</text></svg>'
    )
    assert {r.what.split("=")[0].split(" ")[0] for r in removals} == {
        "version",
        "gradientUnits",
        "stroke",
        "role",
        "<rect>",
    }
    for kept in (
        b'preserveAspectRatio="xMidYMid slice"',
        b'spreadMethod="pad"',
        b'fill="url(#g)"',
        b'text-anchor="middle"',
    ):
        assert kept in cleaned


def test_an_svg_with_nothing_to_remove_is_carried_byte_for_byte():
    drawing = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">\n  <!-- a box -->\n'
        b'  <style>\n    rect { fill: #c44a36; }\n  </style>\n  <rect width="4" height="4"/>\n</svg>\n'
    )
    assert svg.clean_file(drawing) == (drawing, [])
    hidden = drawing.replace(b"</style>", b"<script>alert(1)</script></style>")
    cleaned, removals = svg.clean_file(hidden)
    assert b"script" not in cleaned and [r.what for r in removals] == ["<script> inside <style>"]


def test_an_svg_without_its_namespace_is_given_it():
    cleaned, removals = svg.clean_file(b'<svg width="4" height="4"><rect width="4" height="4"/></svg>')
    assert etree.fromstring(cleaned).tag == f"{{{svg.SVG_NS}}}svg" and removals == []


# --- SVG and MathML in the text ------------------------------------------------------


def _foreign(html: str, tag: str):
    return next(to_tree(html, raw=True).iter(tag))


def test_an_inline_svg_keeps_its_size_and_local_references_as_plain_href():
    el = _foreign(
        '<svg width="20" height="20" viewBox="0 0 20 20" onload="alert(1)"><defs><circle id="c" r="5"/>'
        '</defs><use xlink:href="#c"/><use href="http://example.com/u.svg#a"/>'
        '<animate attributeName="href" values="javascript:alert(1)"/><style>circle{fill:red}</style>'
        "<foreignObject><p>hi</p></foreignObject></svg>",
        "svg",
    )
    removals = svg.clean_tree(el, inline=True)
    text = etree.tostring(el, encoding="unicode")
    assert el.get("viewBox") == "0 0 20 20" and el.get("width") == "20"
    assert '<use href="#c"/>' in text and "xlink" not in text
    for needle in ("example.com", "javascript", "onload", "<style", "foreignObject", "<p>"):
        assert needle not in text
    assert len(removals) == 5


def test_an_inline_link_that_leads_nowhere_keeps_its_words_as_a_run_of_text():
    el = _foreign(
        '<svg><text x="1" y="9">a <a href="javascript:alert(1)">linked</a> word</text>'
        '<a href="vbscript:x"><rect width="2" height="2"/></a></svg>',
        "svg",
    )
    svg.clean_tree(el, inline=True)
    text = etree.tostring(el, encoding="unicode")
    assert "<tspan>linked</tspan>" in text and "<g><rect" in text and "<a" not in text


def test_names_the_html_parser_keeps_and_words_outside_text_leave_an_inline_svg():
    el = _foreign(
        '<svg width="4" height="4">stray<x:y a:b="1"/><rect width="1" height="1"/>words'
        '<text x="0" y="3">kept</text></svg>',
        "svg",
    )
    removals = svg.clean_tree(el, inline=True)
    assert etree.tostring(el, encoding="unicode") == (
        '<svg width="4" height="4"><rect width="1" height="1"/><text x="0" y="3">kept</text></svg>'
    )
    assert {r.what for r in removals} == {"<x:y>", "text directly inside <svg>"}


def test_latex_math_loses_script_links_scripts_and_remote_styles():
    import latex2mathml.converter

    from pipeline.transforms.math import _to_html

    for tex, needle in (
        (r"\href{javascript:alert(1)}{x}", "javascript"),
        (r"\text{<script>alert(1)</script>}", "script"),
        (r"\style{background:url(http://example.com/x.png)}{y}", "example.com"),
    ):
        math = _to_html(latex2mathml.converter.convert(tex))
        assert needle in etree.tostring(math, encoding="unicode")
        removals = mathml.clean(math)
        assert removals and needle not in etree.tostring(math, encoding="unicode")
        if needle != "script":  # \text{...} is what the formula says: its TeX keeps it, as text
            assert needle not in mathml.clean_tex(tex)


def test_a_formula_keeps_links_a_reader_may_follow():
    math = _foreign(
        '<math><mrow href="https://example.org/"><mi>x</mi></mrow><mrow href="#eq-1"><mi>y</mi></mrow>'
        '<mrow href="data:text/html,x"><mi>z</mi></mrow></math>',
        "math",
    )
    assert [r.what for r in mathml.clean(math)] == ['href="data:text/html,x" on <mrow>']
    assert [el.get("href") for el in math.iter("mrow")] == ["https://example.org/", "#eq-1", None]


def test_raw_mathml_comes_out_valid():
    math = _foreign(
        '<math display="block"><mi>x</mi> + <mn>2</mn><mfrac><mi>a</mi></mfrac>'
        "<mtable><mi>q</mi></mtable><mtext>a<b>bold</b></mtext>"
        '<mglyph src="http://example.com/g.png"/><mtd><mi>c</mi></mtd></math>',
        "math",
    )
    removals = mathml.clean(math)
    text = etree.tostring(math, encoding="unicode")
    assert "<mi>x</mi><mo>+</mo><mn>2</mn>" in text  # text between elements becomes a token
    assert "<mrow><mi>a</mi></mrow>" in text  # an <mfrac> of one argument
    assert "<mtable><mtr><mtd><mi>q</mi></mtd></mtr></mtable>" in text
    assert "<mtext>abold</mtext>" in text and "mglyph" not in text and "example.com" not in text
    assert "<mtd>" not in text.split("</mtable>")[1]  # a cell outside a row
    assert math.get("display") == "block" and math.get("alttext")
    assert len(removals) == 4


def test_values_mathml_does_not_allow_are_removed():
    math = _foreign(
        '<math display="evil" overflow="scroll"><mi mathvariant="evil" overflow="x">a</mi>'
        '<mo stretchy="maybe" lspace="0.2em" form="infix">+</mo>'
        '<mstyle mathcolor="javascript:alert(1)" mathbackground="#fff"><mi>b</mi></mstyle>'
        '<mtable columnalign="left right" rowspacing="x"><mtr><mtd rowspan="0"><mi>c</mi></mtd></mtr></mtable>'
        '<mpadded width="+2width" voffset="-.5ex"><mi>d</mi></mpadded></math>',
        "math",
    )
    removed = {r.what.split("=")[0].split(" on ")[0] for r in mathml.clean(math)}
    assert removed == {"display", "mathvariant", "overflow", "stretchy", "mathcolor", "rowspacing", "rowspan"}
    text = etree.tostring(math, encoding="unicode")
    for kept in (
        'lspace="0.2em"',
        'form="infix"',
        'mathbackground="#fff"',
        'columnalign="left right"',
        'width="+2width"',
        'overflow="scroll"',
    ):
        assert kept in text


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{a}{b} + \sqrt[3]{x}",
        r"\sum_{i=1}^{n} i^2",
        r"\int_0^\infty e^{-x}\,dx",
        r"\left( \frac{a}{b} \right)",
        r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
        r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}",
        r"\mathbb{R} \mathfrak{g} \mathbf{v} \boldsymbol{\alpha}",
        r"\hat{x} \overline{AB} \underbrace{c+d}_{m}",
        r"\color{red}{x} \colorbox{yellow}{y}",
        r"\boxed{x} \cancel{y}",
        r"\big( \Huge x \displaystyle \sum x",
        r"\href{https://example.org/}{x} \style{color: red}{y}",
        r"\begin{cases} x & x > 0 \\ -x & \text{else} \end{cases}",
    ],
)
def test_formulas_made_from_latex_lose_nothing(tex):
    import latex2mathml.converter

    from pipeline.transforms.math import _to_html

    assert mathml.clean(_to_html(latex2mathml.converter.convert(tex))) == []


def test_an_svg_image_that_cannot_be_read_is_a_located_error(tmp_path):
    from types import SimpleNamespace

    from pipeline.errors import Diagnostics
    from pipeline.transforms.images import clean_svg

    (tmp_path / "bomb.svg").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(9))
        + b']><svg xmlns="http://www.w3.org/2000/svg" width="&j;"/>'
    )
    diags = Diagnostics()
    chapter = SimpleNamespace(source=tmp_path / "a.md")
    assert clean_svg(tmp_path / "bomb.svg", chapter, "bomb.svg", 7, diags) is None
    assert [(d.severity, d.location.path.endswith("a.md"), d.location.line) for d in diags.items] == [
        ("error", True, 7)
    ]
    assert "bomb.svg" in diags.items[0].message
