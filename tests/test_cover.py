"""The print cover (back, spine, front, bleed, an ISBN barcode) and an ISBN
per edition: the options and identifiers as the metadata gives them, the
barcode read back from its bars, and a built cover measured as a printer
would (its boxes, its inks, its text, the barcode scanned from its pixels)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

import pipeline
from pipeline.cover_options import INCH, SERVICES, CoverOptions, read_cover_options
from pipeline.errors import Diagnostics
from conftest import epub_xml, make_project, opf_path, pdf_text_by_page, source_date_epoch

PRINT_ISBN, EPUB_ISBN = "978-3-16-148410-0", "978-0-306-40615-7"
PT = 72 / 25.4  # points in a mm

# --- an EAN-13 read back from its modules, by the standard's tables ----------

L_CODES = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"]
R_CODES = ["".join("1" if b == "0" else "0" for b in code) for code in L_CODES]
G_CODES = [code[::-1] for code in R_CODES]
FIRST = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]


def decode_ean13(modules: str) -> str | None:
    """The 13 digits of 95 modules, or None when they are no EAN-13 with a right check digit."""
    if len(modules) != 95 or modules[:3] != "101" or modules[45:50] != "01010" or modules[92:] != "101":
        return None
    left, parity = [], ""
    for i in range(6):
        code = modules[3 + 7 * i : 10 + 7 * i]
        if code in L_CODES:
            left.append(L_CODES.index(code))
            parity += "L"
        elif code in G_CODES:
            left.append(G_CODES.index(code))
            parity += "G"
        else:
            return None
    right = [modules[50 + 7 * i : 57 + 7 * i] for i in range(6)]
    if parity not in FIRST or any(code not in R_CODES for code in right):
        return None
    digits = [FIRST.index(parity)] + left + [R_CODES.index(code) for code in right]
    if sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10:
        return None
    return "".join(map(str, digits))


def modules_of_boxes(markup: str, module: float) -> str:
    """The modules the barcode's bar boxes draw (left and width in mm)."""
    bars = [(float(a), float(b)) for a, b in re.findall(r'<i style="left: ([\d.]+)mm; width: ([\d.]+)mm', markup)]
    cells = ["0"] * 95
    for left, width in bars:
        for n in range(round(left / module), round((left + width) / module)):
            cells[n] = "1"
    return "".join(cells)


# --- options and identifiers (no edition made) --------------------------------


def _cover_options(raw) -> tuple[CoverOptions | None, list[tuple[int | None, str]]]:
    diags = Diagnostics()
    options = read_cover_options(raw, 7, Path("publication.yaml"), diags)
    return options, [(d.location.line, d.message) for d in diags.items]


@pytest.mark.fast
def test_the_spine_is_the_page_count_times_the_papers_thickness():
    assert CoverOptions("kdp", "white").spine(300) == pytest.approx(300 * 0.002252 * 25.4, abs=0.001)
    assert CoverOptions("kdp", "cream").spine(300) == pytest.approx(300 * 0.0025 * 25.4, abs=0.001)
    assert CoverOptions("ingramspark", "white").spine(444) == pytest.approx(25.4, abs=0.001)
    assert CoverOptions("kdp", "0.1mm").spine(250) == pytest.approx(25.0)


@pytest.mark.fast
@pytest.mark.parametrize(
    "raw, options",
    [
        (None, None),
        (False, None),
        (True, CoverOptions()),
        ({"service": "IngramSpark", "paper": "creme"}, CoverOptions("ingramspark", "creme")),
        ({"paper": "0.0572mm"}, CoverOptions("kdp", "0.0572mm")),
    ],
)
def test_print_cover_options_are_read(raw, options):
    assert _cover_options(raw) == (options, [])


