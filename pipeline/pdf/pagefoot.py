"""Whether the flow of a display page runs into what stands at its foot.

The publisher on the title page and the imprint on its verso are placed
against the foot of the page area, out of the flow (print.css). A long
title block or a long contents can reach down to them; then the front
matter is set again as flex columns, which keep them apart (frontmatter.py).
"""

from __future__ import annotations

from .engine import boxes
from .engine.boxes import in_flow

FEET = ("publisher", "imprint")
FRONT_PAGE_COUNT = 4  # half-title, its verso, title page, imprint: the pages these stand on


def _is_foot(box) -> bool:
    return (
        box.element is not None
        and box.style["position"] == "absolute"
        and bool(set((box.element.get("class") or "").split()) & set(FEET))
    )


def runs_into_foot(document) -> bool:
    """True when, on a front-matter page, a line of the flow ends below the
    top of the foot placed there (or the foot stands on a page the flow fills)."""
    for page in document.pages[:FRONT_PAGE_COUNT]:
        feet, bottom = [], None
        for box, ancestors in in_flow(boxes.page_box(page)):
            if _is_foot(box):
                feet.append(box)
                continue
            if any(a in feet for a in ancestors):
                continue
            if isinstance(box, boxes.LineBox):
                end = box.position_y + box.height
                bottom = end if bottom is None else max(bottom, end)
        if feet and bottom is not None and bottom > min(f.position_y for f in feet):
            return True
    return False
