"""Code lines that wrap show that they continue.

A code block's line longer than the measure wraps; set flush left, its
continuation reads as a new line (in YAML, a new key). Each line of a block
that has such a line is made a block of its own with a hanging indent: its
continuations start a few columns right of where the line's own text
starts. The indent is drawn by the layout (padding and a negative text
indent), so the code's characters, spaces and line ends are unchanged and
copy as they were written. Highlighting spans that run over several lines
are split at the line ends, their attributes kept (an id only on the first
piece).
"""

from __future__ import annotations

from lxml import etree

CLASS = "code-line"
LINES = "code-lines"  # the block holding them
FIRST, LAST = "code-first", "code-last"  # lines kept with the next, with the one before
HANG = 2  # columns a continuation is set right of its line's own text: as YAML continues a scalar; each costs wrapped lines room
MOST = 24  # columns at most from the block's edge, so a deep line keeps a measure
TAB = 8  # CSS's tab-size
# In print, no block with a line this short or shorter wraps: at the code's
# size (8 pt monospace) an A6 page, the smallest named trim, holds about 40
# columns, in a list too. Such a block is left as it is: each line made a
# block costs the typesetter a box.
PRINT_SHORTEST = 32
# Source lines kept with their neighbour at each end of a block: two lines at
# least on either side of a page break, as orphans and widows keep for text.
# Whole lines, which may each be several: more would leave a page short.
PRINT_KEEP = 1


def _columns(line: str) -> int:
    """How far the line's text is indented, in columns."""
    column = 0
    for ch in line:
        if ch == " ":
            column += 1
        elif ch == "\t":
            column += TAB - column % TAB
        else:
            break
    return column


def _segments(el, path: tuple = ()):
    """(text, path of elements from the block down) for every piece of text, in order;
    an element with no text at all is given as an empty piece, so it is kept."""
    if el.text or len(el) == 0:
        yield el.text or "", path
    for child in el:
        if isinstance(child.tag, str):
            yield from _segments(child, (*path, child))
        if child.tail:
            yield child.tail, path


def _lines(container) -> list[list[tuple[str, tuple]]]:
    """The container's pieces split at line ends, each line keeping its "\\n"."""
    lines: list[list[tuple[str, tuple]]] = [[]]
    for text, path in _segments(container):
        parts = text.split("\n")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part or not last or not text:
                lines[-1].append((part if last else part + "\n", path))
            if not last:
                lines.append([])
    if not lines[-1]:
        lines.pop()
    return lines


def _add_text(parent, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _rebuild(container, lines, keep: int) -> None:
    """Refill the container line by line, each line a hanging block; the first
    and last ``keep`` lines marked to stay with their neighbours."""
    for child in list(container):
        container.remove(child)
    container.text = None
    container.set("class", " ".join(filter(None, [container.get("class"), LINES])))
    seen: set[int] = set()
    texts = ["".join(t for t, _ in pieces) for pieces in lines]
    # A blank line shows nothing: ``keep`` counts lines with text.
    shown = [n for n, text in enumerate(texts) if text.strip()]
    head_end = shown[keep] if len(shown) > keep else len(lines) - 1
    tail_start = shown[-keep - 1] if len(shown) > keep else 0
    for number, (pieces, text) in enumerate(zip(lines, texts)):
        indent = min(_columns(text) + HANG, MOST)
        # Only between the block's own lines: on its first line a break-before
        # (on its last a break-after) would hold the whole block to what is around it.
        marks = [FIRST] if number < head_end and number < len(lines) - 1 else []
        marks += [LAST] if number > tail_start and number > 0 else []
        parent = etree.SubElement(container, "span", {"class": " ".join([CLASS, *marks])})
        if indent != HANG and text.strip():  # the sheets' rule sets the common case
            parent.set("style", f"padding-left: {indent}ch; text-indent: -{indent}ch")
        stack: list = []  # (original, its copy) open in this line, outermost first
        for piece, path in pieces:
            while stack and (len(stack) > len(path) or stack[-1][0] is not path[len(stack) - 1]):
                stack.pop()
            while len(stack) < len(path):
                original = path[len(stack)]
                attrs = {k: v for k, v in original.attrib.items() if not (k == "id" and id(original) in seen)}
                seen.add(id(original))
                stack.append((original, etree.SubElement(stack[-1][1] if stack else parent, original.tag, attrs)))
            _add_text(stack[-1][1] if stack else parent, piece)


def hang(body, min_length: int = 0, keep: int = 0) -> None:
    """Give the lines of every code block with a line longer than min_length
    characters a hanging indent. Each line is a block, so a page may break
    between any two: ``keep`` lines at each end stay together (as orphans
    and widows do for lines in one block)."""
    for pre in list(body.iter("pre")):
        codes = [c for c in pre if c.tag == "code"]
        # Pygments puts an empty span before the code: it holds nothing to split.
        others = [c for c in pre if c.tag != "code" and (len(c) or (c.text or "").strip() or (c.tail or "").strip())]
        if others or len(codes) > 1 or (codes and (pre.text or "").strip()):
            continue  # a block of several elements is left as it is
        container = codes[0] if codes else pre
        if any(len(line) > min_length for line in "".join(container.itertext()).split("\n")):
            _rebuild(container, _lines(container), keep)
