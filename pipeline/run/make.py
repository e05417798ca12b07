"""The editions of one publication, made from its model: the print
edition is typeset first (the EPUB's page-list points at its pages), then
the EPUB is packaged and the archival bag packed.

An EPUB asked for without the print edition or the archive is made without
typesetting: its page-list comes from a print layout of the same sources
kept in the cache (pipeline/run/pagelists.py), else from a layout typeset
for it when --page-list asks, else it has none.

WeasyPrint, EbookLib and the writers are imported when first needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

from ..errors import Diagnostic
from .findings import findings
from .progress import Reporter


def render(pub, project: Path, **options):
    """Typeset the print edition (pipeline.pdf.render, imported when first needed)."""
    from ..pdf import render as typeset

    return typeset(pub, project, **options)


@dataclass
class PageList:
    """The EPUB's page-list: what the build offers, and what was made of it."""

    cached: dict[str, str] | None = None  # from a print layout of the same sources
    wanted: bool = False  # --page-list: typeset the print edition for it when none is cached
    made: dict[str, str] | None = None  # set here: the page-list of a print edition typeset now
    # Set here for an EPUB made without the print edition or the archive:
    # "cache", "typeset" or "none", where its page-list came from.
    source: str | None = None


def _archival(formats) -> tuple[str, ...]:
    """The archival PDF/A is the print edition's pages again, written as such when the parts are laid out."""
    if "archive" not in formats:
        return ()
    from ..archive.pdfa import VARIANT

    return (VARIANT,)


def editions(
    pub,
    project: Path,
    formats,
    say: Callable[[str], None] | None = None,
    alone: bool = False,
    warnings: list[Diagnostic] | None = None,
    *,
    spread=None,
    report: Reporter | None = None,
    pages: PageList | None = None,
):
    """Make one publication's editions: yield (edition, file name, bytes, pages) in writing order.
    alone: the only publication of the build, so another core is free for
    the generated cover (a catalogue uses the cores through its workers).
    warnings: gets what typesetting found, once the print edition is made (not for an EPUB alone).
    pages: the page-list on offer for an EPUB made alone, and what came of it.
    spread: where a book's chapters are laid out (run/spread.py).
    report: the publication's progress (pipeline/run/progress.py)."""
    say = say or (lambda message: None)
    report = report or Reporter(pub.slug)
    # The print cover: asked for by name, or by the metadata along with the print edition.
    covered = "cover" in formats or ("pdf" in formats and pub.metadata.cover is not None)
    report.editions_expected(("pdf" in formats) + ("epub" in formats) + 2 * ("archive" in formats) + covered)
    pages = pages if pages is not None else PageList()
    if pages.cached is not None and not _of(pub, pages.cached):
        pages.cached = None
    epub = "epub" in formats or "archive" in formats  # the bag holds the EPUB
    printed = "pdf" in formats or "archive" in formats or covered  # the cover's spine counts the pages
    if epub and not printed:
        pages.source = "cache" if pages.cached is not None else "typeset" if pages.wanted else "none"
    cover = None
    if alone and epub:
        from ..epub.package import start_cover

        cover = start_cover(pub, project)
    rendered = None
    if printed or pages.source == "typeset":
        say(f"{pub.slug}: typesetting the print edition" + ("" if printed else " for the EPUB's page-list"))
        report.stage("typesetting")
        on_page = report.page if report.send is not None else None
        rendered = render(pub, project, spread=spread, also=_archival(formats), on_page=on_page)
        report.pages_counted(rendered.page_count)
        # What typesetting finds concerns the print edition: said when it is
        # written, so that an EPUB alone says the same whether its page-list
        # was typeset now or kept from before.
        if warnings is not None and printed:
            warnings += findings(pub, project, rendered)
        pages.made = page_list(rendered)
    if "pdf" in formats:
        assert rendered is not None
        yield "pdf", f"{pub.slug}.pdf", rendered.pdf, rendered.page_count
    if covered:
        from ..cover import file_name, make_cover

        assert rendered is not None
        say(f"{pub.slug}: making the print cover")
        cover_pdf, _, cut = make_cover(pub, project, rendered.page_count)
        if warnings is not None:
            warnings += cut
        yield "cover", file_name(pub.slug), cover_pdf, 1
    data = None
    if epub:
        from ..epub import build_epub

        say(f"{pub.slug}: packaging the EPUB edition")
        report.stage("packaging")
        data = build_epub(
            pub,
            project,
            pages.made if pages.made is not None else pages.cached,
            embed_fonts=pub.metadata.options.epub.embed_fonts,
            cover_png=cover.result() if cover else None,
        )
        if "epub" in formats:
            yield "epub", f"{pub.slug}.epub", data, None
    if "archive" in formats:
        from ..archive.edition import archive_edition

        assert data is not None and rendered is not None  # made above: the bag holds the EPUB and the PDF/A
        say(f"{pub.slug}: typesetting the archival PDF and packing the bag")
        report.stage("archiving")
        yield from archive_edition(pub, project, rendered, data)


def page_list(rendered) -> dict[str, str]:
    """Where each print page begins ({position or front-matter id: folio}, in page order)."""
    from ..pagemarks import FRONT_PAGE_FILES, page_starts

    starts = page_starts(rendered.positions, rendered.anchors, FRONT_PAGE_FILES)
    # The page-list speaks in the folios printed on the pages (roman in the
    # front matter); a page with no folio printed has no entry.
    return {
        target: rendered.folios[n - 1] if rendered.folios else str(n)
        for target, n in starts.items()
        if not rendered.folios or rendered.folios[n - 1]
    }


def _of(pub, cached: dict[str, str]) -> bool:
    """Whether every place of a kept page-list is in this publication: an
    entry edited by hand may name others, and is then no entry."""
    from ..pagemarks import FRONT_PAGE_FILES, chapter_of

    chapters = {c.id for c in pub.chapters}
    return all(t in FRONT_PAGE_FILES or (t.startswith("pm-") and chapter_of(t) in chapters) for t in cached)
