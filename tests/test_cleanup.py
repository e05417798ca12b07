"""Text clean-up: spaced hyphens and number ranges to the
language's dashes, no-break spaces where a line must not break, and code,
addresses and ISBNs that break only between their pieces — in the text,
never in code, maths, addresses or attribute values; with an opt-out."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

import fidelity as F
from conftest import make_project
from pipeline.errors import Diagnostics
from pipeline.transforms import breaks, typography

pytestmark = pytest.mark.fast

NBSP, NNBSP, WJ = "\u00a0", "\u202f", "\u2060"
ALL = frozenset({"dashes", "spaces", "breaks"})


def _text(text: str, lang: str = "en", which=ALL) -> str:
    """The cleaned text as markup, elements serialised."""
    return _markup(typography.tidy_text(text, lang, which))


def _markup(segments) -> str:
    return "".join(
        s if isinstance(s, str) else lxml_html.tostring(s, encoding=str, with_tail=False).replace("</wbr>", "")
        for s in segments
    )


def _plain(segments) -> str:
    p = lxml_html.Element("p")
    breaks.splice(p, "text", segments)
    return "".join(p.itertext())


# --- dashes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", f"their policies{WJ}\u2014not to mention"),
        ("en-US", f"their policies{WJ}\u2014not to mention"),
        ("en-GB", f"their policies{NBSP}\u2013 not to mention"),
        ("de", f"their policies{NBSP}\u2013 not to mention"),
        ("fr", f"their policies{NBSP}\u2013 not to mention"),
    ],
)
def test_a_spaced_hyphen_becomes_the_language_s_dash(lang, expected):
    assert typography.dashes("their policies - not to mention", lang) == expected


def test_a_number_range_takes_an_en_dash_that_does_not_break():
    assert (
        typography.dashes("the rebellions of 1990 - 1995 and 2007", "en")
        == f"the rebellions of 1990\u2013{WJ}1995 and 2007"
    )
    assert typography.dashes("of 1990 -\n1995", "en") == f"of 1990\u2013{WJ}1995"
    assert typography.dashes("pages 10-15, and 1990-95.", "en") == f"pages 10\u2013{WJ}15, and 1990\u2013{WJ}95."


@pytest.mark.parametrize(
    "text",
    [
        "on 2020-08-18 at noon",  # an ISO date
        "in 2020-08 or so",  # a year and month
        "ISBN 978-3-16-148410-0",
        "call 555-1234 or 0171-555-1234",
        "version 1.2-3 and v10-2",
        "the M5-RFP and COVID-19",
        "Listing 1-1 and figure 3-2",  # a chapter's numbering
        "a -5 and +44-20",
        "the sum 10 - 4 = 6",  # a minus sign, in a sum
        "then 10-4=6 and x = a - b",
        "the last of n - 1 items, or 2 - x",
    ],
)
def test_numbers_that_are_no_ranges_keep_their_hyphens(text):
    assert typography.dashes(text, "en") == text


def test_an_author_s_dashes_are_kept_from_starting_a_line():
    assert typography.dashes("so \u2014 yes, and so\u2014no; here \u2013 there", "en") == (
        f"so{NBSP}\u2014 yes, and so{WJ}\u2014no; here{NBSP}\u2013 there"
    )


# --- no-break spaces -------------------------------------------------------


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("en", "a coup on 21 March, 2012", f"a coup on 21{NBSP}March, 2012"),
        ("en", "on August 18 it fell", f"on August{NBSP}18 it fell"),
        ("en", "which claimed 160 lives in 3 years", f"which claimed 160{NBSP}lives in 3{NBSP}years"),
        ("en", "a file of 12 MB, 10 km away, 50 %", f"a file of 12{NBSP}MB, 10{NBSP}km away, 50{NBSP}%"),
        ("en", "see page 12, pp. 3 and Figure 2", f"see page{NBSP}12, pp.{NBSP}3 and Figure{NBSP}2"),
        ("en", "by J. R. R. Tolkien and Mr. Smith", f"by J.{NBSP}R.{NBSP}R.{NBSP}Tolkien and Mr.{NBSP}Smith"),
        ("fr", "le 14 juillet", f"le 14{NBSP}juillet"),
        ("fr", "Il dit : « oui » ! Non ; non?", f"Il dit{NBSP}: «{NNBSP}oui{NNBSP}»{NNBSP}! Non{NNBSP}; non{NNBSP}?"),
        ("de", "am 18. August, z. B. 3 Jahre", f"am 18.{NBSP}August, z.{NNBSP}B. 3{NBSP}Jahre"),
    ],
)
def test_no_break_spaces_where_a_line_must_not_break(lang, text, expected):
    assert typography.spaces(text, lang) == expected


@pytest.mark.parametrize(
    "text",
    [
        "in 1963 had driven many",  # a year is not a count
        "in 2013, the elections",
        "of March 2020 partially",  # a month and its year may part
        "after 3 and the rest",  # a number does not count a function word
        "e.g. The list",  # not an initial
        "the time was 10:30 here",
    ],
)
def test_no_break_spaces_only_where_they_belong(text):
    assert typography.spaces(text, "en") == text
    assert typography.spaces("le match à 10:30 ici", "fr") == "le match à 10:30 ici"


# --- where code, addresses and ISBNs break --------------------------------


def test_inline_code_breaks_only_between_its_pieces_and_keeps_its_characters():
    assert _markup(breaks.code_segments("pressroom --help")) == 'pressroom <span class="nobreak">--help</span>'
    path = breaks.code_segments("pipeline/pdf/engine.py")
    assert _markup(path) == (
        '<span class="nobreak">pipeline</span><wbr><span class="nobreak">/pdf</span><wbr>'
        '<span class="nobreak">/engine.py</span>'
    )
    assert breaks.code_segments("plain words") is None
    assert breaks.code_segments("# .venv/ a_b cover.jpg") is None  # nowhere a line could end inside
    assert _markup(breaks.code_segments("dist/ x/y/")) == (
        'dist/ <span class="nobreak">x</span><wbr><span class="nobreak">/y/</span>'  # a closing slash stays
    )
    long_piece = "a-" * 20
    assert breaks.code_segments(long_piece) == [long_piece]  # too long to keep whole: it may break


def test_an_address_breaks_as_the_chicago_manual_says():
    assert breaks.pieces("https://example.org/a-b?x=1", breaks.URL_BEFORE, breaks.URL_BOTH_SIDES) == [
        "https://",
        "example",
        ".org",
        "/a",
        "-b",
        "?x",
        "=",
        "1",
    ]


def test_an_isbn_never_breaks_and_stays_with_its_label():
    assert _text("ISBN 978-3-16-148410-0 here") == f'ISBN{NBSP}<span class="nobreak">978-3-16-148410-0</span> here'


def test_an_address_in_the_text_is_left_as_written():
    segments = typography.tidy_text("see https://example.org/2020-08 - or 1990-1995 at www.a-b.org.", "en", ALL)
    assert _plain(segments) == f"see https://example.org/2020-08{WJ}\u2014or 1990\u2013{WJ}1995 at www.a-b.org."
    assert '<span class="nobreak">/2020</span><wbr><span class="nobreak">-08</span>' in _markup(segments)
    assert _markup(segments).endswith('<span class="nobreak">.org</span>.')  # the full stop is the sentence's


@pytest.mark.parametrize("text", ["Source: https://example.org", "mail me@example.org", "ISBN 978-3-16-148410-0"])
def test_an_address_touching_an_inline_element_keeps_its_characters(text):
    # A note's call or an emphasis right after the address: the text is
    # cleaned as if the element's words touched it, and nothing of that stays.
    for before, after in ((False, True), (True, False), (True, True)):
        segments = typography.tidy_text(text, "en", ALL, before=before, after=after)
        assert _plain(segments).replace(NBSP, " ") == text


# --- through the reader ----------------------------------------------------


def _read(tmp_path: Path, text: str, meta: str = ""):
    from pipeline import document, sources

    project = make_project(tmp_path, {"source/piece/a.md": f"---\ntitle: T\nlang: en\n{meta}---\n\n{text}"})
    diags = Diagnostics(project)
    pub = document.read_publication(sources.load(project / "source" / "piece", diags), project, diags)
    return pub.chapters[0].body, [(d.severity, d.location.line, d.message) for d in diags.items]


def test_only_text_is_cleaned_up(tmp_path):
    body, said = _read(
        tmp_path,
        "Prose 1990 - 1995 with `x - y 1-2` and *emphasis - here* on 21 March.\n\n"
        "Their *policies* - **not** ours - [a link](https://e.org/).\n\n"
        '<span title="a - b 1-2" lang="fr">Il dit : oui</span>\n\n'
        "```\ncode - block 1-2\n```\n\n$a - b 1-2$ and <https://e.org/a-b-c>\n\n## The 1990 - 1995 rebellion\n",
    )
    assert said == []
    text = "".join(body.itertext())
    assert f"1990\u2013{WJ}1995 with x - y 1-2 and emphasis{WJ}\u2014here on 21{NBSP}March." in text
    assert "code - block 1-2" in text  # a code block as written
    assert f"Their policies{WJ}\u2014not ours{WJ}\u2014a link." in text  # beside inline elements
    assert body.xpath("//span[@title]")[0].get("title") == "a - b 1-2"  # attributes untouched
    assert f"Il dit{NBSP}: oui" in text  # in the passage's own language
    math = body.xpath("//*[local-name()='math']")[0]
    assert "".join(math.itertext()) == "a\u2212b1\u22122" and math.get("alttext") == "a - b 1-2"
    assert [a.get("href") for a in body.iter("a")] == ["https://e.org/", "https://e.org/a-b-c"]
    assert "https://e.org/a-b-c" in text  # its characters kept, cut into pieces
    assert "".join(body.xpath("//h2//text()")) == f"The 1990\u2013{WJ}1995 rebellion"


def test_a_publication_can_turn_the_clean_up_off(tmp_path):
    source = "Prose 1990 - 1995, their policies - not, on 21 March; `a-b`.\n"
    body, _ = _read(tmp_path / "off", source, "typography: false\n")
    assert "".join(body.itertext()).strip() == "Prose 1990 - 1995, their policies - not, on 21 March; a-b."
    assert not body.xpath("//wbr|//span[@class='nobreak']")
    body, _ = _read(tmp_path / "part", source, "typography: {dashes: false}\n")
    assert "".join(body.itertext()).strip() == f"Prose 1990 - 1995, their policies - not, on 21{NBSP}March; a-b."
    assert body.xpath("//span[@class='nobreak']")


@pytest.mark.parametrize("value", ["maybe", "{dashes: no-thanks}", "{quotes: false}"])
def test_a_wrong_opt_out_is_an_error_at_its_line(tmp_path, value):
    _, said = _read(tmp_path, "Text.\n", f"typography: {value}\n")
    assert [(s, line) for s, line, m in said if "'typography' must be" in m] == [("error", 4)]


# --- the fidelity oracle knows these substitutions and no others -----------


def test_the_oracle_accepts_the_clean_up_and_nothing_more():
    source = F.analyse("Rebellions of 1990-1995, on 2020-08-18, ISBN 978-3-16-148410-0, their well-known policies.\n")
    cleaned = (
        f"<p>Rebellions of 1990\u2013{WJ}1995, on 2020-08-18, ISBN{NBSP}978-3-16-148410-0, "
        f"their well-known policies.</p>"
    )
    assert F.check_epub([source], F.documents_edition([_xhtml(cleaned)])) == []
    for wrong in ("2020\u201308\u201318", "978\u20133-16-148410-0", "well\u2013known"):
        was = {"2020\u201308\u201318": "2020-08-18", "978\u20133-16-148410-0": "978-3-16-148410-0"}.get(
            wrong, "well-known"
        )
        edition = F.documents_edition([_xhtml(cleaned.replace(was, wrong))])
        assert F.check_epub([source], edition) != [], wrong


def _xhtml(body: str):
    from lxml import etree

    return etree.fromstring(f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>')
