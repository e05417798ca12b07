"""The editions of one publication, made from its model: the print
edition is typeset first (the EPUB's page-list points at its pages), then
the EPUB is packaged and the archival bag packed.

WeasyPrint, EbookLib and the writers are imported when first needed.
"""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable

from ..errors import Diagnostic
from .findings import findings
from .progress import Reporter


def render(pub, project: Path, **options):
    """Typeset the print edition (pipeline.pdf.render, imported when first needed)."""
    from ..pdf import render as typeset

    return typeset(pub, project, **options)


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
    spread=None,
    report: Reporter | None = None,
):
    """Make one publication's editions: yield (edition, file name, bytes, pages) in writing order.
    alone: the only publication of the build, so another core is free for
    the generated cover (a catalogue uses the cores through its workers).
    warnings: gets what typesetting found, once the print edition is made.
    spread: where a book's chapters are laid out (run/spread.py).
    report: the publication's progress (pipeline/run/progress.py)."""
    say = say or (lambda message: None)
    report = report or Reporter(pub.slug)
    report.editions_expected(("pdf" in formats) + ("epub" in formats) + 2 * ("archive" in formats))
    cover = None
    if alone and ("epub" in formats or "archive" in formats):
        from ..epub.package import start_cover

        cover = start_cover(pub, project)
    # The print edition is typeset even for an EPUB alone: the EPUB's
    # page-list points at the print pages.
    say(f"{pub.slug}: typesetting the print edition")
    report.stage("typesetting")
    rendered = render(pub, project, spread=spread, also=_archival(formats), on_page=report.page if report.send is not None else None)
    report.pages_counted(rendered.page_count)
    if warnings is not None:
        warnings += findings(pub, project, rendered)
    if "pdf" in formats:
        yield "pdf", f"{pub.slug}.pdf", rendered.pdf, rendered.page_count
    data = None
    if "epub" in formats or "archive" in formats:  # the bag holds the EPUB
        from ..epub import build_epub
        from ..epub.package import FRONT_PAGE_FILES
        from ..pagemarks import page_starts

        say(f"{pub.slug}: packaging the EPUB edition")
        report.stage("packaging")
        starts = page_starts(rendered.positions, rendered.anchors, FRONT_PAGE_FILES)
        # The page-list speaks in the folios printed on the pages (roman in the
        # front matter); a page with no folio printed has no entry.
        page_list = {
            target: rendered.folios[n - 1] if rendered.folios else str(n)
            for target, n in starts.items()
            if not rendered.folios or rendered.folios[n - 1]
        }
        data = build_epub(
            pub,
            project,
            page_list,
            embed_fonts=pub.metadata.options.epub.embed_fonts,
            cover_png=cover.result() if cover else None,
        )
        if "epub" in formats:
            yield "epub", f"{pub.slug}.epub", data, None
    if "archive" in formats:
        from ..archive.edition import archive_edition

        assert data is not None  # made above: the bag holds the EPUB
        say(f"{pub.slug}: typesetting the archival PDF and packing the bag")
        report.stage("archiving")
        yield from archive_edition(pub, project, rendered, data)
