"""The print document: one HTML file for the whole publication, from the model.

Notes move from the end of their chapter to their call, so WeasyPrint can
float each to the foot of the page it is called on (``float: footnote``).
"""

from __future__ import annotations

import base64
import copy
import html

from lxml import etree
from PIL import Image
from lxml import html as lxml_html

from .. import __version__
from ..model import Chapter, Publication
from ..pagemarks import mark
from ..titles import chapter_head, title_lines


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


def title_page(pub: Publication) -> str:
    return f'<section class="titlepage" id="titlepage">\n{title_lines(pub)}\n</section>'


def contents(pub: Publication) -> str:
    def items(headings, depth):
        if not headings or depth > pub.metadata.toc_depth:
            return ""
        lis = "".join(f'<li><a href="#{h.id}">{html.escape(h.title)}</a>{items(h.children, depth + 1)}</li>'
                      for h in headings)
        return f"<ol>{lis}</ol>"
    return (f'<nav class="toc" id="contents" aria-label="{html.escape(pub.metadata.toc_title)}">'
            f"<h2>{html.escape(pub.metadata.toc_title)}</h2>{items(pub.toc, 1)}</nav>")


def _inline_notes(body) -> None:
    notes = {}
    for section in list(body.find_class("footnotes")):
        for aside in section.iter("aside"):
            notes[aside.get("id")] = aside
        section.drop_tree()
    for ref in list(body.find_class("noteref")):
        note = notes.get((ref.get("href") or "").lstrip("#"))
        if note is None:
            continue
        span = lxml_html.Element("span", {"class": "footnote-body", "id": note.get("id")})
        span.text = note.text
        for child in note:
            if child.tag == "p":
                child.tag = "span"
                child.set("class", "fn-p")
            span.append(child)
        for back in span.find_class("backlink"):
            back.drop_tree()
        sup = ref.getparent()
        anchor = sup if sup is not None and sup.tag == "sup" else ref
        span.tail = anchor.tail
        anchor.getparent().replace(anchor, span)


def _embed(img, asset) -> None:
    """Images go in as data: URLs, so the PDF names them by content, not by
    the folder the project happens to be in. A decorative image becomes a
    background, which the tagged PDF leaves out of the structure."""
    uri = f"data:{asset.media_type};base64,{base64.b64encode(asset.source.read_bytes()).decode()}"
    if img.get("role") != "presentation":
        img.set("src", uri)
        return
    width, height = _size(asset)
    span = lxml_html.Element("span", {"class": "decorative", "style": (
        f"display: inline-block; width: {width}px; height: {height}px; max-width: 100%; "
        f"background: url('{uri}') center / contain no-repeat")})
    span.tail = img.tail
    img.getparent().replace(img, span)


def _size(asset) -> tuple[int, int]:
    if asset.media_type == "image/svg+xml":
        return 96, 96
    with Image.open(asset.source) as im:
        return im.size


def chapter(pub: Publication, ch: Chapter, markers: list[str]) -> str:
    body = copy.deepcopy(ch.body)
    markers += mark(body, f"pm-{ch.id}-")
    _inline_notes(body)
    by_name = {a.name: a for a in pub.assets.values()}
    for img in list(body.iter("img")):
        asset = by_name.get(img.get("src"))
        if asset is not None:
            _embed(img, asset)
    inner = (body.text and html.escape(body.text) or "") + "".join(
        etree.tostring(child, method="html", encoding="unicode") for child in body)
    head_html = chapter_head(pub, ch)
    return f'<article class="chapter" id="{ch.id}">{head_html}{inner}</article>'


def document(pub: Publication) -> tuple[str, list[str]]:
    """The print HTML and the page-position markers in it, in reading order."""
    markers: list[str] = []
    body = [title_page(pub), contents(pub)] + [chapter(pub, ch, markers) for ch in pub.chapters]
    return (f'<!DOCTYPE html>\n<html lang="{pub.metadata.lang}">\n<head>\n{head(pub)}\n</head>\n'
            f"<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"), markers
