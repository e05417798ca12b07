"""A book's manifest: front matter, parts, back matter, in both editions; and a book without one."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from lxml import etree
from pypdf import PdfReader

import pipeline
from pipeline import BuildError
from conftest import NS, epub_files, epubcheck, make_project, pdf_text_by_page, source_date_epoch

MANIFEST = """\
title: A Book in Parts
lang: en
contents:
  - file: foreword.md
    role: front
  - part: Part One
    contents:
      - one.md
      - two.md
  - part: Part Two
    contents:
      - three.md
  - file: notes.md
    role: back
"""


def _files():
    files = {"source/b/publication.yaml": MANIFEST}
    for name in ("foreword", "one", "two", "three", "notes"):
        files[f"source/b/{name}.md"] = f"# {name.title()}\n\nText of {name}.\n\n## A section of {name}\n\nMore.\n"
    return files


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("parts"), _files())
    with source_date_epoch():
        pipeline.build(project, formats=("epub", "pdf"))
    return project / "dist"


def test_the_epub_is_valid(book):
    assert epubcheck(book / "b.epub") == []


def test_parts_nest_their_chapters_in_the_contents(book):
    nav = etree.fromstring(epub_files(book / "b.epub")["EPUB/text/nav.xhtml"])
    top = nav.findall(".//x:nav[@epub:type='toc']/x:ol/x:li", NS)
    assert [li.find("x:a", NS).text for li in top] == ["Foreword", "Part One", "Part Two", "Notes"]
    assert [a.text for a in top[1].findall("x:ol/x:li/x:a", NS)] == ["One", "Two"]
    assert [a.text for a in top[2].findall("x:ol/x:li/x:a", NS)] == ["Three"]


def test_each_part_is_a_document_of_its_own_marked_as_a_part(book):
    files = epub_files(book / "b.epub")
    part = etree.fromstring(files["EPUB/text/part-1.xhtml"])
    section = part.find(".//x:section", NS)
    assert section.get("{%s}type" % NS["epub"]) == "part" and section.get("role") == "doc-part"
    assert "".join(part.find(".//x:h1", NS).itertext()) == "Part One"
    # A chapter inside a part: its title is a level below the part's.
    one = etree.fromstring(files["EPUB/text/one.xhtml"])
    assert one.find(".//x:h2[@class='chapter-title']", NS) is not None


def test_front_and_back_matter_are_marked_in_the_epub(book):
    files = epub_files(book / "b.epub")
    types = {
        name: etree.fromstring(files[f"EPUB/text/{name}.xhtml"]).find("x:body", NS).get("{%s}type" % NS["epub"])
        for name in ("foreword", "one", "notes")
    }
    assert types == {"foreword": "frontmatter", "one": "bodymatter", "notes": "backmatter"}


def test_a_part_title_stands_alone_on_its_page_in_print(book):
    pages = pdf_text_by_page(book / "b.pdf")
    [part_page] = [
        t
        for t in pages
        if "Part One" in t
        and "Text of" not in t
        and "Contents" not in t
        and "...." not in t
        and "." not in t.replace("Part One", "")
    ]
    assert "Part One" in part_page


@pytest.mark.parametrize(
    "contents, message",
    [
        ("  - part: Untitled\n", "a part needs a title and a list of files"),
        ("  - file: one.md\n    role: middle\n", "role 'middle'"),
    ],
)
def test_a_wrong_manifest_entry_is_a_located_error(tmp_path, contents, message):
    files = {"source/b/publication.yaml": f"title: Wrong\ncontents:\n{contents}", "source/b/one.md": "# One\n\nText.\n"}
    project = make_project(tmp_path, files)
    with pytest.raises(BuildError) as caught:
        pipeline.build(project)
    [error] = [d for d in caught.value.diagnostics if message in d.message]
    assert str(error.location) == "source/b/publication.yaml:2"


# File names whose name order is neither the order of their numbers (1, 2,
# 5, 10) nor of their titles; the .txt file is not a chapter.
UNLISTED = {
    "source/u/1-one.md": "# Mango\n\nText of one.\n",
    "source/u/10-ten.md": "# Apple\n\nText of ten.\n",
    "source/u/02-two.md": "---\ntitle: A Book Without a Manifest\nlang: en\n---\n\n# Zebra\n\nText of two.\n",
    "source/u/05-five.markdown": "# Kiwi\n\nText of five.\n",
    "source/u/00-notes.txt": "Not a chapter.\n",
}


@pytest.fixture(scope="module")
def unlisted(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("unlisted"), UNLISTED)
    with source_date_epoch():
        pipeline.build(project, formats=("epub", "pdf"))
    return project / "dist"


def test_a_book_without_a_manifest_takes_its_files_in_name_order(unlisted):
    expected = ["Zebra", "Kiwi", "Mango", "Apple"]  # 02-two, 05-five, 1-one, 10-ten
    files = epub_files(unlisted / "u.epub")
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert opf.findtext(".//dc:title", namespaces=NS) == "A Book Without a Manifest"  # the first file's front matter
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    spine = [hrefs[ref.get("idref")] for ref in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    chapters = [h for h in spine if PurePosixPath(h).stem not in ("cover", "titlepage", "nav", "colophon")]
    assert chapters == ["text/c-02-two.xhtml", "text/c-05-five.xhtml", "text/c-1-one.xhtml", "text/c-10-ten.xhtml"]
    nav = etree.fromstring(files["EPUB/text/nav.xhtml"])
    assert [a.text for a in nav.findall(".//x:nav[@epub:type='toc']/x:ol/x:li/x:a", NS)] == expected
    assert [item.title for item in PdfReader(str(unlisted / "u.pdf")).outline] == expected
    pages = pdf_text_by_page(unlisted / "u.pdf")
    firsts = [next(i for i, t in enumerate(pages) if f"Text of {n}." in t) for n in ("two", "five", "one", "ten")]
    assert firsts == sorted(firsts)
    assert not any("Not a chapter." in t for t in pages)
