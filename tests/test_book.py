"""A small three-chapter book made by the test: chapter files, notes, a table,
code, images, a link across chapters and nested headings, checked in both
editions. Built once per module with SOURCE_DATE_EPOCH set."""

from __future__ import annotations

import io
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

import pipeline
from conftest import (
    NS,
    epub_files,
    epubcheck,
    format_messages,
    make_project,
    opf_path,
    page_of_heading,
    pdf_lines_by_page,
    source_date_epoch,
)

SLUG = "small-book"
ISBN = "978-3-16-148410-0"
MAP_ALT = "A red rectangle standing for a map of the region"

MANIFEST = f"""\
title: A Small Test Book
author:
  - name: Ada Q. Lovelace
    role: aut
    file-as: Lovelace, Ada Q.
lang: en-GB
identifier: {ISBN}
publisher: Pressroom Test Press
date: 2024-03-15
rights: Copyright 2024 Ada Q. Lovelace. All rights reserved.
subject:
  - Testing
  - Typesetting
description: A three-chapter book made by the test suite.
contents:
  - one.md
  - two.md
  - three.md
"""

ONE = f"""\
# Chapter One

The first chapter makes a claim.[^1] It points ahead to [the heading in chapter three](three.md#some-heading).

![{MAP_ALT}](map.png)

| Name | Value |
|------|-------|
| alpha | 1 |
| beta | 2 |

### A nested section

Some text in the nested section.

[^1]: The note of chapter one.
"""

TWO = """\
# Chapter Two

The second chapter has code:

```python
def greet(name):
    return f"Hello, {name}!"
```

And the second chapter makes a second claim.[^1]

![](rule.png){.decorative}

[^1]: The note of chapter two.
"""

THREE = """\
# Chapter Three

## Some Heading

The end of the book.
"""

# (title, children) of the contents, in both the EPUB nav and the PDF outline.
CONTENTS = [
    ("Chapter One", [("A nested section", [])]),
    ("Chapter Two", []),
    ("Chapter Three", [("Some Heading", [])]),
]
# A sentence with a note call, and the note's text.
NOTES = [
    ("The first chapter makes a claim.", "The note of chapter one."),
    ("And the second chapter makes a second claim.", "The note of chapter two."),
]


def _png(colour: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def book_files() -> dict:
    folder = f"source/{SLUG}"
    return {
        f"{folder}/publication.yaml": MANIFEST,
        f"{folder}/one.md": ONE,
        f"{folder}/two.md": TWO,
        f"{folder}/three.md": THREE,
        f"{folder}/map.png": _png("red", (120, 80)),
        f"{folder}/rule.png": _png("black", (200, 4)),
    }


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("book"), book_files())
    with source_date_epoch():
        result = pipeline.build(project)
    return project, result


@pytest.fixture(scope="module")
def epub_path(book) -> Path:
    return book[0] / "dist" / f"{SLUG}.epub"


@pytest.fixture(scope="module")
def pdf_path(book) -> Path:
    return book[0] / "dist" / f"{SLUG}.pdf"


@pytest.fixture(scope="module")
def files(epub_path) -> dict:
    return epub_files(epub_path)


@pytest.fixture(scope="module")
def opf(epub_path, files):
    return etree.fromstring(files[opf_path(epub_path)])


@pytest.fixture(scope="module")
def documents(epub_path, files, opf) -> dict:
    """Every XHTML content document in spine order: {zip path: tree}."""
    base = Path(opf_path(epub_path)).parent
    items = {i.get("id"): i for i in opf.iterfind("opf:manifest/opf:item", NS)}
    out = {}
    for ref in opf.iterfind("opf:spine/opf:itemref", NS):
        item = items[ref.get("idref")]
        name = (base / item.get("href")).as_posix()
        out[name] = etree.fromstring(files[name])
    return out


@pytest.fixture(scope="module")
def reader(pdf_path) -> PdfReader:
    return PdfReader(str(pdf_path))


@pytest.fixture(scope="module")
def pages(pdf_path) -> list[list[str]]:
    return pdf_lines_by_page(pdf_path)


