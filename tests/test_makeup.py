"""Page make-up (pipeline/pdf/makeup.py): a figure or table that does not fit
in what is left of a page is deferred, and the text after it fills the page;
it never passes the end of its chapter, and nothing is lost.

Small documents laid out with WeasyPrint directly, through the page loop the
print edition uses (notes.notes_kept), beside WeasyPrint's own layout.
"""

from __future__ import annotations

import pytest
from weasyprint import HTML

from pipeline.pdf import makeup, notes
from pipeline.pdf.engine import boxes

pytestmark = pytest.mark.fast

CSS = """@page { size: 300px 400px; margin: 20px; }
body { font: 16px/20px serif; margin: 0; orphans: 2; widows: 2; }
p { margin: 0; } figure { margin: 0; break-inside: avoid; } h2 { margin: 0; font-size: 16px; break-after: avoid; }
.box { height: 250px; background: #888; }
"""
LINE = 20  # px, the body's line


def _para(n: int, words: int) -> str:
    return f"<p id='p{n}' data-pm='p{n}'>{'word ' * words}</p>"


def _lay_out(body: str, deferred: bool):
    html = f"<html lang='en'><head><title>T</title><style>{CSS}</style></head><body>{body}</body></html>"
    if not deferred:
        return HTML(string=html).render()
    with notes.notes_kept([]):
        return HTML(string=html).render()


def _page_of(document, anchor: str) -> int:
    return next(n for n, page in enumerate(document.pages) if anchor in page.anchors)


def _room(document, index: int) -> float:
    return makeup.room_left(boxes.page_box(document.pages[index]))[0]


def _figure() -> str:
    return "<figure id='fig'><div class='box'></div><figcaption>Figure 1.</figcaption></figure>"


def test_a_figure_that_does_not_fit_goes_on_and_the_text_after_it_fills_the_page():
    # Eight lines, then a figure of fourteen: the page of eighteen lines has no room for it.
    body = _para(1, 40) + _figure() + "".join(_para(n, 40) for n in range(2, 8))
    plain, made = _lay_out(body, False), _lay_out(body, True)
    assert _page_of(plain, "fig") == 1 and _page_of(plain, "p2") == 1
    assert _room(plain, 0) > 5 * LINE  # WeasyPrint leaves the first page short
    assert _page_of(made, "p2") == 0  # the text after the figure fills the page
    assert _page_of(made, "fig") == 1
    assert _room(made, 0) <= makeup.SHORT_LINES * LINE
    # Nothing lost: every anchor of the plain layout is on a page.
    assert set().union(*(p.anchors for p in made.pages)) == set().union(*(p.anchors for p in plain.pages))


def test_the_heading_before_a_deferred_figure_stays_with_the_text():
    body = _para(1, 40) + "<h2 id='h'>Section</h2>" + _figure() + "".join(_para(n, 40) for n in range(2, 8))
    made = _lay_out(body, True)
    assert _page_of(made, "h") == _page_of(made, "p2") == 0
    assert _page_of(made, "fig") == 1


def test_a_figure_at_the_end_of_its_chapter_is_not_deferred_out_of_it():
    # Nothing follows the figure in its article; the next chapter opens on a new page.
    body = (
        "<article id='a1'>" + _para(1, 40) + _figure() + "</article>"
        "<article id='a2' style='break-before: page'>" + _para(2, 40) + "</article>"
    )
    plain, made = _lay_out(body, False), _lay_out(body, True)
    assert [p.anchors.keys() for p in made.pages] == [p.anchors.keys() for p in plain.pages]


def test_a_page_that_is_full_enough_is_left_alone():
    # Sixteen lines then the figure: two lines short at most, as a page may be.
    body = _para(1, 80) + _figure() + "".join(_para(n, 40) for n in range(2, 6))
    plain, made = _lay_out(body, False), _lay_out(body, True)
    assert _room(plain, 0) <= makeup.SHORT_LINES * LINE + 1
    assert [sorted(p.anchors) for p in made.pages] == [sorted(p.anchors) for p in plain.pages]


def test_a_figure_is_not_moved_past_a_block_that_then_goes_on_to_the_next_page_whole():
    # Twelve lines, a figure of eight and a half, three lines, then six that
    # may not break: the figure goes past the three lines, but not past the
    # six, which leave the page for the next one; there it stands above them.
    figure = "<figure id='fig'><div style='height: 150px'></div><figcaption>Figure 1.</figcaption></figure>"
    whole = "<p id='pB' style='break-inside: avoid'>" + "word " * 30 + "</p>"
    body = _para(1, 60) + figure + _para(2, 15) + whole + _para(3, 40)
    made = _lay_out(body, True)
    assert sorted(made.pages[0].anchors) == ["p1", "p2"]
    assert _page_of(made, "fig") == _page_of(made, "pB") == 1
    assert made.pages[1].anchors["fig"][1] < made.pages[1].anchors["pB"][1]


