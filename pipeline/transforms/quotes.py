"""Block quotes with an attribution: a last paragraph that opens with a dash
("--- Rosa Luxemburg, *Reform or Revolution*") becomes the quote's caption."""

from __future__ import annotations

from lxml import html as lxml_html

from ..model import Chapter

DASHES = ("\u2014", "\u2015", "\u2013")


def attribute(chapter: Chapter) -> None:
    for quote in list(chapter.body.iter("blockquote")):
        paragraphs = [c for c in quote if c.tag == "p"]
        if len(paragraphs) < 2 or paragraphs[-1] is not quote[-1]:
            continue
        last = paragraphs[-1]
        if not (last.text or "").lstrip().startswith(DASHES):
            continue
        figure = lxml_html.Element("figure", {"class": "quote"})
        caption = lxml_html.Element("figcaption", {"class": "attribution"})
        quote.addprevious(figure)
        figure.tail, quote.tail = quote.tail, None
        figure.append(quote)
        last.tag = "span"
        caption.append(last)
        figure.append(caption)
