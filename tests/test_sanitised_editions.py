"""Hostile math, SVG and CSS in whole editions: the editions pass EPUBCheck
and hold no "javascript:", no remote address and nothing of a file outside
the project, and each removal is a located warning. The sanitisers one by
one are tested in test_sanitise.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

import pipeline
from conftest import epubcheck, format_messages, make_project, source_date_epoch
from test_sanitise import HOSTILE_SVG, PNG


ARTICLE = """---
title: Hostile {dialect}
lang: en
markdown: {dialect}
---

Some words before the formulas, so that pages have words.

Link $\\href{{javascript:alert(1)}}{{x}}$, text $\\text{{<script>alert(1)</script>}}$ and
a style $\\style{{background:url(http://example.com/x.png)}}{{y}}$.

Raw: <math><mi>x</mi> + <mi>y</mi><mglyph src="http://example.com/g.png"/></math> inline.

<math display="block"><mfrac><mi>a</mi></mfrac><mrow href="javascript:alert(1)" onclick="x()"><mi mathvariant="evil">z</mi></mrow></math>

![a picture](hostile.svg)

<svg width="20" height="20" viewBox="0 0 20 20" onload="alert(1)"><defs><circle id="c" r="5"/></defs><use xlink:href="#c"/><use href="http://example.com/u.svg#a"/><image href="file:///etc/passwd" width="5" height="5"/><animate attributeName="href" values="javascript:alert(1)"/><set attributeName="fill" to="red"/><foreignObject><p>hi</p></foreignObject><style>circle{{fill:url(http://example.com/f)}}</style><rect width="3" height="3" fill="url(http://example.com/p)" style="stroke: url(http://example.com/s)"/></svg>

<p style="background: \\75 rl(http://example.com/a.png); color: red">Styled words.</p>

<p style="background-image: image-set('http://example.com/b.png' 1x)">More words.</p>
"""

STYLE = (
    """p { color: #333; background: \\75 rl(http://example.com/a.png); }
h1 { background-image: image-set("http://example.com/b.png" 1x); }
@font-face { font-family: Evil; src: url(http://example.com/f.woff) format("woff"); }
em { background: url(/etc/passwd); }
strong { background: u/**/rl(http://example.com/c.png); }
code { background: url(data:image/png;base64,%s); }
@\\69mport url(http://example.com/x.css);
@import "http://example.com/y.css"
"""
    % PNG
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    files = {}
    for dialect in ("commonmark", "python-markdown"):
        files[f"source/{dialect}/a.md"] = ARTICLE.format(dialect=dialect)
        files[f"source/{dialect}/hostile.svg"] = HOSTILE_SVG
        files[f"source/{dialect}/style.css"] = STYLE
    project = make_project(tmp_path_factory.mktemp("hostile"), files)
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub", "pdf"))
    return project, result


def _every_byte(project: Path, slug: str) -> bytes:
    with zipfile.ZipFile(project / "dist" / f"{slug}.epub") as z:
        data = b"".join(z.read(n) for n in z.namelist())
    reader = PdfReader(str(project / "dist" / f"{slug}.pdf"))
    data += "".join(page.extract_text() or "" for page in reader.pages).encode()
    for ref in range(1, len(reader.xref_objStm) + 600):
        try:
            obj = reader.get_object(ref)
        except Exception:  # noqa: BLE001 - past the last object
            continue
        if hasattr(obj, "get_data"):
            data += obj.get_data()
        data += str(obj).encode()
    return data


@pytest.mark.parametrize("slug", ["commonmark", "python-markdown"])
def test_hostile_math_svg_and_css_give_editions_that_pass_epubcheck(hostile, slug):
    project, _ = hostile
    messages = epubcheck(project / "dist" / f"{slug}.epub")
    assert messages == [], format_messages(messages)


@pytest.mark.parametrize("slug", ["commonmark", "python-markdown"])
def test_no_edition_holds_a_script_url_a_remote_address_or_a_file_outside(hostile, slug):
    project, _ = hostile
    data = _every_byte(project, slug)
    for needle in (b"javascript:", b"example.com", b"root:x:0:0", b"file://", b"onload"):
        assert needle not in data, needle
    with zipfile.ZipFile(project / "dist" / f"{slug}.epub") as z:  # the PDF's alternative text may say "<script>"
        assert not any(b"<script" in z.read(n) for n in z.namelist())


def test_each_removal_is_a_located_warning(hostile):
    _, result = hostile
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    assert all(d.location is not None and d.location.line is not None for d in warnings), warnings
    svg_file = [d for d in warnings if d.location.path == "source/commonmark/hostile.svg"]
    assert len(svg_file) == 1, "one warning for all that was removed from the file"
    assert "<script>" in svg_file[0].message
    sheet = {d.location.line for d in warnings if d.location.path == "source/commonmark/style.css"}
    assert sheet == {1, 2, 3, 4, 5, 7, 8}
    article = [d for d in warnings if d.location.path == "source/commonmark/a.md"]
    assert {d.location.line for d in article} >= {9, 10, 12, 14, 18, 20, 22}
    assert not any("refused" in d.message for d in result.diagnostics), "nothing reached the typesetter"
