"""A formula the print edition cannot draw is a located warning, not a silent loss."""

from __future__ import annotations

from lxml import html as lxml_html

import pipeline
from conftest import make_project, source_date_epoch
from pipeline.pdf.mathsvg import replace_math

UNDRAWABLE = r"a \text{} b"  # latex2mathml reads it; ziamath cannot draw an empty \text{}


def test_a_formula_that_cannot_be_drawn_keeps_its_text_and_is_returned():
    body = lxml_html.fragment_fromstring(
        f'<div><p><math alttext="x^2"><mi>x</mi></math> and <math alttext="{UNDRAWABLE}"><mi>a</mi></math></p></div>'
    )
    undrawn = replace_math(body)
    assert [tex for tex, _ in undrawn] == [UNDRAWABLE]
    assert [el.get("alt") for el in body.iter("img")] == ["x^2"]
    assert [el.get("alttext") for el in body.iter("math")] == [UNDRAWABLE]


def test_a_formula_the_print_edition_cannot_draw_is_a_warning_at_its_line(tmp_path):
    text = f"---\ntitle: Math\n---\n\n## Text\n\nA drawn one: $x^2$.\n\nAnd one that is not: ${UNDRAWABLE}$.\n"
    project = make_project(tmp_path, {"source/t/article.md": text})
    with source_date_epoch():
        result = pipeline.build(project, formats=("pdf",))
    assert not result.failed
    [warning] = [d for d in result.diagnostics if "formula" in d.message]
    line = text.split("\n").index(f"And one that is not: ${UNDRAWABLE}$.") + 1
    assert (warning.severity, str(warning.location)) == ("warning", f"source/t/article.md:{line}"), str(warning)
    assert UNDRAWABLE in warning.message and "print edition" in warning.message
