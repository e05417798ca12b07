"""What the print edition did not fit: after layout, every line, word and
image of the text is compared with its page's content area; what reaches
past its side (or below the page) would be cut off or print into the margin,
so it is reported, with the block it is in, for a located warning.

Reads the laid-out boxes through the engine (engine/boxes.py).
"""

from __future__ import annotations

from ..pagemarks import ATTRIBUTE
from .engine import boxes
from .engine.boxes import in_flow

TOLERANCE = 2  # CSS px: rounding, a hanging punctuation mark


def overflowing(document) -> list[tuple[str | None, str, int]]:
    """(the stamped block's id or None, the words that do not fit, page number),
    one per block, in page order."""
    found: dict = {}
    for number, page in enumerate(document.pages, 1):
        box = boxes.page_box(page)
        left, top = box.content_box_x(), box.content_box_y()
        right, bottom = left + box.width, top + box.height
        for child, ancestors in in_flow(box):
            if not isinstance(child, (boxes.TextBox, boxes.ReplacedBox)) or _clipped(ancestors):
                continue
            x, y = child.position_x, child.position_y
            width, height = child.margin_width(), child.margin_height()
            if isinstance(child, boxes.TextBox):
                # Spaces at the end of a line hang past it (white-space: pre-wrap) and print nothing.
                ink = len(child.text.rstrip())
                width = width * ink / len(child.text) if child.text else 0
            if x + width <= right + TOLERANCE and x >= left - TOLERANCE and y + height <= bottom + TOLERANCE:
                continue
            block = next(
                (
                    a.element.get(ATTRIBUTE)
                    for a in reversed(ancestors)
                    if a.element is not None and a.element.get(ATTRIBUTE)
                ),
                None,
            )
            what = child.text if isinstance(child, boxes.TextBox) else "an image"
            # A table too wide is one problem, however many of its cells stick out.
            table = next((a.element for a in ancestors if a.element_tag == "table"), None)
            key = table if table is not None else block or (number, what)
            if key not in found:
                found[key] = (block, " ".join(what.split())[:60], number)
    return list(found.values())


def _clipped(ancestors) -> bool:
    """Inside a box that hides what overflows it on purpose."""
    return any(getattr(a, "style", None) is not None and a.style["overflow"] == "hidden" for a in ancestors)
