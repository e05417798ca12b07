"""Highlighted code with no more boxes than it shows.

Pygments wraps every token of highlighted code in a span with a class, and
WeasyPrint lays each span out as a box of its own: on a code-heavy book
most of the print edition's time and memory goes there. Most of those
spans draw nothing of their own (names and punctuation have no rule in the
house highlighting), and neighbours often share a class. In the print
document, a span whose classes no print sheet names gives its text to its
parent, and neighbouring spans of the same class become one: the page
shows the same text in the same styles. The EPUB keeps every span.
"""

from __future__ import annotations

import re

_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def styled(sheets) -> frozenset[str]:
    """Every class a print sheet names (``(CSS text, base URL)`` pairs)."""
    return frozenset(name for text, _ in sheets for name in _CLASS.findall(text))


def _bare(span) -> bool:
    return span.tag == "span" and set(span.attrib) <= {"class"}


def plain(body, styled: frozenset[str]) -> None:
    """Unwrap the code spans no sheet styles, and join neighbours of one class."""
    for pre in list(body.iter("pre")):
        for span in list(pre.iter("span")):
            if _bare(span) and not styled.intersection((span.get("class") or "").split()):
                span.drop_tag()
        for parent in list(pre.iter()):
            previous = None
            for child in list(parent):
                if (
                    previous is not None
                    and not previous.tail
                    and len(previous) == 0
                    and len(child) == 0
                    and _bare(previous)
                    and _bare(child)
                    and previous.get("class") == child.get("class")
                ):
                    previous.text = (previous.text or "") + (child.text or "")
                    previous.tail = child.tail
                    parent.remove(child)
                else:
                    previous = child
