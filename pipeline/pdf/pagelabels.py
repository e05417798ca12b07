"""PDF page labels: the number a viewer shows for a page is the one printed on it.

Without labels a viewer shows a page's place in the file ("9" for the
page printed "1"). The labels are read from the folios the pages print
(``folios``), so they follow whatever the style sheets number: roman
for the front matter, arabic from the first chapter in the house style.
A page that prints no folio (a display page, a blank or a part's title
page) is numbered with the pages around it, as a book counts it.
"""

from __future__ import annotations

import re

import pydyf

from .engine.boxes import page_box

_ROMAN = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _number(folio: str) -> tuple[str, int] | None:
    """(PDF numbering style, number) of a printed folio; None for none or another kind."""
    folio = folio.strip()
    if folio.isascii() and folio.isdigit():
        return ("D", int(folio)) if int(folio) > 0 else None
    lower = folio.lower()
    if not folio or not _ROMAN.fullmatch(lower) or folio not in (lower, folio.upper()):
        return None
    values = [_VALUES[c] for c in lower]
    number = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return ("r" if folio == lower else "R", number)


def ranges(folios: list[str]) -> list[tuple[int, str, int]]:
    """(index of the first page, style, its number) of each run of pages
    numbered alike: a run begins where its first folio's count began, but
    not before the last page numbered otherwise. Pages before the first
    folio count in roman from i; no folio at all gives no labels."""
    runs: list[tuple[int, str, int]] = []
    last = -1  # the last page that printed a folio
    for index, folio in enumerate(folios):
        found = _number(folio)
        if found is None:
            continue
        style, number = found
        if runs and runs[-1][1] == style and runs[-1][2] + index - runs[-1][0] == number:
            last = index
            continue
        begin = max(index - number + 1, last + 1)
        runs.append((begin, style, number - (index - begin)))
        last = index
    if runs and runs[0][0] > 0:
        runs.insert(0, (0, "r", 1))
    return runs


def numbers(folios: list[str]) -> list[int]:
    """The number each page counts as, printed or not (its place in the
    file where no page prints a folio)."""
    runs = ranges(folios)
    found = []
    for index in range(len(folios)):
        begin, _, number = next((run for run in reversed(runs) if run[0] <= index), (0, "D", 1))
        found.append(number + index - begin)
    return found


def write(pdf, folios: list[str]) -> None:
    """In a finisher: the labels of a document whose pages print ``folios``."""
    runs = ranges(folios)
    if not runs:
        return
    nums = []
    for index, style, number in runs:
        label = pydyf.Dictionary({"S": "/" + style})
        if number != 1:
            label["St"] = number
        nums += [index, label]
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(nums)})


def page_numbers(document) -> dict[str, int]:
    """The page number of every id: the number its page counts as."""
    found: dict[str, int] = {}
    for page, number in zip(document.pages, numbers(folios(document))):
        for name in page.anchors:
            found.setdefault(name, number)
    return found


def folios(document) -> list[str]:
    """The text of each page's folio box (@bottom-center), "" where none is printed."""
    out = []
    for page in document.pages:
        text = ""
        for box in page_box(page).children:
            if getattr(box, "at_keyword", None) == "@bottom-center":
                text = "".join(b.text for b in box.descendants() if hasattr(b, "text")).strip()
        out.append(text)
    return out
