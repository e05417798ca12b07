"""The repository's sample article, built once: both editions checked against
the source, the seed text it was made from, and the validators."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from conftest import (
    NS,
    REPO,
    SAMPLE,
    epub_files,
    epubcheck,
    format_messages,
    opf_path,
    page_of_heading,
    pdf_lines_by_page,
    printed_folio,
)

TITLE = "Mali: Mass protests and coup"
PUBLISHER = "League for the Fifth International"
SECTIONS = [
    "Mass Movement",
    "2012: Tuareg uprising and Islamic Caliphate",
    "The coup of 2012",
    "Conflict in Central Mali",
    "Strategy and programme",
]
SOURCE = REPO / "source" / SAMPLE / "article.md"
# The article as it was received (web-page text), kept with the tests.
SEED = REPO / "tests" / "data" / f"{SAMPLE}.txt"
# The first three lines of the seed are what the web page put around the
# article: a site menu label, the page title (the publication's title now
# lives in the front matter) and the print/PDF buttons.
SEED_DEBRIS = ["National Sections of the L5I:", TITLE, "Printer-friendly versionPDF version"]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _front_matter_and_body(text: str) -> tuple[str, str]:
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    assert match, "the article has no YAML front matter"
    return match.group(1), match.group(2)


# --- PDF helpers ---------------------------------------------------------


@pytest.fixture(scope="module")
def reader(sample_build) -> PdfReader:
    return PdfReader(str(sample_build.pdf))


@pytest.fixture(scope="module")
def pages(sample_build) -> list[list[str]]:
    return pdf_lines_by_page(sample_build.pdf)


@pytest.fixture(scope="module")
def contents_page(pages) -> int:
    found = [i for i, lines in enumerate(pages[:4]) if lines and lines[0] == "Contents"]
    assert found, "no page among the first four starts with 'Contents':\n" + "\n---\n".join(
        "\n".join(lines) for lines in pages[:4]
    )
    return found[0]


def _xmp(reader: PdfReader):
    stream = reader.trailer["/Root"]["/Metadata"].get_object()
    return etree.fromstring(stream.get_data())


def _xmp_values(xmp, name: str) -> list[str]:
    return [li.text for el in xmp.iter(f"{{{NS['dc']}}}{name}") for li in el.iter(f"{{{NS['rdf']}}}li")]


# --- build ----------------------------------------------------------------


def test_build_reports_both_editions_without_diagnostics(sample_build):
    outputs = [o for o in sample_build.result.outputs if o.publication == SAMPLE]
    assert sorted(o.edition for o in outputs) == ["bag", "epub", "pdf", "pdf/a"]
    assert sample_build.result.diagnostics == []
    for output in outputs:
        assert output.path.is_file()
        assert output.size == output.path.stat().st_size


# --- EPUB -----------------------------------------------------------------


def test_epubcheck_reports_no_message_at_all(sample_build):
    messages = epubcheck(sample_build.epub)
    assert messages == [], "EPUBCheck (with --usage) reported:\n" + format_messages(messages)


@pytest.fixture(scope="module")
def opf(sample_build):
    return etree.fromstring(epub_files(sample_build.epub)[opf_path(sample_build.epub)])


def test_opf_has_title_language_publisher_and_modified(opf):
    meta = opf.find("opf:metadata", NS)
    assert [t.text for t in meta.findall("dc:title", NS)] == [TITLE]
    assert [t.text for t in meta.findall("dc:language", NS)] == ["en"]
    assert [t.text for t in meta.findall("dc:publisher", NS)] == [PUBLISHER]
    modified = meta.findall("opf:meta[@property='dcterms:modified']", NS)
    # SOURCE_DATE_EPOCH=1700000000 was set for the build.
    assert [m.text for m in modified] == ["2023-11-14T22:13:20Z"]


def test_opf_invents_no_author_and_no_date(opf):
    meta = opf.find("opf:metadata", NS)
    assert meta.findall("dc:creator", NS) == [], "the source names no author"
    assert meta.findall("dc:date", NS) == [], "the source gives no publication date"


def test_colophon_falls_back_on_the_build_date_and_the_derived_identifier(sample_build, opf):
    """The article gives no date, rights or identifier: the edition date is
    the build's, the identifier the one derived for the OPF."""
    unique = opf.get("unique-identifier")
    ident = opf.find(f"opf:metadata/dc:identifier[@id='{unique}']", NS).text
    files = epub_files(sample_build.epub)
    [doc] = [
        etree.fromstring(data)
        for name, data in files.items()
        if name.endswith(".xhtml") and etree.fromstring(data).xpath("//x:section[@epub:type='colophon']", namespaces=NS)
    ]
    lines = [_squash("".join(p.itertext())) for p in doc.xpath("//x:section[@epub:type='colophon']/x:p", namespaces=NS)]
    assert lines == [TITLE, f"Published by {PUBLISHER}.", "This edition: November 14, 2023.", f"Identifier: {ident}"]


