"""Engine piece 'page boxes': the laid-out boxes of a page.

After ``HTML.render()``, WeasyPrint's public ``Page`` gives a page's size,
anchors, links and bookmarks, but not what stands on it. Pressroom reads the
page's box tree (``Page._page_box`` and the classes of
``weasyprint.formatting_structure.boxes``) to learn where each page's text
begins (positions.py), whether a note was set on the page of its call
(notes.py), what runs past the text area (overflow.py), whether the front
matter's flow reaches its foot (pagefoot.py), each page's folio and the
resolution images print at (render.py).

Of each box, those modules read: ``element``, ``element_tag``, ``children``
(parent boxes), ``descendants()``, ``style`` (a mapping of computed values),
``position_x``, ``position_y``, ``width``, ``height``, ``margin_width()``,
``margin_height()``, ``text`` (text boxes), ``footnote`` (note calls),
``at_keyword`` (margin boxes), ``replacement`` (images, with ``width`` and
``ratio``), ``is_header``/``is_footer`` (table row groups) and, of the page
box, ``content_box_x()`` and ``content_box_y()``.

Upstream: the public ``Page`` could expose its laid-out box tree read-only
(a documented ``Page.boxes`` or ``Page.walk()`` with box kinds, positions,
sizes, the element and pseudo-element of each box, and its text), so that
tools checking a layout need not read a private attribute.
"""

from __future__ import annotations

from weasyprint.formatting_structure.boxes import (
    BlockContainerBox,
    BlockLevelBox,
    FootnoteAreaBox,
    LineBox,
    MarginBox,
    ParentBox,
    ReplacedBox,
    TextBox,
)

PIECE = "page boxes"
# The box kinds the other modules test for, and the functions that reach the boxes.
__all__ = [
    "BlockContainerBox",
    "BlockLevelBox",
    "FootnoteAreaBox",
    "LineBox",
    "MarginBox",
    "ParentBox",
    "ReplacedBox",
    "TextBox",
    "in_flow",
    "page_box",
    "walk",
]
# What the modules outside the engine read of a box (see the docstring).
BOX_ATTRIBUTES = ("element", "element_tag", "style", "position_x", "position_y", "width", "height")
BOX_METHODS = ("descendants", "margin_width", "margin_height")


def page_box(page):
    """The root of a laid-out page's boxes: the page box, its margin boxes
    and footnote area among its children."""
    return page._page_box


def walk(box, ancestors=()):
    """(box, its ancestors) for the box and every box inside it, in order."""
    yield box, ancestors
    if isinstance(box, ParentBox):
        for child in box.children:
            yield from walk(child, ancestors + (box,))


def in_flow(box):
    """The boxes of a page box in the flow of the text (no margin boxes, no
    notes), with their ancestors."""
    for child in box.children:
        if not isinstance(child, (MarginBox, FootnoteAreaBox)):
            yield from walk(child)
