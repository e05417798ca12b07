"""The print edition's front matter: half-title, title page, imprint, contents.

A book or a collection opens as books do: half-title (recto), title page
(recto), imprint on its verso, contents (recto). A single article is a
pamphlet: a title page, and on its verso the contents with the imprint at
the foot, so the text starts on the next recto without blank pages.
The title page keeps ``id="titlepage"`` and the contents ``id="contents"``:
the EPUB page-list maps print pages to those ids.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..dates import in_words
from ..model import Publication
from ..terms import term
from ..titles import byline, piece, title_lines
from ..transforms import glyphs

# The font stacks of base.css and print.css, first choice first.
TEXT_FONTS = ("Charis SIL", "DejaVu Serif")
CODE_FONTS = ("DejaVu Sans Mono", "DejaVu Serif", "Charis SIL")
SHOWN_SCHEMES = {"ISBN": "ISBN {}", "ISSN": "ISSN {}", "DOI": "doi:{}"}


def is_pamphlet(pub: Publication) -> bool:
    return pub.metadata.kind == "article"


def half_title(pub: Publication) -> str:
    return f'<section class="halftitle"><p>{html.escape(pub.metadata.title)}</p></section>'


def title_page(pub: Publication, fill: str = "fill") -> str:
    """The title block at the head of the page, the publisher at its foot
    (title_lines gives one element a line)."""
    lines = title_lines(pub).split("\n")
    foot = [line for line in lines if line.startswith('<p class="publisher">')]
    block = [line for line in lines if line not in foot]
    # Without a heading to list, the title is the bookmark: a PDF without one fails the structure check.
    fill += "" if pub.toc else " bookmarked"
    return (
        f'<section class="titlepage {fill}" id="titlepage"><div class="title-block">{"".join(block)}</div>'
        f"{''.join(foot) or '<div></div>'}</section>"
    )


MAX_ENTRIES = 300  # WeasyPrint's time for a contents grows faster than its length


def _count(headings, depth: int) -> int:
    return 0 if depth < 1 else sum(1 + _count(h.children, depth - 1) for h in headings)


def contents_depth(pub: Publication) -> int:
    """The levels the printed contents lists: toc-depth, or fewer when that
    many would make more than MAX_ENTRIES entries (0: none at all). The
    PDF's bookmarks list every heading whatever this is."""
    depth = pub.metadata.toc_depth
    while depth > 0 and _count(pub.toc, depth) > MAX_ENTRIES:
        depth -= 1
    return depth


def contents(pub: Publication) -> str:
    shown = contents_depth(pub)
    if shown == 0:  # too long to set even at its top level: no heading over an empty page
        return ""

    def items(headings, depth):
        if not headings or depth > shown:
            return ""
        lis = "".join(
            f'<li><a href="#{h.id}">{html.escape(h.title)}</a>{items(h.children, depth + 1)}</li>' for h in headings
        )
        return f"<ol>{lis}</ol>"

    title = html.escape(pub.metadata.toc_title)
    entries = pieces(pub, items) if pub.metadata.kind == "collection" else items(pub.toc, 1)
    return f'<nav class="toc" id="contents" aria-label="{title}"><h2>{title}</h2>{entries}</nav>'


def pieces(pub: Publication, items) -> str:
    """A collection's contents: each piece by its title and subtitle, the
    authors and date on a line below, its sections under it."""
    lis = []
    for chapter in pub.chapters:
        sections = [h for h in pub.toc if h.chapter is chapter]
        if not chapter.meta.get("title"):
            lis.append(items(sections, 1)[4:-5])  # a piece without a head: its sections only
            continue
        title, subtitle, authors, date = piece(chapter)
        # Within the link, so that the leader and page number follow the subtitle.
        label = html.escape(title) + (
            f'<span class="toc-subtitle">: {html.escape(subtitle)}</span>' if subtitle else ""
        )
        line = f'<span class="toc-author">{byline(authors, date, chapter.lang)}</span>' if authors or date else ""
        lis.append(f'<li><a href="#{chapter.id}">{label}</a>{line}{items(sections, 2)}</li>')
    return f"<ol>{''.join(lis)}</ol>"


def fonts_used(pub: Publication, project: Path) -> list[tuple[str, str]]:
    """(family, licence) of each committed font the text needs, in stack order."""
    known = glyphs.families(project)
    text, code = set(pub.metadata.title), set()
    for chapter in pub.chapters:
        for run, in_code in glyphs.runs_of(chapter.body):
            (code if in_code else text).update(run)
    needed = {TEXT_FONTS[0]} & set(known)
    for chars, stack in ((text, TEXT_FONTS), (code, CODE_FONTS)):
        for char in chars:
            if char.isspace() or glyphs.ignorable(char):
                continue
            needed.update(next(([f] for f in stack if f in known and ord(char) in known[f][0]), []))
    order = TEXT_FONTS + CODE_FONTS
    return [(family, known[family][2]) for family in sorted(needed, key=order.index)]


def imprint(pub: Publication, project: Path) -> str:
    """The copyright page: rights, publisher and date, identifier, fonts."""
    m = pub.metadata
    lines = []
    if m.rights:
        lines.append(f'<p class="rights">{html.escape(m.rights)}</p>')
    published = " \u00b7 ".join(html.escape(x) for x in (m.publisher, m.date and in_words(m.date, m.lang)) if x)
    if published:
        lines.append(f"<p>{published}</p>")
    # Each edition's own ISBN with the edition it names.
    shown = [
        SHOWN_SCHEMES[i.scheme.upper()].format(i.text)
        + (f" ({term('edition ' + i.format, m.lang)})" if i.format else "")
        for i in m.identifiers
        if i.scheme and i.scheme.upper() in SHOWN_SCHEMES
    ]
    lines += [f'<p class="identifier">{html.escape(s)}</p>' for s in shown]
    fonts = [f"{html.escape(family)} \u2014 {html.escape(licence)}" for family, licence in fonts_used(pub, project)]
    if fonts:
        lines.append('<p class="fonts">' + "<br>".join(fonts) + "</p>")
    return f'<section class="imprint" aria-label="Imprint">{"".join(lines)}</section>'


def front_matter(pub: Publication, project: Path, flowing: bool = False) -> list[str]:
    """flowing: the title page and the verso as flex columns, their foot in
    the flow (for when the flow would run into it at the page's foot)."""
    fill = "fill flowing" if flowing else "fill"
    if is_pamphlet(pub):
        return [
            title_page(pub, fill),
            f'<div class="verso {fill} with-contents">{contents(pub)}{imprint(pub, project)}</div>',
        ]
    return [
        half_title(pub),
        title_page(pub, fill),
        f'<div class="verso {fill}">{imprint(pub, project)}</div>',
        contents(pub),
    ]
