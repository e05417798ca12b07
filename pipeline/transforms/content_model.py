"""HTML's content models in the chapters' trees: what stands where HTML
forbids it (EPUBCheck validates them) loses its tag and keeps its content,
and what a list holds outside its items gets an item of its own. Each
change is a warning naming the file and line.
"""

from __future__ import annotations

from lxml import html as lxml_html

from ..errors import Diagnostics
from ..model import Chapter
from .sanitize import inside_foreign, line_of

PHRASING = set(
    "a abbr b bdi bdo cite code data del dfn em i ins kbd mark q s samp small span strong sub sup time u var".split()
)
FLOW_ONLY = set(
    "address article aside blockquote details dl div figure footer h1 h2 h3 h4 h5 h6 header "
    "hgroup hr main nav ol p pre section table ul".split()
)
PARENTS = {
    "li": {"ul", "ol"},
    "dt": {"dl"},
    "dd": {"dl"},
    "figcaption": {"figure"},
    "summary": {"details"},
    "rt": {"ruby"},
    "rp": {"ruby"},
}


def content_model(chapter: Chapter, text: str, diags: Diagnostics) -> None:
    """Unwrap what HTML's content models forbid where it stands (EPUBCheck
    validates them): a paragraph inside an emphasis, a list item with no list."""
    changed = True
    while changed:
        changed = False
        for el in list(chapter.body.iter()):
            if not isinstance(el.tag, str) or el.getparent() is None or inside_foreign(el):
                continue
            parent = el.getparent().tag
            misplaced = (
                (el.tag in PHRASING and any(c.tag in FLOW_ONLY for c in el))
                or (el.tag in PARENTS and parent not in PARENTS[el.tag])
                or (el.tag in FLOW_ONLY and parent in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "dt"))
            )
            if misplaced:
                diags.warning(
                    f"<{el.tag}> cannot stand inside <{parent}> here; its content was kept without it",
                    chapter.source,
                    line_of(chapter, text, f"<{el.tag}"),
                )
                el.drop_tag()
                changed = True
    for ruby in list(chapter.body.iter("ruby")):
        if ruby.find("rt") is None and not inside_foreign(ruby):  # a ruby needs its annotation
            diags.warning(
                "<ruby> has no <rt> annotation; its content was kept without it",
                chapter.source,
                line_of(chapter, text, "<ruby"),
                hint="give the reading in <rt>...</rt>",
            )
            ruby.drop_tag()
    for container, item in (("ul", "li"), ("ol", "li"), ("dl", "dd")):
        for el in list(chapter.body.iter(container)):
            if _wrap_strays(el, item):
                diags.warning(
                    f"text or elements directly inside <{container}> were put in <{item}>",
                    chapter.source,
                    line_of(chapter, text, f"<{container}"),
                )


def _wrap_strays(container, item: str) -> bool:
    """Give text and stray elements directly in a list an item of their own."""
    allowed = {"li"} if item == "li" else {"dt", "dd", "div"}
    wrapped = False
    if container.text and container.text.strip():
        li = lxml_html.Element(item)
        li.text, container.text = container.text, None
        container.insert(0, li)
        wrapped = True
    for child in list(container):
        if child.tag not in allowed and isinstance(child.tag, str):
            li = lxml_html.Element(item)
            child.addprevious(li)
            li.append(child)
            wrapped = True
        holder = child if child.getparent() is container else child.getparent()
        if holder.tail and holder.tail.strip():
            li = lxml_html.Element(item)
            li.text, holder.tail = holder.tail, None
            holder.addnext(li)
            wrapped = True
    return wrapped
