"""The page loop of notes.py on a small document laid out by WeasyPrint
directly: what it fixes where it runs, and what is promised where it does
not (another WeasyPrint than the one it was written for)."""

from __future__ import annotations

from weasyprint import HTML
from weasyprint import layout as weasy_layout

from pipeline.pdf import notes
from pipeline.pdf.engine import boxes, pageloop
from test_engine_contract import _with_note


def _typeset():
    return HTML(string=f"<html lang='en'><body>{_with_note()}</body></html>").render()


def _note_page(document) -> int:
    return next(n for n, page in enumerate(document.pages) if "n1" in page.anchors)


def test_the_loop_keeps_the_note_with_its_call_by_moving_one_block():
    pushed: list[str] = []
    with notes.notes_kept(pushed):
        document = _typeset()
    assert pushed == ["b2"]
    assert notes.separated(document) == {}


def test_without_the_loop_a_note_sent_on_is_reported_and_the_layout_is_weasyprints_own(monkeypatch):
    monkeypatch.setattr(pageloop, "SUPPORTED", False)
    own = weasy_layout.make_all_pages
    loops = []

    def typeset():
        loops.append(weasy_layout.make_all_pages is own)
        return _typeset()

    document, apart, _ = notes.keep_with_calls(typeset)
    assert loops == [True], "the page loop was replaced on a version it was not written for"
    # Reported: the note, with the page of its call, the page before the one it starts on.
    assert apart == {"n1": _note_page(document) - 1}
    # Not fixed: the same pages as WeasyPrint's own layout, no page break given.
    plain = _typeset()
    assert [page.anchors for page in document.pages] == [page.anchors for page in plain.pages]
    assert not any(
        box.style["break_before"] == "page" for page in document.pages for box, _ in boxes.walk(boxes.page_box(page))
    )
