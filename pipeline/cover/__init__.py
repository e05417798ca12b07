"""Writers: the print cover, one PDF/X-4 page holding back, spine and front
for a print-on-demand service (KDP, IngramSpark), with the service's bleed
round the trimmed spread (TrimBox and BleedBox as the printer reads them).

The spine's width comes from the print edition's page count and the
paper's thickness (cover_options.py); the front and spine carry the title
and authors, the back the blurb (``description``), the publisher and the
print edition's ISBN as an EAN-13 barcode. Made when the build asks for the
``cover`` edition or the metadata for ``print-cover``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..cover_options import CoverOptions
from ..model import Publication
from ..errors import Diagnostic, Location
from .spread import Geometry, document

__all__ = ["Geometry", "file_name", "make_cover"]


def file_name(slug: str) -> str:
    return f"{slug}.cover.pdf"


def make_cover(pub: Publication, project: Path, pages: int) -> tuple[bytes, Geometry, list[Diagnostic]]:
    """The cover PDF of a print edition of ``pages`` pages, its geometry, and
    a warning for each text too long for its place (cut short on the cover)."""
    from weasyprint import CSS, HTML  # here: a build without a cover does not load it

    from .. import styles
    from ..pdf import press
    from ..pdf.engine.fonts import committed_only
    from ..pdf.engine.metadata import NS, amend_xmp
    from ..pdf.fetcher import ProjectFetcher

    m = pub.metadata
    cover = document(m, m.cover or CoverOptions(), pages, pub.modified, _fonts(project))
    fetcher, fonts, profiles = ProjectFetcher(project), committed_only(), {}
    fonts_css = styles.file(project, "fonts.css")
    sheets = [
        # The press's output intent: the colours are CMYK under it.
        f'@color-profile device-cmyk {{ src: url("{(project / styles.STYLES / press.PROFILE).as_uri()}"); '
        "components: cyan, magenta, yellow, black; }"
    ]
    base = (project / styles.STYLES / "fonts.css").as_uri()
    parsed = [CSS(string=s, url_fetcher=fetcher, font_config=fonts, color_profiles=profiles) for s in sheets]
    if fonts_css is not None:
        parsed.insert(
            0, CSS(string=styles.sheet_text(project, fonts_css), base_url=base, url_fetcher=fetcher, font_config=fonts)
        )

    def render(source: str):
        return HTML(string=source, base_url=pub.folder.as_uri() + "/", url_fetcher=fetcher).render(
            stylesheets=parsed, font_config=fonts, color_profiles=profiles
        )

    laid = render(cover.html)
    where = _metadata_file(pub, project)
    found = [
        Diagnostic("warning", message, Location(where, m.key_lines.get(key)), f"shorten '{key}' for the cover")
        for key, message, trial in cover.trials
        if len(render(trial).pages) > 1
    ]
    spec = (m.cover or CoverOptions()).spec
    if pages < spec.min_pages:
        found.append(
            Diagnostic(
                "warning",
                f"the print edition has {pages} pages; {spec.name} binds books of {spec.min_pages} pages or more",
                Location(where, m.key_lines.get("print-cover")),
                "the cover is made all the same, but the service will not print a book this short",
            )
        )
    own = m.identifier_of("print").text
    # WeasyPrint's PDF/X DocumentID is random: the cover's own, from the print
    # edition's identifier, keeps the bytes the same from build to build.
    document_id = f"uuid:{hashlib.md5(f'cover:{own}:{pages}'.encode()).hexdigest()}"

    def settle(rdf, variant) -> None:
        for el in rdf.iter(f"{{{NS['xmpMM']}}}DocumentID"):
            el.text = document_id

    amend_xmp(laid, settle)
    pdf = laid.write_pdf(
        pdf_variant=press.VARIANT,
        pdf_identifier=hashlib.md5(f"cover:{own}".encode()).hexdigest().encode(),
        pdf_tags=True,  # pressroom check asks every PDF for its structure; a cover has one too
        finisher=press.finish,
    )
    return pdf, cover.geometry, found


def _fonts(project: Path) -> tuple[str, str]:
    """The font-family lists of the cover's text and of its barcode's digits:
    the house faces, then the project's committed fonts (the only ones a
    layout may use), proportional for the text, fixed-pitch for the digits."""
    from ..transforms.glyphs import families

    # A name as a font file gives it, kept only when it can be quoted in CSS inside HTML as it is.
    found = {f: v for f, v in families(project).items() if re.fullmatch(r"[\w .\-]+", f)}
    text = ["Charis SIL"] + sorted(f for f, (_, fixed, _) in found.items() if not fixed)
    digits = ["DejaVu Sans Mono"] + sorted(f for f, (_, fixed, _) in found.items() if fixed) + text
    return ", ".join(f'"{f}"' for f in dict.fromkeys(text)), ", ".join(f'"{f}"' for f in dict.fromkeys(digits))


def _metadata_file(pub: Publication, project: Path) -> str:
    """The file the metadata is in (the manifest, or an article's own), as messages name it."""
    try:
        return pub.sources[0].resolve().relative_to(project.resolve()).as_posix()
    except (ValueError, IndexError):
        return pub.slug