@pytest.fixture(scope="module")
def contents_page(pages) -> int:
    # The front matter: half-title, its blank verso, title page, imprint, contents.
    return next(i for i, lines in enumerate(pages[:8]) if lines and lines[0] == "Contents")


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _chapter_doc(documents, heading: str):
    found = [
        (name, doc)
        for name, doc in documents.items()
        if doc.xpath("//x:h1[normalize-space()=$t]", namespaces=NS, t=heading)
    ]
    assert len(found) == 1, f"{heading!r} is the h1 of {len(found)} documents"
    return found[0]


def _page_with(pages, sentence: str, skip=()) -> list[int]:
    return [i for i, lines in enumerate(pages) if i not in skip and sentence in " ".join(lines)]


# --- build and validation -------------------------------------------------


def test_book_builds_both_editions_without_diagnostics(book):
    _, result = book
    assert {o.edition for o in result.outputs} == {"epub", "pdf", "pdf/a", "bag"}
    # The one thing said: the 120-pixel map prints far below 300 dpi.
    [low] = result.diagnostics
    assert low.severity == "warning" and "image 'map.png' prints at" in low.message and "below 300 dpi" in low.message
    # Where the image is first used, and how many pixels it needs at the size it is set.
    line = ONE.splitlines().index(f"![{MAP_ALT}](map.png)") + 1
    assert (low.location.path, low.location.line) == (f"source/{SLUG}/one.md", line)
    assert re.search(r"at least \d{3,4} pixels wide", low.hint), low.hint


def test_epubcheck_reports_no_message_at_all(epub_path):
    messages = epubcheck(epub_path)
    assert messages == [], "EPUBCheck (with --usage) reported:\n" + format_messages(messages)


# --- EPUB structure -------------------------------------------------------


def test_every_chapter_is_its_own_xhtml_document_in_order(documents):
    names = []
    for heading in ("Chapter One", "Chapter Two", "Chapter Three"):
        name, doc = _chapter_doc(documents, heading)
        names.append(name)
        assert len(doc.xpath("//x:h1", namespaces=NS)) == 1
    assert len(set(names)) == 3
    spine = list(documents)
    assert [spine.index(n) for n in names] == sorted(spine.index(n) for n in names)
    assert _text(_chapter_doc(documents, "Chapter Three")[1]).count("The end of the book.") == 1
    assert "The end of the book." not in _text(_chapter_doc(documents, "Chapter One")[1])


def test_ids_are_unique_in_every_document(documents, files):
    for name in [n for n in files if n.endswith(".xhtml")]:
        ids = etree.fromstring(files[name]).xpath("//@id")
        repeated = [i for i, n in Counter(ids).items() if n > 1]
        assert repeated == [], f"{name} repeats ids {repeated}"


def test_footnotes_are_popup_asides_linked_both_ways_in_their_chapter(documents):
    for heading, note_text in (("Chapter One", NOTES[0][1]), ("Chapter Two", NOTES[1][1])):
        name, doc = _chapter_doc(documents, heading)
        asides = doc.xpath("//x:aside[@epub:type='footnote']", namespaces=NS)
        assert len(asides) == 1, f"{name}: {len(asides)} footnote asides"
        aside = asides[0]
        assert aside.get("role") == "doc-footnote"
        assert note_text in _text(aside)
        refs = doc.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
        assert len(refs) == 1, f"{name}: {len(refs)} noterefs"
        ref = refs[0]
        assert ref.get("role") == "doc-noteref"
        assert ref.get("href") == f"#{aside.get('id')}", "the call must point at the note in the same document"
        backlinks = aside.xpath(".//x:a[@href]", namespaces=NS)
        assert [b.get("href") for b in backlinks] == [f"#{ref.get('id')}"], "the note must link back to its call"
        assert ref.get("id") and doc.xpath("//*[@id=$i]", namespaces=NS, i=ref.get("id"))


def test_note_ids_do_not_collide_across_chapters(documents):
    ids = [
        a.get("id") for doc in documents.values() for a in doc.xpath("//x:aside[@epub:type='footnote']", namespaces=NS)
    ]
    calls = [a.get("id") for doc in documents.values() for a in doc.xpath("//x:a[@epub:type='noteref']", namespaces=NS)]
    assert len(ids) == 2 and len(set(ids)) == 2, ids
    assert len(calls) == 2 and len(set(calls)) == 2, calls