def test_accessibility_metadata_claims_nothing_the_article_lacks(opf):
    """The article has no images: no visual access mode, no alt-text claim."""
    values: dict[str, list[str]] = {}
    for m in opf.find("opf:metadata", NS).iterfind("opf:meta[@property]", NS):
        values.setdefault(m.get("property"), []).append(m.text)
    assert values.get("schema:accessMode") == ["textual"]
    assert "alternativeText" not in values.get("schema:accessibilityFeature", [])
    assert "tableOfContents" in values.get("schema:accessibilityFeature", [])
    assert values.get("schema:accessibilitySummary")


def _nav_document(sample_build, opf):
    base = Path(opf_path(sample_build.epub)).parent
    item = next(i for i in opf.iterfind("opf:manifest/opf:item", NS) if "nav" in (i.get("properties") or "").split())
    name = (base / item.get("href")).as_posix()
    return name, etree.fromstring(epub_files(sample_build.epub)[name])


def _target_exists(files: dict, from_doc: str, href: str) -> bool:
    path, _, fragment = href.partition("#")
    target = (Path(from_doc).parent / path).as_posix() if path else from_doc
    target = re.sub(r"[^/]+/\.\./", "", target)
    if target not in files:
        return False
    if not fragment:
        return True
    return bool(etree.fromstring(files[target]).xpath("//*[@id=$id]", id=fragment))


def test_nav_lists_the_five_sections_and_each_link_lands(sample_build, opf):
    name, nav = _nav_document(sample_build, opf)
    toc = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    assert len(toc) == 1
    links = toc[0].xpath(".//x:a", namespaces=NS)
    assert [_squash("".join(a.itertext())) for a in links] == SECTIONS
    files = epub_files(sample_build.epub)
    for a in links:
        assert _target_exists(files, name, a.get("href")), f"nav link {a.get('href')} leads nowhere"


def test_ncx_lists_the_five_sections_and_each_link_lands(sample_build, opf):
    base = Path(opf_path(sample_build.epub)).parent
    item = opf.find("opf:manifest/opf:item[@media-type='application/x-dtbncx+xml']", NS)
    assert item is not None, "no NCX in the manifest"
    name = (base / item.get("href")).as_posix()
    files = epub_files(sample_build.epub)
    ncx = etree.fromstring(files[name])
    points = ncx.findall(".//ncx:navPoint", NS)
    assert [p.findtext("ncx:navLabel/ncx:text", namespaces=NS) for p in points] == SECTIONS
    for p in points:
        src = p.find("ncx:content", NS).get("src")
        assert _target_exists(files, name, src), f"NCX link {src} leads nowhere"


# --- PDF metadata ---------------------------------------------------------


def test_pdf_info_has_title_and_publisher(reader):
    info = reader.trailer["/Info"].get_object()
    assert info.get("/Title") == TITLE
    assert info.get("/Publisher") == PUBLISHER, f"document info keys: {sorted(info)}"


def test_pdf_catalog_language_is_en(reader):
    assert reader.trailer["/Root"].get("/Lang") == "en"


def test_pdf_xmp_has_publisher_and_language(reader):
    xmp = _xmp(reader)
    assert _xmp_values(xmp, "publisher") == [PUBLISHER]
    assert _xmp_values(xmp, "language") == ["en"]


# --- PDF navigation -------------------------------------------------------


