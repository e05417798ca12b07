"""A book's manifest: front matter, parts, back matter, in both editions."""

from __future__ import annotations

import pytest
from lxml import etree

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
    types = {name: etree.fromstring(files[f"EPUB/text/{name}.xhtml"]).find("x:body", NS).get("{%s}type" % NS["epub"])
             for name in ("foreword", "one", "notes")}
    assert types == {"foreword": "frontmatter", "one": "bodymatter", "notes": "backmatter"}


def test_a_part_title_stands_alone_on_its_page_in_print(book):
    pages = pdf_text_by_page(book / "b.pdf")
    [part_page] = [t for t in pages if "Part One" in t and "Text of" not in t and "Contents" not in t
                   and "...." not in t and "." not in t.replace("Part One", "")]
    assert "Part One" in part_page


@pytest.mark.parametrize("contents, message", [
    ("  - part: Untitled\n", "a part needs a title and a list of files"),
    ("  - file: one.md\n    role: middle\n", "role 'middle'"),
])
def test_a_wrong_manifest_entry_is_a_located_error(tmp_path, contents, message):
    files = {"source/b/publication.yaml": f"title: Wrong\ncontents:\n{contents}", "source/b/one.md": "# One\n\nText.\n"}
    project = make_project(tmp_path, files)
    with pytest.raises(BuildError) as caught:
        pipeline.build(project)
    [error] = [d for d in caught.value.diagnostics if message in d.message]
    assert str(error.location) == "source/b/publication.yaml:2"
