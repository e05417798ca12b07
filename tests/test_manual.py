"""The Pressroom manual (source/pressroom-manual/), the repository's own book.

It is built once per module, strictly (a warning fails the build), with
SOURCE_DATE_EPOCH set, into a temporary folder; then the editions are read:
EPUBCheck and Ace report nothing, every chapter is in the EPUB's navigation
and the PDF's outline, the images of every kind are in the package with
their media types, and the formulas are MathML with their TeX as alttext.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest
import yaml
from lxml import etree
from pypdf import PdfReader

import pipeline
from conftest import REPO, Built, NS, epub_files, epubcheck, format_messages, opf_path, source_date_epoch
from test_epub_accessibility import ace_report, check_page_list, violations

SLUG = "pressroom-manual"
FOLDER = REPO / "source" / SLUG
MATHML = "http://www.w3.org/1998/Math/MathML"
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml"}


def manifest_entries() -> list:
    return yaml.safe_load((FOLDER / "publication.yaml").read_text(encoding="utf-8"))["contents"]


def chapter_files() -> list[str]:
    return [entry if isinstance(entry, str) else entry["file"] for entry in manifest_entries()]


def chapter_title(name: str) -> str:
    """The text of the chapter's one '#' heading (its first line starting '# ')."""
    for line in (FOLDER / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return re.sub(r"\s*\{[^}]*\}\s*$", "", line[2:]).strip()
    raise AssertionError(f"{name} has no '#' heading")


@pytest.fixture(scope="module")
def manual(tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp("manual-dist")
    with source_date_epoch():
        result = pipeline.build(REPO, [SLUG], formats=("epub", "pdf"), out_dir=out, strict=True)
    return Built(result, out, SLUG)


@pytest.fixture(scope="module")
def files(manual) -> dict[str, bytes]:
    return epub_files(manual.epub)


@pytest.fixture(scope="module")
def package(manual, files):
    """(the OPF's folder inside the EPUB, the parsed OPF)."""
    name = opf_path(manual.epub)
    return str(PurePosixPath(name).parent), etree.fromstring(files[name])


def _xhtml(files: dict[str, bytes], folder: str, href: str):
    return etree.fromstring(files[str(PurePosixPath(folder) / href)])


def test_the_manual_builds_strictly_without_a_message(manual):
    assert [str(d) for d in manual.result.diagnostics] == []
    assert {o.edition for o in manual.result.outputs} == {"epub", "pdf"}
    assert manual.epub.is_file() and manual.pdf.is_file()


def test_epubcheck_reports_nothing(manual):
    messages = epubcheck(manual.epub)
    assert messages == [], format_messages(messages)


def test_ace_passes_with_no_violation(manual, tmp_path):
    report = ace_report(manual.epub, tmp_path / "ace")
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"


def test_every_chapter_is_in_the_epub_navigation_in_order(files, package):
    folder, opf = package
    nav_item = opf.find(".//opf:manifest/opf:item[@properties='nav']", NS)
    nav = _xhtml(files, folder, nav_item.get("href"))
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    top = toc.findall("x:ol/x:li/x:a", NS)
    expected = [(Path(name).stem, chapter_title(name)) for name in chapter_files()]
    found = [(PurePosixPath(a.get("href").split("#")[0]).stem, " ".join("".join(a.itertext()).split()))
             for a in top]
    assert found == expected
    # toc-depth: 2, so the chapters' sections are listed under them, and nothing deeper.
    assert len(toc.findall("x:ol/x:li/x:ol/x:li", NS)) >= 3 * len(expected)
    assert toc.findall("x:ol/x:li/x:ol/x:li/x:ol", NS) == []


def test_front_and_back_matter_are_marked_in_the_epub(files, package):
    folder, opf = package
    matter = {"front": "frontmatter", "back": "backmatter"}
    for entry in manifest_entries():
        name, role = (entry, None) if isinstance(entry, str) else (entry["file"], entry.get("role"))
        body = _xhtml(files, folder, f"text/{Path(name).stem}.xhtml").find("x:body", NS)
        assert body.get("{%s}type" % NS["epub"]) == matter.get(role, "bodymatter"), name


def test_every_chapter_is_in_the_pdf_outline_in_order(manual):
    outline = PdfReader(str(manual.pdf)).outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top == [chapter_title(name) for name in chapter_files()]


def test_each_image_kind_is_in_the_manifest_with_its_media_type(files, package):
    folder, opf = package
    items = opf.findall(".//opf:manifest/opf:item", NS)
    images = sorted(p for p in (FOLDER / "images").iterdir() if p.suffix.lower() in MEDIA_TYPES)
    kinds = set()
    for image in images:
        matches = [i for i in items if re.fullmatch(
            rf"images/{re.escape(image.stem)}-[0-9a-f]{{8}}{re.escape(image.suffix.lower())}", i.get("href"))]
        assert len(matches) == 1, f"{image.name} is not in the EPUB's manifest once"
        item = matches[0]
        assert item.get("media-type") == MEDIA_TYPES[image.suffix.lower()], image.name
        assert files[str(PurePosixPath(folder) / item.get("href"))] == image.read_bytes()
        kinds.add(item.get("media-type"))
    assert {"image/png", "image/jpeg", "image/svg+xml", "image/gif"} <= kinds


def test_images_have_alternative_text_or_are_decorative(files, package):
    folder, opf = package
    informative, decorative = 0, 0
    for name in chapter_files():
        doc = _xhtml(files, folder, f"text/{Path(name).stem}.xhtml")
        for img in doc.iter("{%s}img" % NS["x"]):
            if img.get("role") == "presentation":
                assert img.get("alt") == ""
                decorative += 1
            else:
                assert len((img.get("alt") or "").split()) >= 5, f"{name}: thin alt text on {img.get('src')}"
                informative += 1
    assert informative >= 4 and decorative >= 1


def test_math_is_mathml_with_its_tex_as_alttext(files, package):
    folder, opf = package
    formulas = []
    for name in chapter_files():
        doc = _xhtml(files, folder, f"text/{Path(name).stem}.xhtml")
        assert not doc.xpath("//*[contains(concat(' ', @class, ' '), ' arithmatex ')]"), name
        formulas += doc.iter("{%s}math" % MATHML)
    assert formulas, "the manual has formulas"
    for math in formulas:
        assert (math.get("alttext") or "").strip(), etree.tostring(math)[:120]
    assert {m.get("display") for m in formulas} >= {"inline", "block"}
    features = {m.text for m in opf.findall(".//opf:meta[@property='schema:accessibilityFeature']", NS)}
    assert "MathML" in features


def test_links_cross_chapters_and_notes_are_in_several_chapters(files, package):
    folder, opf = package
    cross, with_notes = 0, 0
    for name in chapter_files():
        doc = _xhtml(files, folder, f"text/{Path(name).stem}.xhtml")
        for a in doc.iter("{%s}a" % NS["x"]):
            href = a.get("href") or ""
            target, _, fragment = href.partition("#")
            if target.endswith(".xhtml") and target != f"{Path(name).stem}.xhtml" and fragment:
                linked = _xhtml(files, folder, f"text/{target}")
                assert linked.xpath(f"//*[@id='{fragment}']"), f"{name}: {href} leads nowhere"
                cross += 1
        if doc.xpath("//*[@epub:type='footnote']", namespaces=NS):
            with_notes += 1
    assert cross >= 10 and with_notes >= 2


def test_the_page_list_points_at_the_words_each_print_page_begins_with(manual):
    # Tables whose header repeats, code, lists and notes: each page-break
    # marker sits at the word the printed page begins with.
    assert check_page_list(manual.epub, manual.pdf) >= 60
