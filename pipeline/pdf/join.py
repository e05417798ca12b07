"""The PDFs of a book's parts (parts.py) joined into one, as if set whole.

The first part (the front matter) gives the document: its catalogue (XMP
metadata, output intent, language, viewer preferences, embedded files) and
its information. Of each part, the pages it keeps are taken in order, and
with them, whole:

- the structure tree: WeasyPrint tags page by page, so the elements of
  each part's document element follow one another under one document
  element, and the parent tree is numbered again (pages first, then
  annotations, as WeasyPrint numbers it);
- the named destinations, in one sorted name tree;
- the bookmarks, nested as WeasyPrint nests a whole book's by their
  levels (a chapter's under the part title before it, in another part);
- the links: a link to another part left the part as a link to
  ``parts.ELSEWHERE`` and becomes a link to the named destination again;
- the fonts: one program per font, holding the glyphs of every part (fontmerge.py).

The bytes depend only on the parts' bytes (qpdf's deterministic /ID).
"""

from __future__ import annotations

import io
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name

from . import fontmerge

ELSEWHERE = "https://pressroom.invalid/part-link#"  # parts.ELSEWHERE (parts.py imports this module)
_OWN = {"/Type", "/Pages", "/StructTreeRoot", "/Outlines", "/Names", "/PageLabels"}


def _copy(out: pikepdf.Pdf, source: pikepdf.Pdf, obj):
    """An object of ``source`` in ``out``: copied with what it refers to (once per source)."""
    if not isinstance(obj, (Array, Dictionary, pikepdf.Stream)):
        return obj  # a name, number or string: a value, not an object
    return out.copy_foreign(obj if obj.is_indirect else source.make_indirect(obj))


def join(parts: list[tuple[bytes, int, list]], labels: list[tuple[int, str, int]] | None = None) -> bytes:
    """One PDF of the parts' PDFs, each (bytes, how many of its first pages
    to keep, (level, open or closed, page) of each of its bookmarks); the
    book's page labels (pagelabels.ranges of its folios), since each part's
    label only its own pages."""
    head = pikepdf.open(io.BytesIO(parts[0][0]))
    version = head.pdf_version
    out = pikepdf.new()
    for key, value in head.Root.items():
        if key not in _OWN:
            out.Root[key] = _copy(out, head, value)
    if "/Names" in head.Root:
        names = Dictionary({k: _copy(out, head, v) for k, v in head.Root.Names.items() if k != "/Dests"})
        if len(names):
            out.Root.Names = out.make_indirect(names)
    out.trailer.Info = _copy(out, head, head.trailer.Info)
    root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array(), P=root))
    root.K = Array([document])
    nums: list = []
    annotations: list = []  # (annotation, its parent tree entry)
    dests: list = []
    bookmarks: list = []
    tagged = "/StructTreeRoot" in head.Root
    for n, (data, keep, _) in enumerate(parts):
        # One part open at a time, its streams copied before it is closed:
        # all of a book's parts open beside the book would need twice the memory.
        source = head if n == 0 else pikepdf.open(io.BytesIO(data))
        first = 1 if n == 0 else len(out.objects) + 1
        _take(out, source, keep, document, nums, annotations, dests, bookmarks)
        _detach(out, first)
        source.close()
    for number, (annotation, entry) in enumerate(annotations, len(out.pages)):
        annotation.StructParent = number
        nums += [number, entry]
    if tagged:  # untagged parts (a benchmark's) join as they are
        root.ParentTree = out.make_indirect(Dictionary(Nums=Array(nums)))
        root.ParentTreeNextKey = len(out.pages) + len(annotations)
        out.Root.StructTreeRoot = root
    if dests:
        if "/Names" not in out.Root:
            out.Root.Names = out.make_indirect(Dictionary())
        flat = [item for name, dest in sorted(dests, key=lambda d: d[0]) for item in (pikepdf.String(name), dest)]
        out.Root.Names.Dests = out.make_indirect(Dictionary(Names=Array(flat)))
    _bookmarks(out, bookmarks, [mark for _, _, marks in parts for mark in marks])
    _links(out)
    if labels:
        nums = [item for index, style, number in labels for item in (index, _label(style, number))]
        out.Root.PageLabels = out.make_indirect(Dictionary(Nums=Array(nums)))
    fontmerge.merge(out)
    buffer = io.BytesIO()
    out.save(
        buffer,
        deterministic_id=True,
        min_version=version,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        fix_metadata_version=False,
    )
    return buffer.getvalue()


def _label(style: str, number: int) -> Dictionary:
    label = Dictionary(S=Name("/" + style))
    if number != 1:
        label.St = number
    return label