@pytest.mark.fast
@pytest.mark.parametrize(
    "raw, message",
    [
        ("yes please", "'print-cover' must be true or a mapping of options, not 'yes please'"),
        ({"servce": "kdp"}, "unknown option 'servce' in 'print-cover'"),
        ({"service": "lulu"}, "'print-cover.service': no print-on-demand service named 'lulu'"),
        ({"paper": "glossy"}, "'print-cover.paper': 'glossy' is neither a paper of kdp nor a thickness per page"),
        ({"paper": "2mm"}, "'print-cover.paper': '2mm' is neither a paper of kdp nor a thickness per page"),
    ],
)
def test_a_wrong_print_cover_option_is_a_located_error(raw, message):
    _, said = _cover_options(raw)
    assert len(said) == 1 and said[0][0] == 7 and said[0][1].startswith(message), said


def _metadata(raw: dict):
    from pipeline.metadata import read_metadata

    diags = Diagnostics()
    lines = {key: n for n, key in enumerate(raw, 2)}
    meta = read_metadata(raw, lines, Path("a.md"), "piece", diags)
    return meta, [(d.location.line, d.message) for d in diags.items]


@pytest.mark.fast
def test_each_edition_has_its_own_isbn_and_one_without_a_format_serves_the_others():
    ids = [{"text": PRINT_ISBN, "format": "paperback"}, {"text": EPUB_ISBN, "format": "epub"}]
    meta, said = _metadata({"title": "T", "identifier": ids})
    assert said == []
    assert (meta.identifier_of("print").text, meta.identifier_of("epub").text) == (PRINT_ISBN, EPUB_ISBN)
    assert meta.print_id == "urn:isbn:9783161484100"
    meta, _ = _metadata({"title": "T", "identifier": [{"text": PRINT_ISBN, "format": "print"}, "10.1000/182"]})
    assert meta.identifier_of("epub").text == "10.1000/182"
    assert meta.print_id == "urn:isbn:9783161484100"
    meta, _ = _metadata({"title": "T", "identifier": PRINT_ISBN})
    assert meta.identifier_of("epub") == meta.identifier_of("print") == meta.identifier
    assert meta.print_id.startswith("urn:uuid:")  # as before: derived, the ISBN naming no edition of its own


@pytest.mark.fast
@pytest.mark.parametrize(
    "ids, message",
    [
        (
            [{"text": PRINT_ISBN, "format": "audiobook"}],
            "an identifier's format must be print or epub, not 'audiobook'",
        ),
        (
            [{"text": PRINT_ISBN, "format": "print"}, {"text": EPUB_ISBN, "format": "pdf"}],
            "two identifiers name the print edition",
        ),
        ([{"text": "978-3-16-148410-1", "format": "print"}], "ISBN '978-3-16-148410-1' is not valid"),
        ([{"text": PRINT_ISBN, "edition": "print"}], "unknown key 'edition' in 'identifier'"),
    ],
)
def test_a_wrong_identifier_for_an_edition_is_a_located_error(ids, message):
    _, said = _metadata({"title": "T", "identifier": ids})
    assert said and said[0][0] == 3 and said[0][1].startswith(message), said


@pytest.mark.fast
@pytest.mark.parametrize("isbn", [PRINT_ISBN, EPUB_ISBN, "979-10-90636-07-1"])
def test_the_barcode_bars_read_back_as_the_isbn(isbn):
    from pipeline.cover.barcode import MODULE, ean13

    for service in SERVICES.values():
        code = ean13(isbn, service.barcode, f"ISBN {isbn}")
        assert code.width <= service.barcode[0] and code.height <= service.barcode[1] + 0.001
        assert 0.8 <= code.magnification <= 1.0
        assert decode_ean13(modules_of_boxes(code.html, MODULE * code.magnification)) == isbn.replace("-", "")


@pytest.mark.fast
def test_a_barcode_is_not_drawn_for_a_wrong_check_digit():
    from pipeline.cover.barcode import modules

    with pytest.raises(ValueError, match="not a valid EAN-13"):
        modules("9783161484101")


