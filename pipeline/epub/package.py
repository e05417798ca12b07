"""EPUB writer: assembles the package with EbookLib, then finishes it.

Content documents are built here as complete XHTML and handed to EbookLib
as plain items, so its HTML re-parsing (which drops <head> and lowercases
SVG) never touches them; EbookLib writes the OPF, NCX and container.
"""

from __future__ import annotations

import io
from pathlib import Path

from ebooklib import epub

from .. import confine, styles
from ..model import Publication
from ..transforms import images
from ..pagemarks import FRONT_PAGE_FILES, chapter_of
from ..terms import term
from . import accessibility, cover, finish, frontmatter, navigation, quotes, semantics, xhtml

XHTML = "application/xhtml+xml"
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


def _css_bundle(project: Path, pub: Publication, embed_fonts: bool) -> bytes:
    sheets = styles.stack(project, "epub", pub.folder, with_fonts=embed_fonts)
    own = set(styles.own_sheets(pub.folder))
    # Checked when the publication was read (styles.check_files); read through
    # the same door so that nothing swapped in since is read.
    text = "\n".join(
        styles.without_urls(confine.read_bytes(s, project).decode("utf-8"))
        if s in own
        else styles.sheet_text(project, s)
        for s in sheets
    )
    # Fonts live beside the stylesheet in the package: fonts/... -> ../fonts/...
    return text.replace("url(fonts/", "url(../fonts/").encode("utf-8")


def _page_list(pub: Publication, page_starts: dict[str, str]) -> list[tuple[str, str]]:
    files = {c.id: c.file_name.removeprefix("text/") for c in pub.chapters}
    entries = []
    for target, number in page_starts.items():  # in page order
        href = f"{FRONT_PAGE_FILES.get(target) or files[chapter_of(target)]}#page-{number}"
        entries.append((str(number), href))
    return entries


def build_epub(
    pub: Publication,
    project: Path,
    page_starts: dict[str, str] | None = None,
    embed_fonts: bool = False,
    cover_png: bytes | None = None,
) -> bytes:
    """The EPUB; with ``page_starts`` ({marker id: printed page label}, in page
    order, from the print render) it carries a page-list. ``cover_png``: the
    generated cover, when it was made beforehand (see start_cover)."""
    page_starts = page_starts or {}
    m = pub.metadata
    book = epub.EpubBook()
    book.set_identifier(m.identifier_of("epub").text)  # the EPUB's own ISBN when it has one
    book.set_title(m.title)
    book.set_language(m.lang)
    for i, creator in enumerate(m.creators):
        book.add_author(creator.name, file_as=creator.file_as, role=creator.role, uid=f"creator{i + 1}")
    for i, creator in enumerate(m.contributors):
        book.add_metadata("DC", "contributor", creator.name, {"id": f"contributor{i + 1}"})
    for name, value in (
        ("publisher", m.publisher),
        ("description", m.description and quotes.typographic(m.description, m.lang)),
        ("rights", m.rights),
        ("date", m.date),
    ):
        if value:
            book.add_metadata("DC", name, value)
    for subject in m.subjects:
        book.add_metadata("DC", "subject", subject)
    if m.subtitle:
        book.add_metadata("DC", "title", m.subtitle, {"id": "subtitle"})

    css = epub.EpubItem(
        uid="style",
        file_name="styles/edition.css",
        media_type="text/css",
        content=_css_bundle(project, pub, embed_fonts),
    )
    book.add_item(css)
    if embed_fonts:
        for path in styles.font_files(project):
            book.add_item(
                epub.EpubItem(
                    uid=f"font-{path.stem}",
                    file_name=styles.relative(project, path),
                    media_type=FONT_TYPES[path.suffix.lower()],
                    content=styles.read_bytes(project, path),
                )
            )
    for n, asset in enumerate(sorted(pub.assets.values(), key=lambda a: a.name)):
        book.add_item(
            epub.EpubItem(
                uid=f"img{n + 1}",
                file_name=asset.name,
                media_type=asset.media_type,
                content=asset.cleaned if asset.cleaned is not None else confine.read_bytes(asset.source, project),
            )
        )

    links = ["../styles/edition.css"]
    lang = m.lang
    spine, documents = [], []

    def add(uid, file_name, title, body, body_type=None, linear=True, lang=m.lang, body_class=None):
        content = xhtml.document(title, lang, body, links, body_type, body_class)
        item = epub.EpubItem(uid=uid, file_name=file_name, media_type=XHTML, content=content)
        book.add_item(item)
        documents.append(item)
        spine.append(item if linear else (item, "no"))
        return item

    cover_item = _cover(pub, project, cover_png)
    book.add_item(cover_item)
    add(
        "cover",
        "text/cover.xhtml",
        m.title,
        cover.cover_document(m.title, cover_item.file_name, m.lang),
        body_class="cover-page",
    )
    add(
        "titlepage",
        "text/titlepage.xhtml",
        m.title,
        frontmatter.title_page(pub, page_starts.get("titlepage")),
        "frontmatter",
    )
    nav_item = epub.EpubItem(uid="nav", file_name="text/nav.xhtml", media_type=XHTML)
    nav_item.properties = ["nav"]
    book.add_item(nav_item)
    spine.append(nav_item)
    for chapter in pub.chapters:
        matter = {"front": "frontmatter", "back": "backmatter"}.get(chapter.role, "bodymatter")
        # A chapter's file is in its own language (a collection's piece may have one).
        add(
            chapter.id,
            chapter.file_name,
            _document_title(pub, chapter),
            xhtml.chapter_body(pub, chapter, page_starts),
            matter,
            lang=chapter.lang,
        )
    add(
        "colophon",
        "text/colophon.xhtml",
        term("colophon", m.lang),
        frontmatter.colophon(pub, embed_fonts),
        "backmatter",
    )

    # "Start of content" is the first chapter of the body, past any front matter.
    start = next((c for c in pub.chapters if c.role not in ("front",)), pub.chapters[0])
    first = start.file_name.removeprefix("text/")
    landmarks = [
        ("cover", "cover.xhtml", term("cover", m.lang)),
        ("titlepage", "titlepage.xhtml", term("title page", m.lang)),
        ("toc", "nav.xhtml#toc", m.toc_title),
        ("bodymatter", first, term("start", m.lang)),
    ]
    landmarks += [
        (kind, c.file_name.removeprefix("text/"), c.title or kind) for c in pub.chapters if (kind := semantics.kind(c))
    ]
    pages = _page_list(pub, page_starts)
    nav_item.content = xhtml.document(
        m.toc_title, lang, navigation.nav_body(pub, landmarks, pages, page_starts.get("contents")), links
    )
    if pages:
        book.add_metadata(None, "meta", m.print_id, {"property": "pageBreakSource"})

    book.toc = [_ncx_entry(h, m.toc_depth) for h in pub.toc] or [epub.Link(pub.chapters[0].file_name, m.title, "c1")]
    book.add_item(epub.EpubNcx())
    book.spine = spine
    for prop, value in accessibility.metadata(pub, has_page_list=bool(pages)):
        book.add_metadata(None, "meta", value, {"property": prop})

    raw = io.BytesIO()
    epub.write_epub(
        raw,
        book,
        {
            "epub3_pages": False,
            "epub2_guide": False,
            "raise_exceptions": True,
            "mtime": _mtime(pub.modified),
            "play_order": {"enabled": True, "start_from": 1},
        },
    )
    return finish.finish(raw.getvalue(), pub)


