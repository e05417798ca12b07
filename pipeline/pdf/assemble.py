"""The print document: one HTML file for the whole publication, from the model.

Notes move from the end of their chapter to their call, so WeasyPrint can
float each to the foot of the page it is called on (``float: footnote``).
The first chapter has a page name of its own (``first-chapter``): the page
counter restarts at 1 on its first page in an ``@page`` rule, since a
``counter-reset: page`` on an element breaks ``target-counter()`` (#2114).
"""

from __future__ import annotations

import base64
import copy
import html
from pathlib import Path

from lxml import etree
from PIL import Image
from lxml import html as lxml_html

from ..version import __version__
from ..model import Chapter, Publication
from ..pagemarks import stamp
from ..terms import term
from . import captions, crossrefs, plaincode
from .mathsvg import replace_math
from ..titles import chapter_head
from ..transforms import codelines, glyphs
from .frontmatter import front_matter


def _meta(name: str, value: str) -> str:
    return f'<meta name="{name}" content="{html.escape(value)}">'


def head(pub: Publication) -> str:
    m = pub.metadata
    parts = ['<meta charset="utf-8">', f"<title>{html.escape(m.title)}</title>"]
    parts += [_meta("author", name) for name in m.authors]
    if m.description:
        parts.append(_meta("description", m.description))
    if m.subjects:
        parts.append(_meta("keywords", ", ".join(s.replace(",", " ") for s in m.subjects)))
    parts.append(_meta("generator", f"Pressroom {__version__}"))
    parts.append(_meta("dcterms.created", pub.modified))
    parts.append(_meta("dcterms.modified", pub.modified))
    return "\n".join(parts)


def _inline_notes(body, lang: str | None = None) -> None:
    """Each note's body in place of its call. ``lang``: the chapter's, when
    not the publication's; the note says it too, since in the tagged PDF it
    leaves the chapter for the foot of the page."""
    asides = {}
    for section in list(body.find_class("footnotes")):
        for aside in section.iter("aside"):
            asides[aside.get("id")] = aside
        section.drop_tree()
    placed: dict[str, int] = {}  # the number WeasyPrint gives each note set here, in order
    for ref in list(body.find_class("noteref")):
        name = (ref.get("href") or "").lstrip("#")
        note = asides.get(name)
        if note is None:
            continue
        if name in placed:
            # A note called again is set once, at its first call; a later
            # call shows its number (a copy would be another note, numbered on).
            ref.text = str(placed[name])
            continue
        placed[name] = len(placed) + 1
        span = lxml_html.Element("span", {"class": "footnote-body", "id": note.get("id")})
        if lang:
            span.set("lang", lang)
        span.text = note.text
        for child in note:
            if child.tag == "p":
                child.tag = "span"
                child.set("class", "fn-p")
            span.append(child)
        for back in span.find_class("backlink"):
            # The no-break space before the backlink goes with it: left at the
            # end of a justified note, it makes WeasyPrint 70 break the note's
            # first line after a word or two.
            previous = back.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "").rstrip(" \u00a0\n") or None
            else:
                back.getparent().text = (back.getparent().text or "").rstrip(" \u00a0\n") or None
            back.drop_tree()
        # Line ends from the source are plain spaces in a note: WeasyPrint 70
        # keeps them as breaks inside a footnote float.
        for el in span.iter():
            if el.tag != "pre" and not any(a.tag == "pre" for a in el.iterancestors()):
                if el.text:
                    el.text = el.text.replace("\n", " ")
                if el.tail and el is not span:
                    el.tail = el.tail.replace("\n", " ")
        # Whitespace between the marker and the first paragraph lets
        # WeasyPrint 70 put the number on a line of its own.
        if span.text is not None and not span.text.strip():
            span.text = None
        for child in span:
            if child.tail is not None and not child.tail.strip():
                child.tail = None
        if len(span) and span.text is None and span[0].text:
            span[0].text = span[0].text.lstrip()
        _blocks_as_spans(span)
        sup = ref.getparent()
        anchor = sup if sup is not None and sup.tag == "sup" else ref
        span.tail = anchor.tail
        anchor.getparent().replace(anchor, span)


# Elements that would close the paragraph around a note's call when the
# print HTML is parsed again; in a note they become spans that print.css
# sets as the blocks they were (.fn-ul, .fn-li, .fn-pre...).
_NOTE_BLOCKS = {
    "ul",
    "ol",
    "li",
    "pre",
    "blockquote",
    "div",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "aside",
    "hr",
    "details",
    "summary",
    "address",
}


def _blocks_as_spans(note) -> None:
    for el in note.iter():
        if el is not note and el.tag in _NOTE_BLOCKS:
            el.set("class", f"fn-{el.tag} {el.get('class') or ''}".strip())
            el.tag = "span"


def _embed(img, asset) -> None:
    """Images go in as data: URLs, so the PDF names them by content, not by
    the folder the project happens to be in. A decorative image becomes a
    background, which the tagged PDF leaves out of the structure."""
    uri = f"data:{asset.media_type};base64,{base64.b64encode(asset.content()).decode()}"
    if img.get("role") != "presentation":
        img.set("src", uri)
        img.set("data-asset", asset.name)  # which image, for the resolution check (render.py)
        return
    width, height = _size(asset)
    span = lxml_html.Element(
        "span",
        {
            "class": "decorative",
            "style": (
                f"display: inline-block; width: {width}px; height: {height}px; max-width: 100%; "
                f"background: url('{uri}') center / contain no-repeat"
            ),
        },
    )
    span.tail = img.tail
    img.getparent().replace(img, span)


