"""Paragraphs composed as a whole (pdf/linebreak.py): how a paragraph's lines
are judged, which setting each keeps, and, on a generated text in a narrow
justified column, that the composed layout has none of the faults the
greedy one has."""

from __future__ import annotations

import random

import pytest
from weasyprint import CSS, HTML

from conftest import REPO
from pipeline.pdf import linebreak
from pipeline.pdf.engine.fonts import committed_only
from pipeline.pdf.engine.paragraphs import COPY, Line

pytestmark = pytest.mark.fast


def _line(paragraph=1, page=1, hyphen=False, stretch=0.1, foot=False):
    return Line(page, paragraph, hyphen, stretch, foot)


def test_a_loose_line_is_a_fault_but_not_a_paragraphs_last():
    loose = linebreak.NATURAL_EM + 0.05
    assert linebreak.score([_line(stretch=loose), _line()])[1] >= linebreak.FAULT
    assert linebreak.score([_line(), _line(stretch=loose)])[1] < linebreak.FAULT


def test_three_hyphens_in_a_row_are_a_fault_two_are_not():
    two = [_line(hyphen=True), _line(hyphen=True), _line(), _line(hyphen=True), _line(), _line()]
    three = [_line(hyphen=True), _line(hyphen=True), _line(hyphen=True), _line(), _line()]
    assert linebreak.score(two)[1] < linebreak.FAULT
    assert linebreak.score(three)[1] >= linebreak.FAULT


def test_a_hyphen_at_a_rectos_foot_is_a_fault_at_a_versos_not_and_not_in_a_galley():
    # A layout's first page (index 0) is a recto.
    recto = [_line(page=0, hyphen=True, foot=True), _line(page=1), _line(page=1)]
    verso = [_line(page=1, hyphen=True, foot=True), _line(page=2), _line(page=2)]
    assert linebreak.score(recto)[1] >= linebreak.FAULT
    assert linebreak.score(verso)[1] < linebreak.FAULT
    assert linebreak.score(recto, feet=False)[1] < linebreak.FAULT


def test_a_hyphen_ending_the_last_full_line_weighs_more_than_another():
    last_full = [_line(), _line(), _line(hyphen=True), _line()]
    earlier = [_line(hyphen=True), _line(), _line(), _line()]
    assert linebreak.score(last_full)[1] > linebreak.score(earlier)[1] > linebreak.score([_line()] * 4)[1]


def test_each_faulty_paragraph_keeps_its_best_setting_tried_in_galleys():
    """Paragraph 1 is loose but for setting 2; paragraph 2 is good as it is;
    paragraph 3 is loose whatever its setting: it keeps the sheet's. Two
    full layouts (before and after); the settings tried in a few galleys,
    each holding several settings, one copy each, of the paragraphs still faulty."""
    loose = linebreak.NATURAL_EM + 0.1

    def lines_of(paragraph, variant, key):
        bad = paragraph == 3 or (paragraph == 1 and variant != 2)
        return [_line(key, stretch=loose if bad else 0.1), _line(key)]

    calls = []

    def lay_out(styles, copies):
        calls.append((dict(styles), copies))
        if copies is None:
            variant_of = {p: linebreak.VARIANTS.index(s) for p, s in styles.items()}
            found = [line for p in (1, 2, 3) for line in lines_of(p, variant_of.get(p, 0), p)]
        else:
            found = [
                line
                for n, copy in enumerate(copies)
                for p, s in copy.items()
                for line in lines_of(p, linebreak.VARIANTS.index(s), n * COPY + p)
            ]
        return ("laid", styles), found, {}

    original = linebreak.lines
    linebreak.lines = lambda document, index: document  # type: ignore[assignment]
    try:
        laid = linebreak.compose(lay_out)
    finally:
        linebreak.lines = original
    assert laid == ("laid", {1: linebreak.VARIANTS[2]})
    full = [c for c in calls if c[1] is None]
    assert len(full) == 2 and full[0][0] == {}
    copies = [copy for c in calls if c[1] is not None for copy in c[1]]
    tried = {p: [linebreak.VARIANTS.index(copy[p]) for copy in copies if p in copy] for p in (1, 2, 3)}
    # Mended by setting 2, paragraph 1 is tried no further; paragraph 3 is
    # never mended: it is tried TRIES times, in the first settings, not in every one.
    assert tried == {1: [1, 2], 2: [], 3: list(range(1, linebreak.TRIES + 1))}
    assert linebreak.TRIES < len(linebreak.VARIANTS) - 1
    # A few galleys, not one per setting.
    assert len(calls) - len(full) == 3