def test_pages_made_up_before_the_page_numbers_they_print_were_known_are_not_settled():
    # A paragraph of page references to the last page, then a figure that
    # does not fit: the figure is deferred on the first page in the page
    # loop's first run, while the numbers are not yet known, and that page is
    # made again once they are. Given the numbers, the page is made up once.
    refs = " ".join("see <a class='r' href='#end'>there</a>" for _ in range(10))
    figure = "<figure id='fig'><div style='height: 150px'></div><figcaption>Figure 1.</figcaption></figure>"
    body = _para(1, 45) + f"<p id='refs'>{refs}</p>" + figure + "".join(_para(n, 30) for n in range(2, 40))
    body += "<p id='end'>End.</p>"

    def laid_out(rule: str):
        css = CSS + f"a.r::after {{ content: {rule}; }}"
        html = f"<html lang='en'><head><title>T</title><style>{css}</style></head><body>{body}</body></html>"
        return notes.keep_with_calls(lambda: HTML(string=html).render())

    counted, _, settled = laid_out('" page " target-counter("#end", page)')
    assert _page_of(counted, "fig") == 1 and not settled
    given, _, settled = laid_out(f'" page {_page_of(counted, "end") + 1}"')
    assert _page_of(given, "fig") == 1 and settled


def test_a_float_never_passes_another_float():
    body = _para(1, 40) + _figure() + "<figure id='fig2'><div class='box'></div></figure>" + _para(2, 40)
    made = _lay_out(body, True)
    # The first figure may not pass the second: its page stays as WeasyPrint left it.
    assert sorted(made.pages[0].anchors) == ["p1"]
    assert _page_of(made, "fig") < _page_of(made, "fig2")


def _top(document, index: int, tag: str, number: int = 0) -> float:
    page = boxes.page_box(document.pages[index])
    found = [box for box, _ in boxes.in_flow(page) if box.element_tag == tag]
    return found[number].position_y


def test_a_mid_chapter_page_ends_at_the_foot_of_its_text_block_by_wider_gaps_above_headings():
    body = (
        "<article>"
        + _para(1, 20)
        + "<h2 id='h'>Section</h2>"
        + _para(2, 66)
        + "<h2 id='h2'>Two</h2>"
        + "".join(_para(n, 40) for n in range(4, 7))
        + "</article>"
    )
    plain, made = _lay_out(body, False), _lay_out(body, True)
    assert _room(plain, 0) >= LINE  # the second heading went on with its text
    assert _room(made, 0) < 1 and _room(made, 1) < 1  # facing pages end on the same line
    assert _top(made, 0, "p") == _top(plain, 0, "p")  # the page's first block stays
    assert _top(made, 0, "h2") - _top(plain, 0, "h2") == pytest.approx(
        _room(plain, 0)
    )  # the gap above the heading takes it
    # The chapter's last page is not stretched, nor is what is on each page changed.
    assert _room(made, len(made.pages) - 1) == _room(plain, len(plain.pages) - 1)
    assert [sorted(p.anchors) for p in made.pages] == [sorted(p.anchors) for p in plain.pages]


def test_a_table_that_cannot_be_deferred_breaks_between_rows_rather_than_leave_its_page_short():
    rows = "".join(f"<tr><td>row {n}</td><td>value</td></tr>" for n in range(12))
    table = f"<figure id='t'><table><thead><tr><th>Row</th><th>Value</th></tr></thead><tbody>{rows}</tbody></table></figure>"
    body = (
        "<article>" + _para(1, 40) + table + "</article>"
        "<article style='break-before: page'>" + _para(2, 20) + "</article>"
    )
    plain, made = _lay_out(body, False), _lay_out(body, True)
    assert _page_of(plain, "t") == 1 and _room(plain, 0) > 5 * LINE
    assert _page_of(made, "t") == 0 and _room(made, 0) < 2 * LINE
    heads = [
        len({id(b.element) for b, _ in boxes.in_flow(boxes.page_box(p)) if b.element_tag == "th"})
        for p in made.pages[:2]
    ]
    assert heads == [2, 2]  # the head repeated on the next page


def test_a_page_of_prose_is_filled_by_a_little_more_space_between_its_lines():
    # Two paragraphs, then a heading that goes on with its text: only lines to space out.
    body = (
        "<article>"
        + _para(1, 20)
        + _para(2, 60)
        + "<h2 id='h2' style='margin-top: 20px'>Two</h2>"
        + "".join(_para(n, 40) for n in range(4, 7))
        + "</article>"
    )
    plain, made = _lay_out(body, False), _lay_out(body, True)
    assert _room(plain, 0) == 2 * LINE
    lines = [b for b, _ in boxes.in_flow(boxes.page_box(made.pages[0])) if isinstance(b, boxes.LineBox)]
    gaps = {round(after.position_y - before.position_y, 2) for before, after in zip(lines, lines[1:])}
    # Every line a little further from the last, by no more than LEADING of a line: one line short at most.
    assert gaps == {round(LINE * (1 + makeup.LEADING), 2)}
    assert _room(made, 0) < _room(plain, 0) - LINE / 2


def test_a_chapters_last_page_takes_more_than_a_few_lines_from_the_page_before():
    # The chapter's last paragraph leaves two lines on its last page; the next chapter opens on a new page.
    body = (
        "<article>" + _para(1, 40) + "<h2>Section</h2>" + _para(2, 56) + "</article>"
        "<article style='break-before: page'>" + _para(3, 20) + "</article>"
    )
    plain, made = _lay_out(body, False), _lay_out(body, True)

    def lines(document, index):
        return sum(1 for b, _ in boxes.in_flow(boxes.page_box(document.pages[index])) if isinstance(b, boxes.LineBox))

    assert len(plain.pages) == len(made.pages) == 3
    assert 0 < lines(plain, 1) < makeup.LAST_LINES
    assert lines(made, 1) == makeup.LAST_LINES
    assert _room(made, 0) < 1  # the page before it still ends at the foot
