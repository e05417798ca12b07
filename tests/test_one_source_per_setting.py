"""One source of truth per setting: a chapter's language is resolved once,
when it is read, and every edition uses it; where a file sits in the book is
typed, not hidden in its front matter; reading options loads no writer."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyphen
import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

import pipeline
from conftest import NS, REPO, epub_files, epubcheck, format_messages, make_project, pdf_text_by_page, source_date_epoch
from pipeline.document import read_publication
from pipeline.errors import Diagnostics
from pipeline.sources import load
from test_epub_accessibility import ace_report, violations

# Long German compounds, so that a justified line must break inside some.
GERMAN_WORDS = (
    "Donaudampfschifffahrtsgesellschaft Rechtsschutzversicherungsgesellschaften "
    "Kraftfahrzeughaftpflichtversicherung Bundesausbildungsförderungsgesetz "
    "Grundstücksverkehrsgenehmigungszuständigkeit Eisenbahnverkehrsunternehmen "
)
PIECE = (
    "---\ntitle: Ein Stück\nlang: de\nauthor: Eva Autorin\ndate: 2021-03-05\n---\n\n"
    + "Die Gesellschaft schreibt.[^1] "
    + GERMAN_WORDS * 12
    + "\n\n[^1]: Eine Anmerkung.\n"
)
ENGLISH = "---\ntitle: A Piece\nauthor: Ann Writer\n---\n\nThe society writes.[^1]\n\n[^1]: A note.\n"
COLLECTION = {
    "source/c/publication.yaml": "title: Mixed\nlang: en\ntype: collection\ncontents: [one.md, two.md]\n",
    "source/c/one.md": ENGLISH,
    "source/c/two.md": PIECE,
}


def _read(project: Path, slug: str):
    diags = Diagnostics(root=project)
    pub = read_publication(load(project / "source" / slug, diags), project, diags)
    return pub, diags


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("mixed"), COLLECTION)
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub", "pdf"))
    assert not result.failed, result.failed
    return project / "dist"


@pytest.mark.fast
def test_each_chapter_is_read_in_its_own_language_or_the_publications(tmp_path):
    project = make_project(tmp_path, COLLECTION)
    pub, diags = _read(project, "c")
    assert not diags.errors
    assert [(c.source.name, c.lang) for c in pub.chapters] == [("one.md", "en"), ("two.md", "de")]


@pytest.mark.fast
def test_a_wrong_language_of_a_piece_is_a_located_error_and_the_publications_is_used(tmp_path):
    project = make_project(tmp_path, {**COLLECTION, "source/c/two.md": PIECE.replace("lang: de", "lang: x-klingon")})
    pub, diags = _read(project, "c")
    assert pub.chapters[1].lang == "en"
    assert [(d.severity, d.location.path, d.location.line) for d in diags.errors] == [("error", "source/c/two.md", 3)]
    assert "x-klingon" in diags.errors[0].message


def test_the_pieces_xhtml_is_in_its_language_and_its_words_are_german(built):
    files = epub_files(built / "c.epub")
    root = etree.fromstring(files["EPUB/text/two.xhtml"])
    assert root.get("lang") == "de" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    back = root.find(".//x:a[@role='doc-backlink']", NS)
    assert back.get("aria-label") == "Zurück zum Verweis auf Anmerkung 1"
    notes = root.find(".//x:section[@epub:type='footnotes']", NS)
    assert notes.get("aria-label") == "Anmerkungen"
    english = etree.fromstring(files["EPUB/text/one.xhtml"])
    assert english.get("lang") == "en"
    assert english.find(".//x:a[@role='doc-backlink']", NS).get("aria-label") == "Back to note 1 reference"


def test_a_package_in_english_with_a_file_in_german_is_valid_and_accessible(built, tmp_path):
    messages = epubcheck(built / "c.epub")
    assert messages == [], format_messages(messages)
    assert violations(ace_report(built / "c.epub", tmp_path / "ace")) == []


def _langs(root) -> dict[str, set[str]]:
    """Structure type -> the /Lang values found on elements of that type."""
    found: dict[str, set[str]] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            stack.extend(node)
            continue
        if not isinstance(node, DictionaryObject):
            continue
        if "/Lang" in node:
            found.setdefault(str(node.get("/S")), set()).add(str(node["/Lang"]))
        if "/K" in node:
            stack.append(node["/K"])
    return found


def test_the_tagged_pdf_says_the_piece_is_german(built):
    catalog = PdfReader(built / "c.pdf").trailer["/Root"]
    assert str(catalog["/Lang"]) == "en"
    langs = _langs(catalog["/StructTreeRoot"])
    assert langs.get("/Art") == {"de"}, langs  # the German piece's article, on each of its pages
    assert "de" in langs.get("/Span", set()), "its note, set at the foot of the page, says so too"
    assert "en" not in set().union(*langs.values()), "the English pieces take the document's language"


def test_the_german_piece_is_hyphenated_by_german_patterns(built):
    text = "\n".join(pdf_text_by_page(built / "c.pdf"))
    german, english = pyphen.Pyphen(lang="de_DE"), pyphen.Pyphen(lang="en_US")
    breaks = []
    for start, rest in re.findall(r"(\w+)[\u2010-]\n(\w+)", text):
        word = start + rest
        if word in GERMAN_WORDS:
            breaks.append((word, len(start)))
    assert breaks, "no German compound was broken at a line's end"
    assert all(at in german.positions(word) for word, at in breaks), breaks
    assert any(at not in english.positions(word) for word, at in breaks), (
        f"every break is one English patterns allow too: {breaks}"
    )


@pytest.mark.fast
def test_a_chapters_front_matter_holds_only_what_its_author_wrote(tmp_path):
    project = make_project(
        tmp_path,
        {
            "source/b/publication.yaml": "title: B\ncontents:\n  - {part: One, contents: [a.md]}\n  - {file: z.md, role: back}\n",
            "source/b/a.md": "---\ntitle: A\n---\n\n# A\n\nText.\n",
            "source/b/z.md": "# Z\n\nText.\n",
        },
    )
    pub, diags = _read(project, "b")
    assert not diags.errors
    assert [(c.meta, c.role, c.place.offset, c.place.part, c.first_line) for c in pub.chapters] == [
        ({}, "part", 0, "One", 2),
        ({"title": "A"}, "body", 1, None, 4),
        ({}, "back", 0, None, 1),
    ]


@pytest.mark.fast
def test_reading_a_publications_print_options_loads_no_writer(tmp_path):
    project = make_project(
        tmp_path, {"source/a/article.md": "---\ntitle: A\nprint: {trim: a4, margin-top: 2cm}\n---\n\nText.\n"}
    )
    code = (
        "import sys; from pathlib import Path; from pipeline.errors import Diagnostics; "
        "from pipeline.sources import load; d = Diagnostics(); "
        f"s = load(Path({str(project / 'source' / 'a')!r}), d); "
        "assert not d.errors and s.metadata.options.print.trim == 'a4'; "
        "print(sorted(m for m in sys.modules if m.startswith(('weasyprint', 'pydyf', 'ebooklib'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.fast
def test_the_cache_keys_on_what_dates_says_fixes_the_build_time(tmp_path):
    from pipeline import cache, dates

    project = make_project(tmp_path, {"source/a/article.md": "---\ntitle: A\ndate: 2020-05-01\n---\n\nText.\n"})
    folder = project / "source" / "a"
    with source_date_epoch("1700000000"):
        assert dates.fixed_time(folder) == ("epoch", 1700000000)
        assert dates.iso(dates.build_time(folder, "2020-05-01", [])) == "2023-11-14T22:13:20Z"
        key = cache.publication_key(project, folder, ("epub",), "s")
        assert cache.publication_key(project, folder, ("epub",), "s") == key, "unchanged inputs, same key"
    with source_date_epoch("1700000001"):
        assert cache.publication_key(project, folder, ("epub",), "s") != key
    with source_date_epoch(None):
        assert dates.fixed_time(folder) is None, "not in git: the sources decide"
        assert dates.iso(dates.build_time(folder, "2020-05-01", [])) == "2020-05-01T00:00:00Z"
        unset = cache.publication_key(project, folder, ("epub",), "s")
        assert cache.publication_key(project, folder, ("epub",), "s") == unset