def _take(out, source, keep, document, nums, annotations, dests, bookmarks) -> None:
    pages = list(source.pages)[:keep]
    dropped = {page.objgen for page in list(source.pages)[keep:]}
    tree = source.Root.get("/StructTreeRoot")
    if tree is None:
        out.pages.extend(pages)
        pages = []
    else:
        entries = {int(k): v for k, v in zip(tree.ParentTree.Nums[::2], tree.ParentTree.Nums[1::2])}
    for page in pages:
        old = int(page.obj.StructParents)
        out.pages.append(page)
        copied = out.pages[-1].obj
        copied.StructParents = len(out.pages) - 1
        nums += [len(out.pages) - 1, _copy(out, source, entries[old])]
        for annotation in copied.get("/Annots", ()):
            if "/StructParent" in annotation:
                annotations.append((annotation, _copy(out, source, entries[int(annotation.StructParent)])))
    kids = () if tree is None else tree.K[0].K if isinstance(tree.K, Array) else tree.K.K
    for kid in kids:
        page = kid.get("/Pg")
        if page is not None and page.objgen in dropped:
            continue
        element = out.copy_foreign(kid)
        element.P = document
        document.K.append(element)
    if "/Names" in source.Root and "/Dests" in source.Root.Names:
        names = source.Root.Names.Dests.Names
        for name, dest in zip(names[::2], names[1::2]):
            if dest[0].objgen not in dropped:
                dests.append((str(name), _copy(out, source, dest)))
    if "/Outlines" in source.Root and "/First" in source.Root.Outlines:
        bookmarks += [out.copy_foreign(item) for item in _in_order(source.Root.Outlines.First)]


def _detach(out, first: int) -> None:
    """The streams copied since object ``first`` hold their data themselves,
    so that the part they came from can be closed."""
    for number in range(first, len(out.objects) + 1):
        obj = out.get_object(number, 0)
        if isinstance(obj, pikepdf.Stream):
            encoded = obj.read_raw_bytes()
            obj.write(encoded, filter=obj.get("/Filter"), decode_parms=obj.get("/DecodeParms"))  # type: ignore[arg-type]


def _in_order(item):
    """An outline's items, each before its children (the order of their headings)."""
    while item is not None:
        yield item
        if "/First" in item:
            yield from _in_order(item.First)
        item = item.get("/Next")


def depths(levels: list[int]) -> list[int]:
    """The depth in the outline of each bookmark of these levels, in order,
    as WeasyPrint nests them: a level skipped counts for nothing, so an h3
    right under an h1 is its child."""
    skipped: list[int] = []
    previous = 0
    found = []
    for level in levels:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            reached = level
            while reached < previous:
                reached += 1 + skipped.pop()
            if reached > previous:
                skipped.append(reached - previous - 1)
        previous = level
        found.append(level - sum(skipped))
    return found


def _bookmarks(out, items, marks) -> None:
    """The parts' bookmarks in one outline, nested by their levels."""
    if not items:
        return
    assert len(items) == len(marks), "a bookmark of the outline without its level"
    outlines = out.make_indirect(Dictionary(Type=Name.Outlines))
    children: dict = {}  # objgen -> its items
    stack = [(outlines, 0)]
    for item, depth in zip(items, depths([level for level, _, _ in marks])):
        for key in ("/Prev", "/Next", "/First", "/Last", "/Count"):
            if key in item:
                del item[key]
        while stack[-1][1] >= depth:
            stack.pop()
        parent = stack[-1][0]
        item.Parent = parent
        children.setdefault(parent.objgen, []).append(item)
        stack.append((item, depth))
    state = {item.objgen: mark[1] for item, mark in zip(items, marks)}

    def link(node) -> int:
        """Link the node's children; how many of its descendants show."""
        kids = children.get(node.objgen, [])
        shown = 0
        for n, kid in enumerate(kids):
            if n:
                kid.Prev, kids[n - 1].Next = kids[n - 1], kid
            below = link(kid)
            kid.Count = -below if state[kid.objgen] == "closed" else below
            shown += 1 + (below if state[kid.objgen] != "closed" else 0)
        if kids:
            node.First, node.Last = kids[0], kids[-1]
        return shown

    outlines.Count = link(outlines)
    out.Root.Outlines = outlines


def _links(out) -> None:
    """Links that left their part go to the named destination again."""
    for page in out.pages:
        for annotation in page.obj.get("/Annots", ()):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(ELSEWHERE):
                name = unquote(uri[len(ELSEWHERE) :])
                del annotation["/A"]
                annotation.Dest = pikepdf.String(name)
                annotation.Contents = pikepdf.String(name)
