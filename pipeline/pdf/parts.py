"""A book set in parts: each chapter laid out on its own, all at once, then joined.

Every chapter opens on a recto, so the page breaks between chapters do not
depend on the text around them: each chapter (with the files nested in it)
is a part, laid out as a document of its own, in as many worker processes
as the build has (``spread``), and join.py puts the parts' PDFs together
behind the front matter, which is set last, when the contents' page numbers
are known.

- A part's folios continue the book's: it learns on which page it starts
  once its own pages are made and the parts before it have given their page
  counts (``Counts``; engine/folios.py), so no part waits to begin.
- A part ends with an empty chapter, dropped when joined: it makes the blank
  verso a chapter ending on a recto needs, as the whole book would.
- Links between parts go out as links to a reserved address (``ELSEWHERE``)
  that join.py turns back into links to the named destination.
- Page numbers printed in the text (the contents, a reference with
  ``{.page}``) are given in the HTML (``data-page``): they come from the
  laid-out parts, and a part whose numbers turn out wrong is set again.
- A part's layout is kept (partcache.py): when one chapter changes, only
  it, and the parts whose first page it moves, are laid out again.
"""

from __future__ import annotations

import contextlib
import html as html_text
from urllib.parse import quote, unquote

from lxml import etree
from lxml import html as lxml_html

from ..errors import Diagnostics
from ..model import Publication
from . import assemble, join, mathsvg, pagelabels, plaincode, typeset
from .part import Counts, Done, Job, lay_out, pages_before
from .frontmatter import title_page

ELSEWHERE = join.ELSEWHERE
ROUNDS = 3  # layouts of a part whose printed page references were wrong, at most


def splits(pub: Publication) -> bool:
    return len(assemble.groups(pub)) >= 2


def localise(fragment: str, here: set[str], numbers: dict[str, int]) -> str:
    """A part's HTML piece with links out of the part sent to ``ELSEWHERE``
    and printed page references given their number."""
    tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for a in tree.iter("a"):
        href = a.get("href") or ""
        if not href.startswith("#"):
            continue
        target = href[1:]
        classes = (a.get("class") or "").split()
        if "page-ref" in classes or a.getparent() is not None and _in_contents(a):
            a.set("data-page", str(numbers.get(target, 0)))
        if target not in here:
            a.set("href", ELSEWHERE + quote(target, safe=""))
    return "".join(etree.tostring(child, method="html", encoding="unicode") for child in tree)


def _in_contents(a) -> bool:
    return any(el.tag == "nav" and "toc" in (el.get("class") or "").split() for el in a.iterancestors())


def _ids(fragment: str) -> set[str]:
    tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    return {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}


def _head(pub: Publication) -> str:
    """A part's head: its title, and the running head's title (print.css sets
    it from the title page, which a part has not)."""
    page = lxml_html.fragment_fromstring(title_page(pub), create_parent="div")
    heading = page.find(".//h1")
    text = " ".join((heading.text_content() if heading is not None else pub.metadata.title).split())
    # No dates or other metadata: the book's come with the front matter, and
    # a part's HTML is the key of its kept layout.
    return (
        f'<meta charset="utf-8"><title>{html_text.escape(pub.metadata.title)}</title>'
        f'<style>body {{ string-set: publication "{_css_string(text)}"; }}</style>'
    )


def _css_string(text: str) -> str:
    """Text inside a CSS string in a style element: no quote, backslash, "<" or
    control character is left as it is (a style element's text is not HTML)."""
    return "".join(ch if ch.isprintable() and ch not in '\\"<>&' else f"\\{ord(ch):x} " for ch in text)


def _end(first: bool) -> str:
    """The empty chapter after a part, whose page is dropped."""
    return f'<article class="chapter{" first-chapter" if first else ""}" data-part-end=""></article>'


class Book:
    """The parts of one publication and how they were laid out."""

    def __init__(self, pub: Publication, how: typeset.Setting):
        self.pub, self.how = pub, how
        self.undrawn: list = []
        styled = plaincode.styled(how.sheets)
        self.bodies = [
            assemble.chapter(pub, g[0], first=i == 0, nested=tuple(g[1:]), undrawn=self.undrawn, styled=styled)
            for i, g in enumerate(assemble.groups(pub))
        ]
        self.ids = [_ids(body) for body in self.bodies]
        self.head = _head(pub)
        self.has_refs = ["page-ref" in body for body in self.bodies]

    def html(self, index: int, numbers: dict[str, int]) -> str:
        last = index == len(self.bodies) - 1
        body = [localise(self.bodies[index], self.ids[index], numbers)] + ([] if last else [_end(False)])
        return assemble.wrap(self.pub, body, self.head)

    def front(self, numbers: dict[str, int], flowing: bool) -> str:
        pieces = assemble.front(self.pub, self.how.project, flowing)
        here = set().union(*(_ids(p) for p in pieces))
        return assemble.wrap(self.pub, [localise(p, here, numbers) for p in pieces] + [_end(True)])