def _size(asset) -> tuple[int, int]:
    if asset.media_type == "image/svg+xml":
        return 96, 96
    with Image.open(asset.source) as im:
        return im.size


def _mark_image_paragraphs(body) -> None:
    """A paragraph holding only an image is set as a display, centred."""
    for p in body.iter("p"):
        children = list(p)
        if (
            len(children) == 1
            and children[0].tag == "img"
            and not (p.text or "").strip()
            and not (children[0].tail or "").strip()
        ):
            p.set("class", " ".join(filter(None, [p.get("class"), "image"])))


WIDE, VERY_WIDE = 6, 10  # columns from which a table is set in smaller type (print.css)
# A token this long cannot share a line's width with other columns whole: its
# table's cells may break anywhere (print.css). Only there: elsewhere words
# stay whole and columns are sized to them.
LONG_TOKEN = 24


def _mark_wide_tables(body) -> None:
    for table in body.iter("table"):
        columns = max(
            (
                sum(
                    int(c.get("colspan") or 1) if (c.get("colspan") or "1").isdigit() else 1
                    for c in row
                    if c.tag in ("td", "th")
                )
                for row in table.iter("tr")
            ),
            default=0,
        )
        marks = ["very-wide" if columns > VERY_WIDE else "wide"] if columns > WIDE else []
        if any(len(token) > LONG_TOKEN for token in " ".join(table.itertext()).split()):
            marks.append("long-tokens")
        if marks:
            table.set("class", " ".join(filter(None, [table.get("class"), *marks])))


def chapter(
    pub: Publication,
    ch: Chapter,
    first: bool = False,
    nested: tuple = (),
    undrawn: list | None = None,
    styled: frozenset[str] | None = None,
) -> str:
    """A chapter's article; ``nested``: the files that continue it (an
    mdBook chapter's sections), set inside it as sections, so that they open
    no new page. ``undrawn`` gets (chapter, TeX, why) for each formula that
    could not be drawn; ``styled``: the classes the print sheets name (plaincode.py)."""
    sections = "".join(
        f'<section class="continued" id="{c.id}"{_lang(c, ch.lang)}>{"".join(_content(pub, c, undrawn, styled))}</section>'
        for c in nested
    )
    head_html, inner = _content(pub, ch, undrawn, styled)
    classes = ("chapter first-chapter" if first else "chapter") + (" part" if ch.role == "part" else "")
    return (
        f'<article class="{classes}" id="{ch.id}"{_lang(ch, pub.metadata.lang)}>{head_html}{inner}{sections}</article>'
    )


def _lang(ch: Chapter, around: str) -> str:
    """A chapter's language, when it is not the one around it: WeasyPrint
    hyphenates by it, and the tagged PDF says it (engine/structlang.py)."""
    return f' lang="{html.escape(ch.lang)}"' if ch.lang != around else ""


def _content(pub: Publication, ch: Chapter, undrawn: list | None = None, styled=None) -> tuple[str, str]:
    """The chapter's head and its body, as print HTML."""
    body = copy.deepcopy(ch.body)
    if styled is not None:
        plaincode.plain(body, styled)
    codelines.hang(body, codelines.PRINT_SHORTEST, codelines.PRINT_KEEP)
    glyphs.printable(body, ch)
    stamp(body, f"pm-{ch.id}-")
    for tex, why in replace_math(body):
        if undrawn is not None:
            undrawn.append((ch, tex, why))
    _inline_notes(body, ch.lang if ch.lang != pub.metadata.lang else None)
    _mark_image_paragraphs(body)
    _mark_wide_tables(body)
    captions.keep_last_words(body)
    crossrefs.mark(body, pub.anchors, term("page", ch.lang))
    by_name = {a.name: a for a in pub.assets.values()}
    for img in list(body.iter("img")):
        asset = by_name.get(img.get("src"))
        if asset is not None:
            _embed(img, asset)
    inner = (body.text and html.escape(body.text) or "") + "".join(
        etree.tostring(child, method="html", encoding="unicode") for child in body
    )
    return glyphs.printable_text(chapter_head(pub, ch), pub), inner


def groups(pub: Publication) -> list[list[Chapter]]:
    """The chapters as the print edition sets them: each with the files nested in it."""
    found: list[list[Chapter]] = []
    for ch in pub.chapters:
        if ch.place.continues and found:
            found[-1].append(ch)
        else:
            found.append([ch])
    return found


def wrap(pub: Publication, body: list[str], head_html: str | None = None) -> str:
    """The print HTML around the body's pieces; its head, by default the publication's metadata."""
    return (
        f'<!DOCTYPE html>\n<html lang="{pub.metadata.lang}">\n<head>\n{head(pub) if head_html is None else head_html}\n</head>\n'
        f'<body class="{pub.metadata.kind}">\n' + "\n".join(body) + "\n</body>\n</html>\n"
    )


def front(pub: Publication, project: Path, flowing: bool = False) -> list[str]:
    return [glyphs.printable_text(part, pub) for part in front_matter(pub, project, flowing)]


def document(pub: Publication, project: Path, flowing: bool = False, undrawn: list | None = None, styled=None) -> str:
    """The print HTML (flowing: see front_matter; undrawn, styled: see chapter)."""
    body = front(pub, project, flowing)
    body += [
        chapter(pub, group[0], first=i == 0, nested=tuple(group[1:]), undrawn=undrawn, styled=styled)
        for i, group in enumerate(groups(pub))
    ]
    return wrap(pub, body)
