"""EPUB content documents: model trees serialised as XHTML 1.1-compatible HTML5."""

from __future__ import annotations

import copy
import html

from lxml import etree

from ..model import Chapter, Publication
from ..pagemarks import chapter_of, place
from ..terms import term
from ..titles import chapter_head
from ..transforms import codelines
from . import semantics

etree.register_namespace("epub", "http://www.idpf.org/2007/ops")
SVG_NS = "http://www.w3.org/2000/svg"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"


def document(
    title: str,
    lang: str,
    body: str,
    stylesheets: list[str],
    body_type: str | None = None,
    body_class: str | None = None,
) -> bytes:
    links = "".join(f'<link rel="stylesheet" type="text/css" href="{href}"/>' for href in stylesheets)
    attrs = f' epub:type="{body_type}"' if body_type else ""
    attrs += f' class="{body_class}"' if body_class else ""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" lang="{lang}" xml:lang="{lang}">\n'
        f'<head>\n<meta charset="UTF-8"/>\n<title>{html.escape(title)}</title>\n{links}\n</head>\n'
        f"<body{attrs}>\n{body}\n</body>\n</html>\n"
    )
    # Parsing proves the document well-formed; re-serialising drops the
    # namespace declarations lxml repeated on each element.
    root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    etree.cleanup_namespaces(root, top_nsmap={"epub": EPUB_NS})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def serialise(el) -> str:
    return etree.tostring(el, method="xml", encoding="unicode", with_tail=False)


def chapter_body(pub: Publication, chapter: Chapter, page_starts: dict[str, str]) -> str:
    """The chapter's tree with EPUB semantics: popup notes, links across files,
    and a page-break marker where each print page begins."""
    body = copy.deepcopy(chapter.body)
    codelines.hang(body)  # a screen's measure is anyone's guess: every line
    own = {p: label for p, label in page_starts.items() if p.startswith("pm-") and chapter_of(p) == chapter.id}
    for span, label in place(body, f"pm-{chapter.id}-", own):
        span.set("id", f"page-{label}")
        span.set("{%s}type" % EPUB_NS, "pagebreak")
        span.set("role", "doc-pagebreak")
        span.set("aria-label", label)
    for a in body.iter("a"):
        href = a.get("href", "")
        if href.startswith("#"):
            target = pub.anchors.get(href[1:])
            if target is not None and target is not chapter:
                a.set("href", f"{target.file_name.removeprefix('text/')}{href}")
        if "noteref" in (a.get("class") or "").split():
            a.set("{%s}type" % EPUB_NS, "noteref")
            a.set("role", "doc-noteref")
        if "backlink" in (a.get("class") or "").split():
            a.set("role", "doc-backlink")
    for note in body.iter("aside"):
        if "footnote" in (note.get("class") or "").split():
            note.set("{%s}type" % EPUB_NS, "footnote")
            note.set("role", "doc-footnote")
            _number(note, note.attrib.pop("data-number", None))
    for section in body.iter("section"):
        if "footnotes" in (section.get("class") or "").split():
            section.set("{%s}type" % EPUB_NS, "footnotes")
            section.set("aria-label", term("notes", chapter.lang))
    for img in body.iter("img"):
        if img.get("src", "").startswith("images/"):
            img.set("src", "../" + img.get("src"))
    for el in body.iter():
        if isinstance(el.tag, str):
            el.attrib.pop("data-level", None)
            if el.get("lang"):  # XHTML wants both (EPUB 3.3 §6.1.3)
                el.set(XML_LANG, el.get("lang"))
    body.tag = "section"
    kind = "part" if chapter.role == "part" else semantics.kind(chapter) or "chapter"
    body.set("{%s}type" % EPUB_NS, kind)
    body.set("role", f"doc-{kind}")
    for foreign, namespace in (("svg", SVG_NS), ("math", MATHML_NS)):
        for el in body.iter(foreign):
            el.set("data-pressroom-ns", namespace)
    parts = [serialise(child) + (html.escape(child.tail or "")) for child in body]
    # SVG and MathML live in their own namespaces in XHTML.
    parts = [p.replace(' data-pressroom-ns="', ' xmlns="') for p in parts]
    head = chapter_head(pub, chapter)
    attrs = " ".join(f'{_qname(k)}="{html.escape(v)}"' for k, v in sorted(body.attrib.items()))
    label = ""
    if chapter.title and not head and not any(h.level == 1 for h in chapter.headings[:1]):
        label = f' aria-label="{html.escape(chapter.title)}"'
    return f"<section {attrs}{label}>\n{head}{html.escape(body.text or '')}{''.join(parts)}\n</section>"


def _number(note, number: str | None) -> None:
    """Print the note's number before its text, as the call shows it: read at
    the chapter's end, a note is otherwise known only by its order."""
    if not number:
        return
    label = etree.Element("span", {"class": "note-number"})
    label.text = f"{number}."
    first = note[0] if len(note) and note[0].tag == "p" and not (note.text or "").strip() else None
    host = first if first is not None else note
    label.tail = " " + (host.text or "").lstrip() if first is not None else " " + (note.text or "")
    host.text = None
    host.insert(0, label)


def _qname(key: str) -> str:
    return key.replace("{%s}" % EPUB_NS, "epub:")