def test_pdf_outline_is_the_five_sections_pointing_at_their_pages(reader, pages, contents_page):
    outline = reader.outline
    assert all(not isinstance(item, list) for item in outline), "the article's outline should be flat"
    assert [item.title for item in outline] == SECTIONS
    for item in outline:
        where = page_of_heading(pages, item.title, skip={contents_page})
        assert where is not None, f"heading {item.title!r} is on no page"
        assert reader.get_destination_page_number(item) == where, (
            f"bookmark {item.title!r} points at page index {reader.get_destination_page_number(item)}, "
            f"the heading is on page index {where}"
        )


def test_contents_page_numbers_are_the_folios_of_the_headings(pages, contents_page):
    lines = pages[contents_page]
    listed = {}
    for line in lines[1:]:
        match = re.fullmatch(r"(?P<title>.+?)[\s.]*?\s(?P<page>\d+)", line)
        if match:
            listed[_squash(match.group("title").rstrip(" ."))] = int(match.group("page"))
    assert list(listed) == SECTIONS, "contents page lines:\n" + "\n".join(lines)
    for title, number in listed.items():
        where = page_of_heading(pages, title, skip={contents_page})
        assert where is not None, f"heading {title!r} is on no page"
        folio = printed_folio(pages[where])
        expected = folio if folio is not None else where + 1
        assert number == expected, f"contents says {title!r} is on page {number}; it is on the page numbered {expected}"


def _fonts_in(resources, seen: set):
    """Yield (name, font dictionary) for every font reachable from a resource
    dictionary, including those of form XObjects and Type3 glyph resources."""
    resources = resources.get_object() if resources is not None else None
    if not resources:
        return
    for name, ref in (resources.get("/Font") or {}).items():
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        if key in seen:
            continue
        seen.add(key)
        font = ref.get_object()
        yield name, font
        if font.get("/Subtype") == "/Type3":
            yield from _fonts_in(font.get("/Resources"), seen)
    for ref in (resources.get("/XObject") or {}).values():
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        if key in seen:
            continue
        seen.add(key)
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts_in(xobject.get("/Resources"), seen)


def _is_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are content streams inside the font itself
    if font.get("/Subtype") == "/Type0":
        return all(_is_embedded(d.get_object()) for d in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_every_font_is_embedded(reader):
    fonts, missing = 0, []
    seen: set = set()
    for number, page in enumerate(reader.pages):
        for name, font in _fonts_in(page.get("/Resources"), seen):
            fonts += 1
            if not _is_embedded(font):
                missing.append(f"page {number + 1}: {name} {font.get('/BaseFont')}")
    assert fonts, "no font found in the PDF at all"
    assert missing == []


# --- the source against its seed -----------------------------------------


def test_source_has_the_five_sections_as_level_two_headings():
    _, body = _front_matter_and_body(SOURCE.read_text(encoding="utf-8"))
    headings = re.findall(r"^(#{1,6})\s+(.+?)\s*#*\s*$", body, re.M)
    assert headings == [("##", title) for title in SECTIONS]


def test_source_front_matter_carries_the_title():
    import yaml

    front, _ = _front_matter_and_body(SOURCE.read_text(encoding="utf-8"))
    meta = yaml.safe_load(front)
    assert meta["title"] == TITLE
    assert meta["publisher"] == PUBLISHER
    assert meta["lang"] == "en"


def test_source_keeps_every_sentence_of_the_seed_but_the_web_debris():
    seed_lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert seed_lines[:3] == SEED_DEBRIS, "the seed no longer starts with the three debris lines"
    _, body = _front_matter_and_body(SOURCE.read_text(encoding="utf-8"))
    text = _squash(body)
    missing = []
    for line in seed_lines[3:]:
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if _squash(sentence) not in text:
                missing.append(sentence)
    assert missing == [], f"{len(missing)} sentences of the seed are not in the source"
    for heading in SECTIONS:
        assert heading in seed_lines, f"{heading!r} is not a line of the seed"
    body_lines = {line.strip().lstrip("#").strip() for line in body.splitlines()}
    for debris in SEED_DEBRIS:
        assert debris not in body_lines, f"web debris {debris!r} is in the article's body"