@pytest.mark.fast
def test_the_spine_carries_text_only_from_the_services_page_count_and_when_wide_enough():
    from pipeline.cover.spread import geometry

    meta, _ = _metadata({"title": "T"})
    assert not geometry(meta, CoverOptions("kdp", "0.1mm"), 79).spine_text  # 7.9 mm, but KDP wants 80 pages
    assert geometry(meta, CoverOptions("kdp", "0.1mm"), 80).spine_text
    assert not geometry(meta, CoverOptions("kdp", "white"), 80).spine_text  # 4.6 mm: too narrow to read
    assert geometry(meta, CoverOptions("kdp", "white"), 120).spine_text
    assert not geometry(meta, CoverOptions("ingramspark", "0.15mm"), 47).spine_text
    assert geometry(meta, CoverOptions("ingramspark", "0.15mm"), 48).spine_text


@pytest.mark.fast
def test_the_cover_is_an_edition_one_may_name():
    from pipeline.errors import BuildError
    from pipeline.run.plan import check_arguments

    check_arguments(Diagnostics(), ["pdf", "cover"], 1, "local", None)
    with pytest.raises(BuildError) as caught:
        check_arguments(Diagnostics(), ["covers"], 1, "local", None)
    assert "cover" in caught.value.diagnostics[0].hint


# --- a built cover -------------------------------------------------------------

