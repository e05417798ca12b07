"""From sources to the document model: read each file, then run the transforms
in the order CHAPTER_STEPS and PUBLICATION_STEPS list them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from . import confine, dates, extras, styles, xmlchars
from .errors import Diagnostics
from .layouts.linemap import relocated
from .model import Chapter, Publication
from .options import line_of_key
from .readers import reader_for
from .reading_options import DIALECTS
from .sources import Sources
from .transforms import (
    content_model,
    figures,
    glyphs,
    headings,
    ids,
    images,
    limits,
    math,
    notes,
    quotes,
    rawhtml,
    sanitize,
    typography,
    xrefs,
)


def _chapter_id(path: Path, taken: set) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "part"
    if not base[0].isalpha():
        base = f"c-{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


@dataclass
class Reading:
    """What the steps share while one publication is read."""

    pub: Publication
    sources: Sources
    project: Path
    diags: Diagnostics
    strict: bool
    texts: dict[str, str]  # chapter id -> its Markdown text, for messages' lines
    unknown: dict = field(default_factory=dict)  # elements that are not HTML, over the whole publication
    renames: dict = field(default_factory=dict)  # ids made unique (ids.py), for the links to them


# The transforms, in the order they run: first each chapter's steps, chapter
# by chapter, then the publication's. A chapter step that returns False
# leaves nothing more to do with that chapter (its body is emptied; the
# build fails).
CHAPTER_STEPS: list[tuple[str, Callable[[Reading, Chapter, str], object]]] = [
    ("nesting depth", lambda r, ch, text: limits.check_depth(ch, text, r.diags)),
    (
        "sanitise",
        lambda r, ch, text: sanitize.sanitize(
            ch, text, r.diags, r.strict, r.sources.metadata.reading.elements, r.unknown
        ),
    ),
    ("content model", lambda r, ch, text: content_model.content_model(ch, text, r.diags)),
    ("math", lambda r, ch, text: math.render_math(ch, text, r.diags)),
    ("empty headings", lambda r, ch, text: headings.drop_empty(ch, text, r.diags)),
    ("notes", lambda r, ch, text: notes.restructure(ch)),
    ("quotation attributions", lambda r, ch, text: quotes.attribute(ch)),
    ("images", lambda r, ch, text: images.resolve_images(r.pub, ch, text, r.project, r.diags)),
]
PUBLICATION_STEPS: list[tuple[str, Callable[[Reading], object]]] = [
    ("unknown elements", lambda r: sanitize.report_unknown(r.unknown, r.diags)),
    ("cover image", lambda r: _check_cover(r.pub, r.project, r.diags)),
    ("archive's extra files", lambda r: _extras(r)),
    ("style sheets", lambda r: _style_sheets(r)),
    ("layout's files", lambda r: _layout_files(r)),
    ("figure numbers", lambda r: figures.number(r.pub)),
    ("unique ids", lambda r: r.renames.update(ids.unique_ids(r.pub, r.texts, r.diags))),
    ("links", lambda r: ids.resolve_links(r.pub, r.renames, r.texts, r.diags)),
    # After the links: a heading's text must still match ids written for other sites.
    ("typography", lambda r: typography.tidy(r.pub)),
    ("contents", lambda r: headings.build_toc(r.pub)),
    ("cross-references", lambda r: xrefs.fill(r.pub)),
    ("collection's creators", lambda r: _collection_creators(r.pub)),
    ("glyphs", lambda r: glyphs.check(r.pub, r.texts, r.project, r.diags)),
    ("build time", lambda r: _build_time(r)),
]


def read_publication(
    sources: Sources,
    project: Path,
    diags: Diagnostics,
    strict: bool = False,
    on_chapter: Callable[[int, int], None] | None = None,
) -> Publication:
    """on_chapter(chapters read, chapters in all): called as each chapter is read (a build's progress)."""
    # Lines counted in an expanded chapter (mdBook's includes) are reported where they came from.
    diags = relocated(diags, sources.files)
    pub, texts = _read_chapters(sources, diags)
    reading = Reading(pub, sources, project, diags, strict, texts)
    for done, chapter in enumerate(pub.chapters, 1):
        for _name, step in CHAPTER_STEPS:
            if step(reading, chapter, texts[chapter.id]) is False:
                chapter.body.clear()
                break
        if on_chapter is not None:
            on_chapter(done, len(pub.chapters))
    for _name, publication_step in PUBLICATION_STEPS:
        publication_step(reading)
    return pub


def _read_chapters(sources: Sources, diags: Diagnostics) -> tuple[Publication, dict[str, str]]:
    """Each source file read into a chapter, in its own dialect and language."""
    reading_options = sources.metadata.reading
    readers = {}  # one per dialect and language: a file's front matter may choose its own
    chapters: list[Chapter] = []
    texts: dict[str, str] = {}
    taken = {"nav", "cover", "titlepage", "colophon", "contents"}
    for src in sources.files:
        meta = dict(src.meta or {})
        dialect = str(meta["markdown"]) if meta.get("markdown") in DIALECTS else reading_options.dialect
        lang = src.lang or sources.metadata.lang
        if (dialect, lang) not in readers:
            readers[dialect, lang] = reader_for(dialect, reading_options.extensions, lang)
        xmlchars.report_references(src.text, src.first_line, src.path, diags)
        reading = readers[dialect, lang].read(src.text)
        place = src.place
        stem = Path(f"part-{sum(1 for c in chapters if c.role == 'part') + 1}") if place.part is not None else src.path
        chapter = Chapter(
            _chapter_id(stem, taken),
            src.path,
            reading.tree,
            meta=meta,
            lang=lang,
            first_line=src.first_line,
            place=place,
        )
        rawhtml.report_reading(chapter, reading, src.text, diags)
        for message, line, hint in reading.errors:
            diags.error(message, src.path, None if line is None else src.first_line + line - 1, hint=hint)
        chapter.title = meta.get("title")
        texts[chapter.id] = src.text
        chapters.append(chapter)
    pub = Publication(sources.slug, sources.folder, sources.metadata, chapters)
    pub.sources = [sources.metadata_path] + [f.path for f in sources.files]
    return pub, texts


def _extras(r: Reading) -> None:
    archive_line = r.sources.metadata.key_lines.get("archive")
    r.pub.extras = extras.extra_files(
        r.sources.folder,
        r.sources.metadata.options.archive.extra,
        r.sources.metadata_path,
        line_of_key(r.sources.metadata_path, "extra", archive_line) or archive_line,
        r.diags,
    )


def _layout_files(r: Reading) -> None:
    # A layout's own files (SUMMARY.md, included listings) are sources too;
    # links that leave its site's folder leave the book.
    r.pub.sources += r.sources.others
    r.pub.site_root = r.sources.site_root


def _build_time(r: Reading) -> None:
    r.pub.modified = dates.iso(dates.build_time(r.sources.folder, r.sources.metadata.date, r.pub.sources))


def _style_sheets(r: Reading) -> None:
    styles.check_files(r.project, r.sources.folder, r.diags)
    styles.check_own_sheets(r.sources.folder, r.diags)


def _check_cover(pub: Publication, project: Path, diags: Diagnostics) -> None:
    given = pub.metadata.cover_image
    if not given:
        return
    where, line = pub.sources[0], pub.metadata.key_lines.get("cover-image")
    path = confine.confined(
        pub.folder / given,
        diags,
        pub.folder,
        confine.FOLDER,
        what=f"cover image '{given}'",
        at=where,
        line=line,
        hint="put the image beside the sources and give its file name",
    )
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
    from .metadata_people import Creator
    from .titles import names

    known = {c.name for c in pub.metadata.creators}
    for chapter in pub.chapters:
        for name in names(chapter.meta.get("author")):
            if name not in known:
                pub.metadata.creators.append(Creator(name, "aut"))
                known.add(name)
