"""The document model in the middle: every writer consumes the same Publication.

Chapter bodies are HTML element trees (lxml, un-namespaced); writers
serialise them as XHTML (EPUB) or HTML (print).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

from .metadata import Metadata
from .placement import Placement


@dataclass
class Heading:
    level: int  # 1 = top level of the publication's contents
    id: str
    title: str  # plain text
    chapter: Chapter
    children: list[Heading] = field(default_factory=list)

    @property
    def href(self) -> str:
        return f"{self.chapter.file_name}#{self.id}"


@dataclass
class Chapter:
    id: str  # unique in the publication, usable as an XML id and file stem
    source: Path
    body: lxml_html.HtmlElement  # a <div> holding the chapter's content
    title: str | None = None  # from its first heading or front matter
    headings: list[Heading] = field(default_factory=list)  # flat, in reading order
    meta: dict = field(default_factory=dict)  # its own front matter, as written (a collection piece's metadata)
    line_of: dict = field(default_factory=dict)  # element id -> source line, for messages
    lang: str = "en"  # the language it is written in: its own valid 'lang', else the publication's
    first_line: int = 1  # the line of its source file its text starts on
    # Where it sits in the book: its role (front, body, back or part), levels
    # of parts above it, the title a part page or a layout's contents give
    # it, and whether it continues the chapter above it (mdBook's nested files).
    place: Placement = field(default_factory=Placement)
    # Characters of its text and of its code that no committed font has, and
    # the character the print edition shows instead (glyphs.py); None: none.
    unprinted: tuple[frozenset, frozenset, str] | None = None

    @property
    def role(self) -> str:
        return self.place.role

    @property
    def file_name(self) -> str:
        return f"text/{self.id}.xhtml"


@dataclass
class Asset:
    """An image or other file a chapter refers to, copied into the editions."""

    source: Path
    name: str  # path inside the edition, e.g. images/map.png
    media_type: str
    first_use: tuple[Path, int | None, str] | None = None  # (Markdown file, line, src as written)
    cleaned: bytes | None = None  # what the editions carry instead of the file (an SVG's drawing alone)

    def content(self) -> bytes:
        return self.cleaned if self.cleaned is not None else self.source.read_bytes()


@dataclass
class Publication:
    slug: str
    folder: Path
    metadata: Metadata
    chapters: list[Chapter]
    toc: list[Heading] = field(default_factory=list)  # nested heading tree
    assets: dict[Path, Asset] = field(default_factory=dict)
    modified: str = ""  # ISO 8601 UTC timestamp, reproducible (see dates.py)
    sources: list[Path] = field(default_factory=list)
    anchors: dict[str, Chapter] = field(default_factory=dict)  # id -> chapter holding it
    # The folder an mdBook's or MkDocs' site is made from (src/, docs/): a
    # relative link that leaves it leaves the book. None: the publication's folder.
    site_root: Path | None = None
    # Characters of the printed metadata and pieces' heads that no text font
    # has, and the character the print edition shows instead (glyphs.py).
    unprinted: tuple[frozenset, str] = (frozenset(), "")
    # Files the bag holds besides those the editions are made from (archive: {extra: [...]}).
    extras: list[Path] = field(default_factory=list)
