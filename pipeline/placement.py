"""Where a file sits in the book, as the manifest or a layout's own contents say.

The loading stage gives each source file one; the reading stage copies it
onto the chapter as typed fields, so a chapter's own front matter
(``chapter.meta``) holds only what its author wrote.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    role: str = "body"  # front, body or back matter; "part" for a part-title page
    offset: int = 0  # how many levels of parts (or of a layout's nesting) it sits under
    part: str | None = None  # a part-title page's title; its file is the contents that name it
    label: str | None = None  # the title the layout's contents give it
    continues: int = 0  # mdBook: a section of the chapter above it, this many levels down (0: none)
    line: int | None = None  # the line of the contents that names a part
