"""Keep each note on the page of its call.

``footnote-policy: line`` moves a call's line to the next page when its note
does not fit. But when a later paragraph cannot break without leaving an
orphan or a widow, WeasyPrint 70 sends the page's last note on to the next
page to make room, and the call stays behind. After typesetting, each call
is compared with the page its note starts on; for each note sent on, the
block that filled the page is marked to start a new page, and the document
is typeset again.
"""

from __future__ import annotations

from weasyprint.formatting_structure import boxes

from ..pagemarks import ATTRIBUTE

PASSES = 3  # typesettings at most; each one fixes every note separated in the last
BLOCKS = ("p", "li", "dd", "dt", "pre", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption")
BREAK_INSIDE = {"td": "tr", "th": "tr", "figcaption": "figure"}  # where the page break goes instead
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _walk(box, ancestors=()):
    yield box, ancestors
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _walk(child, ancestors + (box,))


def _page_contents(page):
    """The page's boxes in the flow of the text, without margin boxes and notes."""
    for child in page._page_box.children:
        if not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            yield from _walk(child)


def separated(document) -> dict[str, int]:
    """{note id: page index of its call} for each note that starts on another page."""
    calls, starts = {}, {}
    for index, page in enumerate(document.pages):
        for box, _ in _page_contents(page):
            note = getattr(box, "footnote", None)
            if note is not None and box.element_tag.endswith("::footnote-call"):
                calls.setdefault(note.element.get("id"), index)
        for child in page._page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                for box, _ in _walk(child):
                    if box.element is not None and "footnote-body" in (box.element.get("class") or ""):
                        starts.setdefault(box.element.get("id"), index)
    return {note: page for note, page in calls.items() if starts.get(note, page) != page}


def keep_with_calls(typeset):
    """Typeset (``typeset(new_pages) -> document``) until every note starts
    on the page of its call, or PASSES times. Returns the document and the
    notes still apart: {note id: page index of its call}."""
    new_pages: frozenset = frozenset()
    for _ in range(PASSES):
        document = typeset(new_pages)
        apart = separated(document)
        more = {filling_block(document, page) for page in apart.values()} - {None} - new_pages
        if not more:
            break
        new_pages |= more
    return document, apart


def filling_block(document, index: int) -> str | None:
    """The numbered block (pagemarks.stamp) whose last line on the page
    filled it: the block laid out when WeasyPrint sent the note on."""
    last = None
    for box, ancestors in _page_contents(document.pages[index]):
        if isinstance(box, boxes.LineBox):
            last = ancestors
    for box in reversed(last or ()):
        if box.element is not None and box.element_tag in BLOCKS and box.element.get(ATTRIBUTE):
            return box.element.get(ATTRIBUTE)
    return None


def push_block(body, block_id: str) -> None:
    """Make the numbered block start a new page; a heading just before it goes along."""
    block = next((el for el in body.iter(*BLOCKS) if el.get(ATTRIBUTE) == block_id), None)
    if block is None:
        return
    if block.tag in BREAK_INSIDE:
        block = next(block.iterancestors(BREAK_INSIDE[block.tag]), block)
    if block.tag == "tr" and block.getprevious() is None:
        # The first row of the body: a break before it would leave the
        # table's head alone at the foot of the page, so the table goes.
        table = next(block.iterancestors("table"), None)
        if table is not None:
            block = next(table.iterancestors("figure"), table)
    while (previous := block.getprevious()) is not None and previous.tag in HEADINGS:
        block = previous
    block.set("class", " ".join(filter(None, [block.get("class"), "new-page"])))
