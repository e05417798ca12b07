"""Captions that end on no runt.

A centred caption's last line is its shape's foot: one short word alone
there (a runt) looks like a mistake. The print HTML keeps a caption's last
two words together (a span that does not wrap, print.css), so the line
before gives up its last word instead. Only when both words are short
enough to share any line: a long pair would rather run over the measure.
The words' characters are unchanged (no no-break space to copy).
"""

from __future__ import annotations

import re

from lxml import etree

CLASS = "caption-end"
SHORT = 10  # characters: a last word this short alone on a line is a runt
PAIR = 24  # characters at most of the two words kept together
_LAST_TWO = re.compile(r"(\S+)(\s+)(\S+)(\s*)$")
_INLINE = {
    "a",
    "abbr",
    "b",
    "cite",
    "code",
    "em",
    "i",
    "kbd",
    "q",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "var",
}


def _pieces(caption):
    """Each piece of the caption's text in reading order: (element, "text" or "tail")."""

    def walk(el):
        if el.text:
            yield el, "text"
        for child in el:
            if isinstance(child.tag, str):
                yield from walk(child)
            if child.tail:
                yield child, "tail"

    yield from walk(caption)


def _keep_together(caption) -> None:
    pieces = [(el, where) for el, where in _pieces(caption) if (getattr(el, where) or "").strip()]
    if not pieces:
        return
    el, where = pieces[-1]
    text = getattr(el, where)
    span = etree.Element("span", {"class": CLASS})
    two = _LAST_TWO.search(text)
    if two and len(two.group(3)) <= SHORT and len(two.group(1)) + 1 + len(two.group(3)) <= PAIR:
        setattr(el, where, text[: two.start()])
        span.text, span.tail = two.group(1) + two.group(2) + two.group(3), two.group(4)
        if where == "text":
            el.insert(0, span)
        else:
            el.addnext(span)
        return
    # The last word follows or is an inline element (code, emphasis): the element goes into the span.
    inline = el if where == "tail" or (len(el) == 0 and el is not caption) else None
    if inline is None or inline.tag not in _INLINE or inline.getparent() is None:
        return
    after = inline.tail or ""
    if after.strip() and not after[0].isspace() and re.search(r"\s", after.strip()):
        return  # more than a word after it: case above
    inner = "".join(inline.itertext())
    lead = ""
    if after[:1].isspace() and after.strip():  # "<code>x</code> word": the element is the first of the two
        if len(after.split()[0]) > SHORT:
            return
    elif not re.search(r"\s", inner.strip()):  # "is <em>slug</em>.": the word before joins it
        previous = inline.getprevious()
        before = (previous.tail if previous is not None else inline.getparent().text) or ""
        word = re.search(r"(\S+)(\s+)$", before)
        if word is None:
            return
        lead = word.group(0)
        if previous is not None:
            previous.tail = before[: word.start()]
        else:
            inline.getparent().text = before[: word.start()]
    if len(lead) + len(inner) + len(after.strip()) > PAIR:
        if lead:  # put the word back
            if inline.getprevious() is not None:
                inline.getprevious().tail = (inline.getprevious().tail or "") + lead
            else:
                inline.getparent().text = (inline.getparent().text or "") + lead
        return
    trailing = after[len(after.rstrip()) :]
    inline.tail = after.rstrip() or None
    inline.addprevious(span)
    span.text = lead or None
    span.append(inline)  # moves the element, its tail with it
    span.tail = trailing or None


def keep_last_words(body) -> None:
    """Keep each caption's last two words on one line (figure captions; a quotation's attribution too)."""
    for caption in body.iter("figcaption"):
        _keep_together(caption)