WORDS = (
    "movement strike union council assembly worker peasant capital state crisis programme struggle party "
    "demand wage land reform army election power class history question independence colonial market debt "
    "organisation solidarity strategy tactic alliance the of and a to in that with"
).split()
SHEET = """@page { size: 440px 3000px; margin: 20px }
body { font: 13px/17px "Charis SIL"; margin: 0 }
p { text-align: justify; hyphens: auto; margin: 0; text-indent: 1.2em;
    hyphenate-limit-chars: 6 2 3; hyphenate-limit-zone: 24%; word-spacing: -0.05em }"""


def _lay_out(source: str):
    # The committed fonts only: the machine's, and what other tests leave in
    # Fontconfig's state, would change the lines.
    fonts = committed_only()
    sheets = [CSS(filename=str(REPO / "styles" / "fonts.css"), font_config=fonts), CSS(string=SHEET, font_config=fonts)]

    def lay_out(styles, copies):
        html = HTML(string=source)
        linebreak.restyle(html, styles)
        index = linebreak.elements(html) if copies is None else linebreak.galleys(html, copies)
        document = html.render(stylesheets=sheets, font_config=fonts)
        return document, document, index

    return lay_out


def test_a_generated_text_composed_has_its_faults_mended_and_fewer_hyphens():
    rng = random.Random(16)
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 110))).capitalize() + "." for _ in range(12)
    ]
    source = "<html lang='en'><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
    lay_out = _lay_out(source)
    greedy, _, index = lay_out({}, None)
    before = linebreak.score(linebreak.lines(greedy, index))
    assert any(points >= linebreak.FAULT for points in before.values()), "the greedy layout has no fault to mend"

    seen = {}

    def remembered(styles, copies):
        laid, document, index = lay_out(styles, copies)
        seen["index"] = index
        return laid, document, index

    composed = linebreak.compose(remembered)
    found = linebreak.lines(composed, seen["index"])
    after = linebreak.score(found)
    assert sorted(after) == sorted(before)
    # Every paragraph was faulty; within its tries, at most one stays so, with one fault.
    assert sum(points >= linebreak.FAULT for points in after.values()) <= 1, (before, after)
    assert all(points < 2 * linebreak.FAULT for points in after.values()), (before, after)
    last = {line.paragraph: number for number, line in enumerate(found)}
    loose = [n for n, line in enumerate(found) if line.stretch > linebreak.NATURAL_EM and n != last[line.paragraph]]
    assert len(loose) <= 1
    # Fewer hyphens than WeasyPrint's own setting gives (hyphenate wherever a word does not fit).
    plain = {p: "hyphenate-limit-chars: auto; hyphenate-limit-zone: 0; word-spacing: 0" for p in before}
    default, _, index = lay_out(plain, None)
    assert sum(line.hyphen for line in found) < sum(line.hyphen for line in linebreak.lines(default, index))


def test_settings_tried_in_copies_of_one_galley_set_each_paragraph_as_a_galley_of_its_own():
    rng = random.Random(7)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 80))) + "." for _ in range(4)]
    source = (
        "<html lang='en'><body><h2>A heading</h2>"
        + "".join(f"<p>{p}<sup>{n}</sup></p>" for n, p in enumerate(paragraphs))
        + "</body></html>"
    )
    lay_out = _lay_out(source)
    _, document, index = lay_out({}, None)
    ids = sorted({line.paragraph for line in linebreak.lines(document, index)})
    settings = [linebreak.VARIANTS[1], linebreak.VARIANTS[5], linebreak.VARIANTS[-1]]
    copies = [dict.fromkeys(ids[n:], setting) for n, setting in enumerate(settings)]

    def read(document, index):
        found: dict[int, list] = {}
        for line in linebreak.lines(document, index):
            found.setdefault(line.paragraph, []).append((line.hyphen, round(line.stretch, 4)))
        return found

    together = read(*lay_out({}, copies)[1:])
    for n, copy in enumerate(copies):
        alone = read(*lay_out({}, [copy])[1:])
        assert {p: together[n * COPY + p] for p in copy} == alone
    assert len(together) == sum(len(copy) for copy in copies)
