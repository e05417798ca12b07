"""Notes: Python-Markdown's endnote list becomes one note element per call.

The model keeps each note as ``<aside class="footnote" id=...>`` at the end of
its chapter and each call as ``<a class="noteref" href="#...">``; the EPUB
writer marks them up as popup notes, the print writer moves each body to its
call so it floats to the foot of that page.
"""

from __future__ import annotations

from lxml import html as lxml_html

from ..model import Chapter
from ..terms import term


def restructure(chapter: Chapter) -> None:
    body = chapter.body
    for block in body.find_class("footnote"):
        if block.tag != "div":
            continue
        notes = lxml_html.Element("section", {"class": "footnotes"})
        number = 0
        for li in block.iterfind("ol/li"):  # the notes; a list inside a note stays its content
            number += 1
            note = lxml_html.Element("aside", {"class": "footnote", "id": li.get("id", "")})
            note.set("data-number", str(number))
            for back in li.find_class("footnote-backref"):
                back.set("class", "backlink")
                back.attrib.pop("title", None)
                back.set("aria-label", term("back to note", chapter.lang, str(number)))
            note.text = li.text
            for child in li:
                note.append(child)
            notes.append(note)
        block.getparent().replace(block, notes)
    for ref in body.find_class("footnote-ref"):
        sup = ref.getparent()
        ref.set("class", "noteref")
        if sup is not None and sup.tag == "sup" and sup.get("id"):
            # The call's id moves to the link so the backlink lands on it.
            ref.set("id", sup.get("id"))
            sup.attrib.pop("id")
