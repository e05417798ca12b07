"""The words Pressroom writes itself, in the language of the text: captions,
page references, contents, colophon, and what a screen reader announces."""

from __future__ import annotations

import io

import pytest
from lxml import etree
from PIL import Image

import pipeline
from conftest import NS, epub_files, epubcheck, format_messages, make_project, pdf_text_by_page, source_date_epoch
from pipeline.terms import TERMS, term


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1000), "red").save(out, "PNG")
    return out.getvalue()


GERMAN = (
    "---\ntitle: Ein Flugblatt\nlang: de\npublisher: Ein Verlag\ndate: 2021-03-05\n---\n\n"
    "## Erster Abschnitt\n\nSiehe [](#figure-1){.page} und [](#table-1).\n\n"
    "![Ein rotes Feld](rot.png)\n\n/// figure-caption\nEin rotes Feld.\n///\n\n"
    "| A | B |\n|---|---|\n| 1 | 2 |\n\n/// table-caption\nZahlen.\n///\n\n"
    "Ein Satz mit Anmerkung.[^1]\n\n[^1]: Die Anmerkung.\n"
)


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("de"), {"source/blatt/article.md": GERMAN, "source/blatt/rot.png": _png()}
    )
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub", "pdf"))
    assert not result.diagnostics, [str(d) for d in result.diagnostics]
    return project / "dist"


@pytest.mark.fast
def test_every_language_of_the_table_has_every_term():
    assert all(set(words) == set(TERMS["en"]) for words in TERMS.values())
    assert term("figure", "de-AT") == "Abbildung" and term("figure", "sw") == "Figure", (
        "by the primary subtag; English for a language not in the table"
    )


def test_a_german_text_gets_german_captions_references_and_contents_in_print(german):
    text = "\n".join(pdf_text_by_page(german / "blatt.pdf"))
    for words in (
        "Inhalt",
        "Abbildung 1. Ein rotes Feld.",
        "Tabelle 1. Zahlen.",
        "Abbildung 1, Seite",
        "Tabelle 1",
        "5. März 2021",
    ):
        assert words in " ".join(text.split()), f"{words!r} is not in the PDF"
    assert "Figure" not in text and "Contents" not in text and ", page" not in text


def test_a_german_epub_names_its_parts_in_german_and_stays_valid(german):
    epub = german / "blatt.epub"
    assert epubcheck(epub) == [], format_messages(epubcheck(epub))
    files = epub_files(epub)
    nav = etree.fromstring(files["EPUB/text/nav.xhtml"])
    marks = [a.text for a in nav.find(".//x:nav[@epub:type='landmarks']", NS).iter("{%s}a" % NS["x"])]
    assert marks == ["Umschlag", "Titelseite", "Inhalt", "Beginn des Textes"]
    colophon = etree.fromstring(files["EPUB/text/colophon.xhtml"])
    lines = ["".join(p.itertext()) for p in colophon.iter("{%s}p" % NS["x"])]
    assert "Herausgegeben von Ein Verlag." in lines and "Diese Ausgabe: 5. März 2021." in lines, lines
    chapter = next(
        data.decode()
        for name, data in files.items()
        if "Erster Abschnitt" in data.decode(errors="ignore") and name.startswith("EPUB/text/") and "nav" not in name
    )
    assert 'aria-label="Anmerkungen"' in chapter and "Abbildung 1." in chapter
    cover = files["EPUB/text/cover.xhtml"].decode()
    assert 'alt="Umschlag: Ein Flugblatt"' in cover