def test_link_across_chapters_lands_on_the_heading_in_chapter_three(documents):
    name_one, one = _chapter_doc(documents, "Chapter One")
    name_three, three = _chapter_doc(documents, "Chapter Three")
    links = one.xpath("//x:a[normalize-space()='the heading in chapter three']", namespaces=NS)
    assert len(links) == 1
    href = links[0].get("href")
    path, _, fragment = href.partition("#")
    assert path == Path(name_three).name, f"link is {href!r}, chapter three is {name_three}"
    assert fragment, f"link {href!r} has no fragment"
    target = three.xpath("//*[@id=$i]", namespaces=NS, i=fragment)
    assert len(target) == 1 and _text(target[0]) == "Some Heading"


def test_table_and_code_block_survive(documents):
    _, one = _chapter_doc(documents, "Chapter One")
    assert [_text(th) for th in one.xpath("//x:table//x:th", namespaces=NS)] == ["Name", "Value"]
    _, two = _chapter_doc(documents, "Chapter Two")
    code = two.xpath("//x:pre", namespaces=NS)
    assert len(code) == 1
    assert "".join(code[0].itertext()).strip() == 'def greet(name):\n    return f"Hello, {name}!"'


def test_images_keep_alt_text_and_decorative_one_is_presentational(documents, files):
    _, one = _chapter_doc(documents, "Chapter One")
    _, two = _chapter_doc(documents, "Chapter Two")
    [informative] = one.xpath("//x:img", namespaces=NS)
    assert informative.get("alt") == MAP_ALT
    [decorative] = two.xpath("//x:img", namespaces=NS)
    assert decorative.get("alt") == ""
    assert decorative.get("role") == "presentation"
    for name, doc in documents.items():
        for img in doc.xpath("//x:img", namespaces=NS):
            target = re.sub(r"[^/]+/\.\./", "", f"{Path(name).parent.as_posix()}/{img.get('src')}")
            assert target in files, f"{name}: image {img.get('src')} is not in the EPUB"


def _nav_tree(ol) -> list:
    out = []
    for li in ol.xpath("x:li", namespaces=NS):
        a = li.xpath("x:a", namespaces=NS)[0]
        sub = li.xpath("x:ol", namespaces=NS)
        out.append((_text(a), _nav_tree(sub[0]) if sub else []))
    return out


def test_nav_nests_the_contents(documents):
    navs = [n for doc in documents.values() for n in doc.xpath("//x:nav[@epub:type='toc']", namespaces=NS)]
    assert len(navs) == 1
    assert _nav_tree(navs[0].xpath("x:ol", namespaces=NS)[0]) == CONTENTS


def test_colophon_states_rights_publisher_edition_date_and_identifier(documents):
    found = [s for doc in documents.values() for s in doc.xpath("//x:section[@epub:type='colophon']", namespaces=NS)]
    assert len(found) == 1, f"{len(found)} colophons in the spine"
    assert found[0].get("role") == "doc-colophon"
    lines = [_text(p) for p in found[0].xpath("x:p", namespaces=NS)]
    for line in (
        "Copyright 2024 Ada Q. Lovelace. All rights reserved.",
        "Published by Pressroom Test Press.",
        "This edition: 15 March 2024.",
        f"Identifier: ISBN {ISBN}",
    ):
        assert line in lines, f"the colophon lacks {line!r}: {lines}"


# --- OPF metadata ---------------------------------------------------------


def _meta(opf):
    return opf.find("opf:metadata", NS)


def _refinements(opf, target_id: str) -> dict:
    return {m.get("property"): m for m in _meta(opf).iterfind("opf:meta", NS) if m.get("refines") == f"#{target_id}"}


def test_opf_identifier_is_the_isbn(opf):
    unique = opf.get("unique-identifier")
    ident = _meta(opf).find(f"dc:identifier[@id='{unique}']", NS)
    assert ident is not None
    assert re.sub(r"\D", "", ident.text) == ISBN.replace("-", "")


