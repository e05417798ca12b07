"""EPUB details a store or reader depends on: covers, fonts, languages."""

from __future__ import annotations

import io

from lxml import etree
from PIL import Image

import pipeline
from conftest import NS, epub_files, epubcheck, format_messages, make_project, source_date_epoch


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 2400), (120, 20, 20)).save(out, "JPEG", quality=80)
    return out.getvalue()


def _build(tmp_path, files):
    project = make_project(tmp_path, files)
    with source_date_epoch():
        pipeline.build(project, formats=("epub",))
    epub = next((project / "dist").glob("*.epub"))
    return epub, epub_files(epub)


def test_a_given_cover_image_is_the_cover_readers_show(tmp_path):
    epub, files = _build(
        tmp_path,
        {
            "source/c/a.md": "---\ntitle: Covered\nlang: en\ncover-image: front.jpg\n---\n\nText.\n",
            "source/c/front.jpg": _jpeg(),
        },
    )
    assert epubcheck(epub) == []
    opf = etree.fromstring(files["EPUB/content.opf"])
    [item] = opf.findall(".//opf:item[@properties='cover-image']", NS)
    assert item.get("media-type") == "image/jpeg"
    assert files[f"EPUB/{item.get('href')}"] == (tmp_path / "source/c/front.jpg").read_bytes()
    cover = etree.fromstring(files["EPUB/text/cover.xhtml"])
    img = cover.find(".//x:img", NS)
    assert img.get("src") == f"../{item.get('href')}" and img.get("alt")
    nav = etree.fromstring(files["EPUB/text/nav.xhtml"])
    landmarks = {
        a.get("{%s}type" % NS["epub"]): a.get("href") for a in nav.findall(".//x:nav[@epub:type='landmarks']//x:a", NS)
    }
    assert landmarks["cover"] == "cover.xhtml"
    assert {"titlepage", "toc", "bodymatter"} <= set(landmarks)


def test_without_a_cover_image_a_typographic_cover_is_made(tmp_path):
    _, files = _build(tmp_path, {"source/c/a.md": "---\ntitle: Uncovered\npublisher: A Press\n---\n\nText.\n"})
    cover = Image.open(io.BytesIO(files["EPUB/images/cover.png"]))
    assert cover.size == (1600, 2400)
    assert len(cover.convert("L").getcolors(65536) or []) > 2, "the cover carries text, not a flat colour"


def test_fonts_are_embedded_on_request_with_font_media_types(tmp_path):
    epub, files = _build(
        tmp_path,
        {"source/f/a.md": "---\ntitle: Fonts\nlang: en\nepub:\n  embed-fonts: true\n---\n\nText and `code`.\n"},
    )
    messages = epubcheck(epub)
    assert [m for m in messages if m["severity"] != "USAGE"] == [], format_messages(messages)
    # The only usage note is EPUBCheck's remark that @font-face is used.
    assert {m["ID"] for m in messages} <= {"CSS-028"}
    opf = etree.fromstring(files["EPUB/content.opf"])
    fonts = [i for i in opf.findall(".//opf:item", NS) if i.get("href").startswith("fonts/")]
    assert fonts and all(i.get("media-type") == "font/ttf" for i in fonts)
    css = files["EPUB/styles/edition.css"].decode()
    for item in fonts:
        assert f"url(../{item.get('href')})" in css
    colophon = files["EPUB/text/colophon.xhtml"].decode()
    assert "SIL Open Font License" in colophon


def test_fonts_are_not_shipped_unless_asked(tmp_path):
    _, files = _build(tmp_path, {"source/f/a.md": "---\ntitle: Plain\n---\n\nText.\n"})
    assert not [n for n in files if n.startswith("EPUB/fonts/")]
    assert "@font-face" not in files["EPUB/styles/edition.css"].decode()


def test_language_is_on_the_package_every_document_and_foreign_passages(tmp_path):
    epub, files = _build(
        tmp_path,
        {"source/l/a.md": "---\ntitle: Langues\nlang: fr\n---\n\nUn texte.\n\nAn English passage.\n{lang=en-GB}\n"},
    )
    assert epubcheck(epub) == []
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert opf.find(".//dc:language", NS).text == "fr"
    for name, data in files.items():
        if name.endswith(".xhtml"):
            root = etree.fromstring(data)
            assert root.get("lang") == "fr" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr", name
    doc = etree.fromstring(files["EPUB/text/a.xhtml"])
    [passage] = doc.findall(".//x:p[@lang]", NS)
    assert passage.get("lang") == "en-GB"
    assert passage.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