SLUG = "cover-book"
MANIFEST = f"""\
title: A Book With a Cover
subtitle: Printed on demand
author: Grace B. Hopper
lang: en
publisher: Pressroom Test Press
description: >-
  A book made by the test suite to carry a print cover: its blurb is this
  description, printed on the back above the barcode.
identifier:
  - {{text: {PRINT_ISBN}, format: print}}
  - {{text: {EPUB_ISBN}, format: epub}}
print:
  trim: 6x9in
print-cover:
  service: ingramspark
  paper: cream
contents: [one.md, two.md]
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    # Long enough for the fewest pages IngramSpark binds (18).
    paragraph = "A paragraph of the chapter, long enough to fill a line or two of the page. " * 8
    chapter = "# Chapter {}\n\n" + "\n\n".join([paragraph] * 22)
    project = make_project(
        tmp_path_factory.mktemp("cover"),
        {
            f"source/{SLUG}/publication.yaml": MANIFEST,
            f"source/{SLUG}/one.md": chapter.format("One"),
            f"source/{SLUG}/two.md": chapter.format("Two"),
        },
    )
    out = project / "dist"
    with source_date_epoch():
        pipeline.build(project, formats=("epub", "pdf"), out_dir=out)
    return out


def _boxes(path: Path) -> dict[str, list[float]]:
    info = subprocess.run(["pdfinfo", "-box", str(path)], capture_output=True, text=True, check=True).stdout
    return {m[1]: [float(v) for v in m[2].split()] for m in re.finditer(r"^(\w+Box):\s+(.*)$", info, re.M)}


def test_the_metadata_asks_for_the_cover_beside_the_print_edition(built):
    assert len(pikepdf.open(built / f"{SLUG}.pdf").pages) >= 18
    names = sorted(p.name for p in built.iterdir())
    assert names == ["SHA256SUMS", f"{SLUG}.cover.pdf", f"{SLUG}.epub", f"{SLUG}.pdf"]
    assert f"{SLUG}.cover.pdf" in (built / "SHA256SUMS").read_text()


def test_the_covers_boxes_are_the_spread_trimmed_and_with_its_bleed(built):
    pages = len(pikepdf.open(built / f"{SLUG}.pdf").pages)
    spine = pages * 25.4 / 400  # IngramSpark's creme: 400 pages an inch
    width, height = (2 * 152.4 + spine) * PT, 228.6 * PT
    bleed = 0.125 * INCH * PT
    boxes = _boxes(built / f"{SLUG}.cover.pdf")
    trim, media = boxes["TrimBox"], boxes["MediaBox"]
    assert trim[2] - trim[0] == pytest.approx(width, abs=0.05)
    assert trim[3] - trim[1] == pytest.approx(height, abs=0.05)
    assert boxes["BleedBox"] == media
    assert [trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3]] == pytest.approx(
        [bleed] * 4, abs=0.05
    )


def test_every_colour_of_the_cover_is_cmyk_under_the_output_intent(built):
    pdf = pikepdf.open(built / f"{SLUG}.cover.pdf")
    assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFX"
    operators = {str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])}
    assert "scn" in operators and not operators & {"rg", "RG", "g", "G"}
    spaces = [
        str(operands[0]) for operands, op in pikepdf.parse_content_stream(pdf.pages[0]) if str(op) in ("cs", "CS")
    ]
    assert spaces and set(spaces) == {"/DeviceCMYK"}


def test_the_cover_carries_title_authors_blurb_and_print_isbn(built):
    text = " ".join(" ".join(pdf_text_by_page(built / f"{SLUG}.cover.pdf")).split())
    for words in (
        "A Book With a Cover",
        "Printed on demand",
        "Grace B. Hopper",
        "printed on the back above the barcode",
    ):
        assert words in text
    assert f"ISBN {PRINT_ISBN}" in text and EPUB_ISBN not in text
    assert "Pressroom Test Press" in text


def test_the_barcode_scans_from_the_printed_pixels(built):
    import pypdfium2

    page = pypdfium2.PdfDocument(str(built / f"{SLUG}.cover.pdf"))[0]
    image = page.render(scale=600 / 72).to_pil().convert("L")
    width, height = image.size
    back = image.crop((width // 4, height // 2, width * 12 // 25, height))  # the back's lower right, by the spine
    found = set()
    for y in range(0, back.height, 12):
        row = [back.getpixel((x, y)) > 128 for x in range(back.width)]
        if True not in row:
            continue
        start, end = row.index(True), len(row) - row[::-1].index(True)  # the white box
        runs: list[list] = []
        for light in row[start:end]:
            if runs and runs[-1][0] == light:
                runs[-1][1] += 1
            else:
                runs.append([light, 1])
        bars = runs[1:-1]  # inside the quiet zones
        if not bars or bars[0][0]:
            continue
        module = sum(n for _, n in bars) / 95
        modules = "".join(("0" if light else "1") * round(n / module) for light, n in bars)
        if (digits := decode_ean13(modules)) is not None:
            found.add(digits)
    assert found == {PRINT_ISBN.replace("-", "")}


def test_the_epub_is_identified_by_its_own_isbn_and_both_editions_list_each(built):
    epub = built / f"{SLUG}.epub"
    opf = epub_xml(epub, opf_path(epub))
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    unique = opf.get("unique-identifier")
    assert opf.find(f".//dc:identifier[@id='{unique}']", ns).text == EPUB_ISBN
    # Its page-list names the print edition by the print ISBN.
    assert opf.find(".//opf:meta[@property='pageBreakSource']", ns).text == "urn:isbn:" + PRINT_ISBN.replace("-", "")
    imprint = " ".join(" ".join(pdf_text_by_page(built / f"{SLUG}.pdf")[:4]).split())
    assert f"ISBN {PRINT_ISBN} (print)" in imprint and f"ISBN {EPUB_ISBN} (EPUB)" in imprint


def _publication(built: Path):
    from pipeline import sources
    from pipeline.document import read_publication

    project = built.parent
    diags = Diagnostics(root=project)
    return read_publication(sources.load(project / "source" / SLUG, diags), project, diags, False), project


def test_the_same_sources_give_the_same_cover_and_no_warning(built):
    from pipeline.cover import make_cover

    with source_date_epoch():
        pub, project = _publication(built)
        pages = len(pikepdf.open(built / f"{SLUG}.pdf").pages)
        pdf, _, warned = make_cover(pub, project, pages)
    assert pdf == (built / f"{SLUG}.cover.pdf").read_bytes()
    assert warned == []


def test_text_too_long_for_its_place_on_the_cover_is_a_located_warning(built):
    from pipeline.cover import make_cover

    with source_date_epoch():
        pub, project = _publication(built)
        pub.metadata.description = "A blurb that goes on and on about the book. " * 60
        pub.metadata.title = "A Title So Long That No Spine Could Ever Hold It On One Line, However Thick The Book"
        _, geometry, warned = make_cover(pub, project, 400)
    assert geometry.spine_text
    said = {(str(w.location), w.message) for w in warned}
    where = f"source/{SLUG}/publication.yaml"
    assert said == {
        (f"{where}:6", "the description runs past the back cover's text area and is cut short"),
        (f"{where}:1", "the title and authors do not fit on one line of the spine and are cut short"),
    }


def test_a_book_shorter_than_the_service_binds_is_a_warning(built):
    from pipeline.cover import make_cover

    with source_date_epoch():
        pub, project = _publication(built)
        _, _, warned = make_cover(pub, project, 17)
    assert [(str(w.location), w.message) for w in warned] == [
        (
            f"source/{SLUG}/publication.yaml:14",
            "the print edition has 17 pages; ingramspark binds books of 18 pages or more",
        )
    ]


@pytest.mark.fast
def test_the_barcode_of_an_isbn_10_is_its_isbn_13():
    from pipeline.cover.spread import _barcode

    meta, _ = _metadata({"title": "T", "identifier": "0-306-40615-2"})
    code = _barcode(meta, CoverOptions())
    assert code is not None and "ISBN 978-0-306-40615-7" in code.html


def test_a_project_with_fonts_of_its_own_has_its_cover_set_in_them(tmp_path, repo_root):
    dejavu = repo_root / "styles" / "fonts" / "dejavu"
    faces = {"": ("normal", "normal"), "-Bold": ("bold", "normal"), "-Italic": ("normal", "italic")}
    sheet = "".join(
        f'@font-face {{ font-family: "DejaVu Serif"; src: url(fonts/own/DejaVuSerif{suffix}.ttf); '
        f"font-weight: {weight}; font-style: {style}; }}\n"
        for suffix, (weight, style) in faces.items()
    )
    files: dict[str, str | bytes] = {
        "styles/fonts.css": sheet,
        "source/piece/piece.md": "---\ntitle: Set in Another Face\nauthor: Ann Other\n"
        f"identifier: {PRINT_ISBN}\ndescription: Its blurb.\n---\n\nA paragraph.\n",
    }
    files.update({f"styles/fonts/own/DejaVuSerif{s}.ttf": (dejavu / f"DejaVuSerif{s}.ttf").read_bytes() for s in faces})
    project = make_project(tmp_path, files)
    from pipeline.cover import _fonts

    # Named, not left to the fallback: the house face first, then the project's.
    assert _fonts(project) == ('"Charis SIL", "DejaVu Serif"', '"DejaVu Sans Mono", "Charis SIL", "DejaVu Serif"')
    out = project / "dist"
    with source_date_epoch():
        pipeline.build(project, formats=("cover",), out_dir=out)
    cover = out / "piece.cover.pdf"
    fonts = subprocess.run(["pdffonts", str(cover)], capture_output=True, text=True, check=True).stdout
    assert "DejaVu-Serif" in fonts and "Charis" not in fonts
    text = " ".join(" ".join(pdf_text_by_page(cover)).split())
    assert "Set in Another Face" in text and "Ann Other" in text and f"ISBN {PRINT_ISBN}" in text


def test_check_gives_the_cover_its_structure_check_and_no_typographic_preflight(built, tmp_path):
    from pipeline.checks import check_outputs

    for name in (f"{SLUG}.pdf", f"{SLUG}.cover.pdf"):
        (tmp_path / name).write_bytes((built / name).read_bytes())
    checks = {(c.path.name, c.name): c.passed for c in check_outputs(tmp_path, strict=True)}
    assert checks[(f"{SLUG}.cover.pdf", "PDF structure")]
    assert (f"{SLUG}.cover.pdf", "Typographic preflight") not in checks
    assert (f"{SLUG}.pdf", "Typographic preflight") in checks