def render(pub: Publication, how: typeset.Setting, attachments, spread, also: tuple[str, ...], on_page=None):
    """The print edition of a book, set in parts (see the module's docstring);
    on_page(pages laid out so far) as each part is done."""
    from . import partcache

    book = Book(pub, how)
    kept = partcache.Kept(how, pub.slug, also)
    numbers = kept.numbers()
    done: dict[int, Done] = {}
    for _ in range(ROUNDS):
        htmls = [book.html(k, numbers) for k in range(len(book.bodies))]
        done = _lay_out_all(htmls, how, also, kept, spread or serial, on_page or (lambda pages: None))
        found = _numbers(done)
        if all(
            not book.has_refs[k] or all(found.get(t, 0) == n for t, n in _refs(htmls[k]).items())
            for k in range(len(htmls))
        ):
            break
        numbers = found
    front_numbers = _numbers(done)
    kept.tidy(front_numbers)
    parts = [done[k] for k in sorted(done)]
    laid = typeset.lay_out(how, lambda flowing: book.front(front_numbers, flowing))
    front_pages = typeset.pages_of(laid)
    front_count = len(front_pages.anchors) - 1
    front = pages_before(front_pages, front_count)

    pages = _book_pages(
        [(pages_before(front_pages, front_count), 0)] + [(p.pages, p.start - 1 + front_count) for p in parts]
    )
    labels = pagelabels.ranges(pages.folios)

    def joined(variant: str, attachments) -> bytes:
        head = typeset.write(how, laid, variant, attachments, pdfx=how.pdfx if variant == how.variant else False)
        return join.join(
            [(head, front_count, front.outline)] + [(p.pdfs[variant], p.count, p.pages.outline) for p in parts],
            labels,
        )

    pdf = joined(how.variant, attachments)
    warnings = Diagnostics(root=how.project)
    for chapter, tex, why in book.undrawn:
        mathsvg.undrawn(chapter, tex, why, warnings)
    messages = laid.messages + [m for p in parts for m in p.messages]
    return typeset.Rendered(
        pdf,
        len(pages.anchors),
        pages.anchors,
        pages.positions,
        messages,
        pages.low_resolution,
        pages.notes_apart,
        pages.folios,
        (lambda variant, attachments: joined(variant, attachments)) if also else None,
        pages.overflows,
        warnings.items,
    )


def serial(jobs):
    """Lay the parts out here, one after another, in order."""
    for job in jobs:
        yield lay_out(job)


def _lay_out_all(htmls, how, also, kept, spread, on_page) -> dict[int, Done]:
    """Every part laid out at its place: from the kept layouts where they
    are the same part at the same first page, else by ``spread``."""
    counts = Counts(spread.store() if hasattr(spread, "store") else None)
    known = {k: kept.count(html) for k, html in enumerate(htmls)}
    for k, count in known.items():
        if count is not None:
            counts.publish(k, count)
    last = len(htmls) - 1
    wanted = [Job(k, htmls[k], how, also, None, counts, k == last) for k in known if known[k] is None]
    done = {}
    try:
        for result in spread(wanted) if wanted else ():
            done[result.index] = result
            kept.keep(htmls[result.index], result)
            on_page(sum(part.count for part in done.values()))
    except BaseException:
        with contextlib.suppress(Exception):  # the store may have gone with the workers
            counts.abort(len(htmls))
        raise
    starts = {k: 1 + sum(_count(done, known, j) for j in range(k)) for k in range(len(htmls))}
    again = []
    for k in range(len(htmls)):
        if k in done:
            continue
        found = kept.get(htmls[k], starts[k])
        if found is not None:
            done[k] = found
        else:
            again.append(Job(k, htmls[k], how, also, starts[k], None, k == last))
    for result in spread(again) if again else ():
        done[result.index] = result
        kept.keep(htmls[result.index], result)
    return done


def _count(done, known, k) -> int:
    return done[k].count if k in done else known[k]


def _numbers(done: dict[int, Done]) -> dict[str, int]:
    """The page number of every id in the chapters: the page counter where it starts."""
    found: dict[str, int] = {}
    for part in done.values():
        for offset, ids in enumerate(part.pages.anchors):
            for name in ids:
                found.setdefault(name, part.start + offset)
    return found


def _refs(html: str) -> dict[str, int]:
    """The page numbers a part's HTML prints for its page references."""
    tree = lxml_html.fromstring(html)
    refs = {}
    for a in tree.iter("a"):
        if a.get("data-page") is not None and "page-ref" in (a.get("class") or "").split():
            target = unquote((a.get("href") or "").split("#", 1)[-1])
            refs[target] = int(a.get("data-page"))
    return refs


def _book_pages(parts: list[tuple[typeset.Pages, int]]) -> typeset.Pages:
    """The pages of the parts one after another, numbered in the book."""
    out = typeset.Pages([], [], [], [], [], [], [])
    named = set()
    for pages, before in parts:
        out.anchors += pages.anchors
        out.positions += pages.positions
        out.folios += pages.folios
        for name, dpi, page, needed in pages.low_resolution:
            if name not in named:
                named.add(name)
                out.low_resolution.append((name, dpi, page + before, needed))
        out.notes_apart += [(note, page + before) for note, page in pages.notes_apart]
        out.overflows += [(block, words, page + before) for block, words, page in pages.overflows]
        out.outline += [(level, state, page + before) for level, state, page in pages.outline]
    return out