def test_opf_creator_has_role_and_file_as(opf):
    creators = _meta(opf).findall("dc:creator", NS)
    assert [c.text for c in creators] == ["Ada Q. Lovelace"]
    refined = _refinements(opf, creators[0].get("id"))
    assert refined["role"].text == "aut"
    assert refined["role"].get("scheme") == "marc:relators"
    assert refined["file-as"].text == "Lovelace, Ada Q."


def test_opf_file_as_is_not_labelled_as_a_marc_relator_code(opf):
    """'Lovelace, Ada Q.' is a sort name, not a MARC relator code: a reading
    system that honours the scheme would misread it."""
    creator = _meta(opf).find("dc:creator", NS)
    file_as = _refinements(opf, creator.get("id"))["file-as"]
    assert file_as.get("scheme") is None, etree.tostring(file_as).decode()


def test_opf_carries_the_rest_of_the_manifest_metadata(opf):
    meta = _meta(opf)
    assert meta.findtext("dc:title", namespaces=NS) == "A Small Test Book"
    assert meta.findtext("dc:language", namespaces=NS) == "en-GB"
    assert meta.findtext("dc:publisher", namespaces=NS) == "Pressroom Test Press"
    assert meta.findtext("dc:date", namespaces=NS) == "2024-03-15"
    assert meta.findtext("dc:rights", namespaces=NS) == "Copyright 2024 Ada Q. Lovelace. All rights reserved."
    assert [s.text for s in meta.findall("dc:subject", NS)] == ["Testing", "Typesetting"]
    assert meta.findtext("dc:description", namespaces=NS) == "A three-chapter book made by the test suite."
    assert meta.findtext("opf:meta[@property='dcterms:modified']", namespaces=NS) == "2023-11-14T22:13:20Z"


def test_accessibility_metadata_follows_the_content(opf):
    values: dict[str, list[str]] = {}
    for m in _meta(opf).iterfind("opf:meta[@property]", NS):
        values.setdefault(m.get("property"), []).append(m.text)
    assert sorted(values.get("schema:accessMode", [])) == ["textual", "visual"]
    assert "textual" in values.get("schema:accessModeSufficient", [])
    features = values.get("schema:accessibilityFeature", [])
    assert "alternativeText" in features, "every informative image has alt text"
    assert {"tableOfContents", "readingOrder", "structuralNavigation"} <= set(features)
    assert values.get("schema:accessibilityHazard")
    assert values.get("schema:accessibilitySummary") and values["schema:accessibilitySummary"][0].strip()


def test_opf_claims_epub_accessibility_1_1_at_wcag_2_2_aa(opf):
    claims = [m.text for m in _meta(opf).iterfind("opf:meta[@property='dcterms:conformsTo']", NS)]
    assert claims == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]


# --- PDF ------------------------------------------------------------------


def _outline_tree(reader, items) -> list:
    """[(title, page index, children)] from pypdf's flat-with-sublists outline."""
    out = []
    for item in items:
        if isinstance(item, list):
            assert out, "an outline sublist with no parent"
            out[-1][2].extend(_outline_tree(reader, item))
        else:
            out.append((item.title, reader.get_destination_page_number(item), []))
    return out


def test_pdf_bookmarks_nest_like_the_contents_and_point_at_the_headings(reader, pages, contents_page):
    tree = _outline_tree(reader, reader.outline)

    def shape(nodes):
        return [(title, shape(children)) for title, _, children in nodes]

    assert shape(tree) == CONTENTS

    def check(nodes):
        for title, page, children in nodes:
            where = page_of_heading(pages, title, skip={contents_page})
            assert page == where, f"bookmark {title!r} points at page index {page}, the heading is on {where}"
            check(children)

    check(tree)


