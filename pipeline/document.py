"""From sources to the document model: read, then run the transforms in order."""

from __future__ import annotations

import re
from pathlib import Path

from . import confine, dates, styles, xmlchars
from .archive import used
from .errors import Diagnostics
from .layouts.linemap import relocated
from .model import Chapter, Publication
from .options import line_of_key
from .readers import reader_for
from .reading_options import DIALECTS
from .sources import Sources
from .transforms import figures, glyphs, headings, ids, images, limits, math, notes, quotes, rawhtml, sanitize, xrefs


def _chapter_id(path: Path, taken: set) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "part"
    if not base[0].isalpha():
        base = f"c-{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def read_publication(sources: Sources, project: Path, diags: Diagnostics, strict: bool = False) -> Publication:
    # Lines counted in an expanded chapter (mdBook's includes) are reported where they came from.
    diags = relocated(diags, sources.files)
    reading_options = sources.metadata.reading
    readers = {}  # one per dialect: a file's front matter may choose its own
    chapters, texts, taken = [], {}, {"nav", "cover", "titlepage", "colophon", "contents"}
    for src in sources.files:
        meta = dict(src.meta or {})
        dialect = meta.get("markdown") if meta.get("markdown") in DIALECTS else reading_options.dialect
        if dialect not in readers:
            readers[dialect] = reader_for(dialect, reading_options.extensions, sources.metadata.lang)
        xmlchars.report_references(src.text, src.first_line, src.path, diags)
        reading = readers[dialect].read(src.text)
        stem = Path(f"part-{sum(1 for c in chapters if c.role == 'part') + 1}") if "_part" in meta else src.path
        chapter = Chapter(_chapter_id(stem, taken), src.path, reading.tree, meta=meta,
                          role=meta.get("_role", "body"))
        chapter.meta["_first_line"] = src.first_line
        rawhtml.report_reading(chapter, reading, src.text, diags)
        for message, line, hint in reading.errors:
            diags.error(message, src.path, None if line is None else src.first_line + line - 1, hint=hint)
        chapter.title = (src.meta or {}).get("title")
        texts[chapter.id] = src.text
        chapters.append(chapter)
    pub = Publication(sources.slug, sources.folder, sources.metadata, chapters)
    pub.sources = [sources.metadata_path] + [f.path for f in sources.files]
    unknown: dict = {}  # elements that are not HTML, over the whole publication
    for chapter in chapters:
        if not limits.check_depth(chapter, texts[chapter.id], diags):
            chapter.body.clear()  # nothing more can be done with it; the build fails
            continue
        sanitize.sanitize(chapter, texts[chapter.id], diags, strict, reading_options.elements, unknown)
        sanitize.content_model(chapter, texts[chapter.id], diags)
        math.render_math(chapter, texts[chapter.id], diags)
        headings.drop_empty(chapter, texts[chapter.id], diags)
        notes.restructure(chapter)
        quotes.attribute(chapter)
        images.resolve_images(pub, chapter, texts[chapter.id], project, diags)
    sanitize.report_unknown(unknown, diags)
    _check_cover(pub, project, diags)
    archive_line = sources.metadata.key_lines.get("archive")
    pub.extras = used.extra_files(sources.folder, sources.metadata.options.archive.extra, sources.metadata_path,
                                  line_of_key(sources.metadata_path, "extra", archive_line) or archive_line, diags)
    styles.check_files(project, sources.folder, diags)
    styles.check_own_sheets(sources.folder, diags)
    # A layout's own files (SUMMARY.md, included listings) are sources too;
    # links that leave its site's folder leave the book.
    pub.sources += sources.others
    pub.site_root = sources.site_root
    figures.number(pub)
    renames = ids.unique_ids(pub, texts, diags)
    ids.resolve_links(pub, renames, texts, diags)
    headings.build_toc(pub)
    xrefs.fill(pub)
    _collection_creators(pub)
    glyphs.check(pub, texts, project, diags)
    pub.modified = dates.iso(dates.build_time(sources.folder, sources.metadata.date, pub.sources))
    return pub


def _check_cover(pub: Publication, project: Path, diags: Diagnostics) -> None:
    given = pub.metadata.cover_image
    if not given:
        return
    where, line = pub.sources[0], pub.metadata.key_lines.get("cover-image")
    path = confine.confined(pub.folder / given, diags, pub.folder, confine.FOLDER, what=f"cover image '{given}'",
                            at=where, line=line, hint="put the image beside the sources and give its file name")
    if path is None:
        pub.metadata.cover_image = None
        return
    media_type, problem = images.examine(path)
    if problem is None and media_type in ("image/png", "image/jpeg"):
        pub.metadata.cover_image = path.relative_to(pub.folder.resolve()).as_posix()
        return
    if problem is None or problem == images.DAMAGED:
        problem, hint = "must be a PNG or JPEG file", "e-book stores accept PNG and JPEG covers"
    else:
        hint = images.TOO_LARGE
    diags.error(f"cover image '{given}' {problem}", where, line, hint=hint)
    pub.metadata.cover_image = None


def _collection_creators(pub: Publication) -> None:
    """Every author of a collection's pieces is a creator of the collection."""
    from .metadata import Creator
    from .titles import names

    known = {c.name for c in pub.metadata.creators}
    for chapter in pub.chapters:
        for name in names(chapter.meta.get("author")):
            if name not in known:
                pub.metadata.creators.append(Creator(name, "aut"))
                known.add(name)
