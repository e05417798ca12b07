"""Captions written the pandoc and Quarto way, read into the model's captioned
figures (numbered later through the whole publication):

- an image alone in its paragraph with an id ``#fig-...``:
  ``![A map of Mali](map.png){#fig-map}``; its description is the caption;
- a paragraph ``Table: ...`` (or ``: ...``) right after or before a table;
- Pressroom's own ``/// figure-caption`` and ``/// table-caption`` blocks
  after the image or table they caption.
"""

from __future__ import annotations

from copy import deepcopy

from lxml import etree
from lxml import html as lxml_html


def _caption(kind: str, source) -> lxml_html.HtmlElement:
    caption = lxml_html.Element("figcaption")
    p = etree.SubElement(caption, "p")
    prefix = etree.SubElement(p, "span", {"class": "caption-prefix"})
    prefix.text = f"{kind} 0."  # numbered by transforms/figures.py
    if isinstance(source, str):
        prefix.tail = f" {source}"
    else:
        prefix.tail = " " + (source.text or "")
        for child in source:
            p.append(child)
    return caption


def _alone(p) -> bool:
    return not (p.text or "").strip() and len(p) == 1 and not (p[0].tail or "").strip()


def image_figures(tree) -> None:
    for p in list(tree.iter("p")):
        if not _alone(p) or p[0].tag != "img" or not (p[0].get("id") or "").startswith("fig-"):
            continue
        img = p[0]
        figure = lxml_html.Element("figure", {"id": img.attrib.pop("id")})
        figure.tail = p.tail
        p.addprevious(figure)
        figure.append(p)
        p.tail = None
        figure.append(_caption("Figure", img.get("alt") or ""))


def _table_caption(p) -> bool:
    text = (p.text or "").lstrip()
    return text.startswith(("Table:", ": ")) and not text.startswith(":::")


def table_figures(tree) -> None:
    for table in list(tree.iter("table")):
        parent = table.getparent()
        if parent is None or parent.tag == "figure":
            continue
        after, before = table.getnext(), table.getprevious()
        p = (
            after
            if after is not None and after.tag == "p" and _table_caption(after)
            else before
            if before is not None and before.tag == "p" and _table_caption(before)
            else None
        )
        if p is None:
            continue
        words = deepcopy(p)
        text = (words.text or "").lstrip()
        words.text = text.removeprefix("Table:").removeprefix(":").lstrip()
        figure = lxml_html.Element("figure")
        table.addprevious(figure)
        figure.append(table)  # the table's tail goes with it, and stays inside
        figure.append(_caption("Table", words))
        figure.tail, p.tail = p.tail, None
        parent.remove(p)


def caption_blocks(tree) -> None:
    for block in list(tree.find_class("pressroom-caption")):
        kind = block.get("data-kind", "figure")
        captioned = block.getprevious()
        figure = lxml_html.Element("figure")
        if block.get("data-id"):
            figure.set("id", block.get("data-id"))
        figure.tail = block.tail
        block.addprevious(figure)
        if captioned is not None and captioned.tag != "figure" and not (captioned.tail or "").strip():
            captioned.tail = None
            figure.append(captioned)
        caption = _caption(kind.capitalize(), "")
        p = caption[0]
        paragraphs = [c for c in block if c.tag == "p"]
        if len(paragraphs) == len(block) == 1:  # one paragraph: its words follow the prefix
            p[0].tail = " " + (paragraphs[0].text or "")
            for child in paragraphs[0]:
                p.append(child)
        else:
            for child in block:
                caption.append(child)
        figure.append(caption)
        block.getparent().remove(block)


def read_captions(tree) -> None:
    caption_blocks(tree)
    image_figures(tree)
    table_figures(tree)