def test_pdf_link_across_chapters_is_internal(reader, pages, contents_page):
    [source_page] = _page_with(pages, "It points ahead to the heading", skip={contents_page})
    target_page = page_of_heading(pages, "Some Heading", skip={contents_page})
    links = [a.get_object() for a in reader.pages[source_page].get("/Annots") or []]
    links = [a for a in links if a.get("/Subtype") == "/Link"]
    assert links, "the page with the cross-chapter link has no link annotation"
    uris = [a for a in links if "/A" in a and a["/A"].get("/S") == "/URI"]
    assert uris == [], "the link to chapter three was written as a URI"
    named = reader.named_destinations
    landing = []
    for a in links:
        dest = a.get("/Dest")
        if dest is None and "/A" in a and a["/A"].get("/S") == "/GoTo":
            dest = a["/A"]["/D"]
        assert dest is not None, f"link annotation without destination: {a}"
        if isinstance(dest, str):
            assert dest in named, f"named destination {dest!r} is not defined"
            landing.append(reader.get_destination_page_number(named[dest]))
        else:
            landing.append(reader.get_page_number(dest[0].get_object()))
    assert target_page in landing, f"links land on {landing}, 'Some Heading' is on page index {target_page}"


def test_each_footnote_is_printed_on_the_page_of_its_call(pages, contents_page):
    for call, note in NOTES:
        call_pages = _page_with(pages, call, skip={contents_page})
        note_pages = _page_with(pages, note, skip={contents_page})
        assert len(call_pages) == 1, f"{call!r} on pages {call_pages}"
        assert note_pages == call_pages, f"note {note!r} on pages {note_pages}, its call on {call_pages}"


def test_pdf_metadata_has_title_author_and_language(reader):
    info = reader.trailer["/Info"].get_object()
    assert info.get("/Title") == "A Small Test Book"
    assert info.get("/Author") == "Ada Q. Lovelace"
    assert reader.trailer["/Root"].get("/Lang") == "en-GB"


def test_pdf_metadata_has_subject_and_keywords(reader):
    """The subjects are the keywords (document info and XMP pdf:Keywords,
    dc:subject); the description is the document's subject."""
    info = reader.trailer["/Info"].get_object()
    assert info.get("/Keywords") == "Testing, Typesetting"
    assert info.get("/Subject") == "A three-chapter book made by the test suite."
    xmp = etree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    rdf = "{%s}li" % NS["rdf"]
    assert [li.text for el in xmp.iter("{%s}subject" % NS["dc"]) for li in el.iter(rdf)] == ["Testing", "Typesetting"]
    assert [el.text for el in xmp.iter("{http://ns.adobe.com/pdf/1.3/}Keywords")] == ["Testing, Typesetting"]
    assert [li.text for el in xmp.iter("{%s}description" % NS["dc"]) for li in el.iter(rdf)] == [
        "A three-chapter book made by the test suite."
    ]


def _structure_elements(node):
    node = node.get_object()
    if not hasattr(node, "get"):
        return
    if "/S" in node:
        yield node
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if hasattr(kid, "get") and kid.get("/Type") not in ("/MCR", "/OBJR"):
            yield from _structure_elements(kid)


def test_pdf_figures_have_alt_text_and_decorative_image_is_not_a_figure(reader):
    """PDF/UA-1 (7.3): every Figure carries /Alt; a decorative image is an
    artifact, not a Figure without a description."""
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    assert root is not None, "the PDF is not tagged"
    figures = [e for e in _structure_elements(root) if e.get("/S") == "/Figure"]
    assert [f.get("/Alt") for f in figures] == [MAP_ALT]


# --- reproducibility ------------------------------------------------------


def test_same_build_twice_gives_identical_bytes(book, tmp_path):
    project, first = book
    with source_date_epoch():
        again = pipeline.build(project, out_dir=tmp_path)
    assert first.outputs and again.outputs
    for output in first.outputs:
        twin = tmp_path / output.path.name
        assert twin.read_bytes() == output.path.read_bytes(), f"{output.path.name} differs between two builds"


def test_same_sources_in_another_folder_give_identical_bytes(book, tmp_path):
    project, first = book
    copy = tmp_path / "elsewhere"
    shutil.copytree(project / "source", copy / "source")
    with source_date_epoch():
        pipeline.build(copy)
    for output in first.outputs:
        twin = copy / "dist" / output.path.name
        assert twin.read_bytes() == output.path.read_bytes(), f"{output.path.name} depends on the project's folder"


def test_ace_passes_the_book_with_no_violation(epub_path, tmp_path):
    from test_epub_accessibility import ace_report, violations

    report = ace_report(epub_path, tmp_path / "ace")
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