def _document_title(pub: Publication, chapter) -> str:
    """An article is one document under the publication's title; its first
    section's heading (the chapter's title) would misname it."""
    if pub.metadata.kind == "article":
        return pub.metadata.title
    return chapter.title or pub.metadata.title


def start_cover(pub: Publication, project: Path):
    """Begin drawing the generated cover in a thread, or None when the
    publication gives its own. Drawing and compressing the picture mostly
    runs outside the interpreter lock, so it overlaps the typesetting that
    comes before the EPUB; ``.result()`` gives the PNG."""
    if pub.metadata.cover_image:
        return None
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1, thread_name_prefix="pressroom-cover")
    try:
        return pool.submit(cover.generated, pub.metadata, project)
    finally:
        pool.shutdown(wait=False)


def _cover(pub: Publication, project: Path, made: bytes | None = None) -> epub.EpubItem:
    given = pub.metadata.cover_image  # already checked: a file inside the publication
    if given:
        path = pub.folder / given
        data, media_type = confine.read_bytes(path, project), images.media_type_of(path)
    else:
        data, media_type = made or cover.generated(pub.metadata, project), "image/png"
    # A cover image that is not a PNG or JPEG was refused when it was read (document._check_cover).
    item = epub.EpubItem(
        uid="cover-image",
        file_name=cover.file_name(media_type),  # type: ignore[arg-type]
        media_type=media_type,
        content=data,
    )
    item.properties = ["cover-image"]
    return item


def _ncx_entry(h, limit: int, depth: int = 1):
    """The NCX (for EPUB 2 readers) mirrors the nav, to the same depth."""
    if h.children and depth < limit:
        return (epub.Section(h.title, h.href), [_ncx_entry(c, limit, depth + 1) for c in h.children])
    return epub.Link(h.href, h.title, f"ncx-{h.id}")


def _mtime(iso: str):
    import datetime as dt

    return dt.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
