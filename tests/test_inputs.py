"""Hostile inputs: YAML that PyYAML accepts but nothing can use, text in
other encodings or with characters XML cannot carry, pictures too large to
decode, and messages quoting huge values. Each ends in a located message
or a clean build, never an internal error.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from pipeline.errors import Diagnostic, Diagnostics
from pipeline.sources import parse_yaml
from pipeline.textfiles import read_text
from pipeline.transforms import images
from conftest import epubcheck, format_messages, make_project


def _yaml(text: str):
    diags = Diagnostics()
    raw, lines = parse_yaml(text, Path("meta.yaml"), diags)
    return raw, [(d.severity, d.location.line, d.message) for d in diags.items]


# --- YAML -------------------------------------------------------------------


@pytest.mark.fast
@pytest.mark.parametrize(
    "key, kind",
    [
        ("1", "a number"),
        ("null", "null"),
        ("~", "null"),
        ("true", "true/false"),
        ("? [a, b]\n", "a list"),
        ("? {a: b}\n", "a mapping"),
    ],
)
def test_a_key_that_is_not_a_name_is_an_error_at_its_line(key, kind):
    raw, said = _yaml(f"title: T\n{key}: x\nlang: en\n")
    assert raw == {"title": "T", "lang": "en"}  # the rest is still read, and checked
    assert [(s, line) for s, line, _ in said] == [("error", 2)]
    assert kind in said[0][2]


@pytest.mark.fast
def test_a_key_that_is_not_a_name_inside_a_value_is_an_error_too():
    raw, said = _yaml("title: T\nprint:\n  trim: a5\n  2: x\n")
    assert raw["print"] == {"trim": "a5"}
    assert [(s, line) for s, line, _ in said] == [("error", 4)]


@pytest.mark.fast
def test_a_key_given_twice_is_an_error_naming_both_lines():
    raw, said = _yaml("title: One\nlang: en\ntitle: Two\n")
    assert said == [("error", 3, "'title' is given twice, on lines 1 and 3; only one can count")]


@pytest.mark.fast
@pytest.mark.parametrize("value", ["[" * 10_000 + "]" * 10_000, "{a: " * 10_000 + "1" + "}" * 10_000])
def test_yaml_nested_thousands_deep_is_a_located_error(value):
    raw, said = _yaml(f"title: T\ndescription: {value}\n")
    assert raw is None
    assert [(s, line) for s, line, _ in said] == [("error", 2)]
    assert "nested more than" in said[0][2]


@pytest.mark.fast
def test_aliases_that_multiply_are_refused_before_they_are_expanded():
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    raw, said = _yaml("title: T\n" + laughs)
    assert raw is None
    assert [(s, line) for s, line, _ in said] == [("error", 10)]
    assert "through its aliases" in said[0][2]


@pytest.mark.fast
def test_an_alias_inside_itself_is_a_located_error():
    raw, said = _yaml("title: T\nsubject: &s [a, *s]\n")
    assert raw is None
    assert [(s, line) for s, line, _ in said] == [("error", 2)]


@pytest.mark.fast
@pytest.mark.parametrize("value", ["!!int abc", "!!timestamp nonsense", "!!float x", "9" * 5000])
def test_a_value_that_cannot_be_made_is_a_located_error(value):
    raw, said = _yaml(f"title: T\ntoc-depth: {value}\n")
    assert raw is None
    assert [(s, line) for s, line, _ in said] == [("error", 2)]


@pytest.mark.fast
def test_escapes_that_make_characters_xml_cannot_carry_are_removed_with_a_warning():
    raw, said = _yaml('title: "A\\x07 B\\0ell\\ud800"\n')
    assert raw == {"title": "A Bell"}
    assert [(s, line) for s, line, _ in said] == [("warning", 1)]
    assert "U+0007 (BEL)" in said[0][2] and "U+0000 (NUL)" in said[0][2]


# --- text -------------------------------------------------------------------


def _read(tmp_path, data: bytes):
    path = tmp_path / "a.md"
    path.write_bytes(data)
    diags = Diagnostics()
    return read_text(path, diags, tmp_path), diags.items


@pytest.mark.fast
@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_a_file_with_a_byte_order_mark_is_read_in_the_encoding_it_names(tmp_path, encoding):
    text, said = _read(tmp_path, "# Café\n\nNaïve.\n".encode(encoding))
    assert (text, said) == ("# Café\n\nNaïve.\n", [])


@pytest.mark.fast
def test_utf16_without_a_byte_order_mark_is_a_located_error(tmp_path):
    text, said = _read(tmp_path, "# Title\n\nText.\n".encode("utf-16-le"))
    assert text is None
    assert [(d.severity, d.location.line) for d in said] == [("error", 1)]
    assert "UTF-8" in said[0].hint


@pytest.mark.fast
def test_control_characters_are_removed_at_their_line_and_column_and_no_word_is_lost(tmp_path):
    text, said = _read(tmp_path, "# Title\n\nA page\fbreak, a bell\x07, an\x00d a\x1bn escape\x85here.\n".encode())
    assert text == "# Title\n\nA page break, a bell, and an escape here.\n"
    assert [(d.severity, d.location.line, d.location.column) for d in said] == [("warning", 3, 21)]
    assert "U+0007 (BEL), U+0000 (NUL), U+001B (ESC) and 1 more" in said[0].message


# --- pictures ---------------------------------------------------------------


def _png(size, mode="1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@pytest.mark.fast
@pytest.mark.parametrize("size", [(12_000, 12_000), (30_000, 30_000)])
def test_a_picture_over_the_pixel_limit_is_refused_from_its_header(tmp_path, size):
    path = tmp_path / "big.png"
    path.write_bytes(_png(size))
    assert path.stat().st_size < 1_000_000  # small on disk: only its header says how large it is
    media_type, problem = images.examine(path)
    assert media_type is None
    assert "over the limit of 50 million" in problem


@pytest.mark.fast
def test_a_png_named_jpg_is_stored_under_the_ending_of_what_it_is(tmp_path):
    from pipeline.model import Publication
    from pipeline.metadata import Metadata

    (tmp_path / "photo.jpg").write_bytes(_png((40, 30), "RGB"))
    pub = Publication("p", tmp_path, Metadata(), [])
    asset = images.register(pub, tmp_path / "photo.jpg", tmp_path)
    assert (asset.media_type, Path(asset.name).suffix) == ("image/png", ".png")


# --- messages ---------------------------------------------------------------


@pytest.mark.fast
def test_a_huge_quoted_value_is_cut_short_in_the_message():
    d = Diagnostic("error", f"'{'x' * 25_000}' is not a valid BCP 47 language tag", None, f"not '{'y' * 500}'")
    assert len(str(d)) < 400
    assert "…' is not a valid BCP 47 language tag" in d.message and d.hint.endswith("…'")


# --- whole builds -----------------------------------------------------------


def _build(project: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "-C", str(project), "-q", "-j", "1", "-f", "epub"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_a_front_matter_key_that_is_a_number_fails_the_build_at_its_line(tmp_path):
    project = make_project(tmp_path, {"source/piece/a.md": "---\ntitle: T\n1: x\n---\n\nText.\n"})
    proc = _build(project)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert "source/piece/a.md:3:1: error: the key '1' is a number" in proc.stderr


def test_hostile_characters_and_a_misnamed_picture_give_a_valid_epub(tmp_path):
    project = make_project(
        tmp_path,
        {
            "source/piece/a.md": '---\ntitle: "The\\x07 Title"\n---\n\n# Head\x1bing\n\nA bell\x07, a NUL\x00, '
            "U+FFFE\ufffe and a page\fbreak.\n\n![A box](box.jpg)\n\n"
            '<p title="a&#7;b">Made&#x1b; by reference.</p>\n\nIn code, `&#7;` is text.\n',
            "source/piece/box.jpg": _png((40, 30), "RGB"),
        },
    )
    proc = _build(project)
    assert proc.returncode == 0, proc.stderr
    assert "source/piece/a.md:7:7: warning: U+0007 (BEL)" in proc.stderr
    assert "source/piece/a.md:11:12: warning: '&#7;' makes U+0007 (BEL)" in proc.stderr
    assert "source/piece/a.md:11:23: warning: '&#x1b;' makes U+001B (ESC)" in proc.stderr
    assert proc.stderr.count("'&#7;' makes") == 1  # in code, a reference is text
    epub = project / "dist" / "piece.epub"
    with zipfile.ZipFile(epub) as z:
        text = z.read("EPUB/text/a.xhtml")
    etree.fromstring(text)
    assert b"A bell, a NUL, U+FFFE and a page break." in text
    assert b'title="ab">Made by reference.</p>' in text and re.search(
        rb"<code>(<span class=\"nobreak\">)?&amp;#7;(</span>)?</code>", text
    )
    messages = epubcheck(epub)
    assert messages == [], format_messages(messages)


# --- metadata ---------------------------------------------------------------


def _metadata(raw: dict):
    from pipeline.metadata import read_metadata

    diags = Diagnostics()
    lines = {key: n for n, key in enumerate(raw, 2)}
    meta = read_metadata(raw, lines, Path("a.md"), "piece", diags)
    return meta, [(d.severity, d.location.line, d.message, d.hint) for d in diags.items]


@pytest.mark.fast
@pytest.mark.parametrize(
    "identifier",
    [
        {"text": "978-3-16-148410-1", "scheme": "ISBN-13"},
        {"text": "0-306-40615-1", "scheme": "ISBN-10"},
        {"text": "9783161484101", "scheme": "isbn"},
        "urn:isbn:978-3-16-148410-1",
        "978 3 16 148410 1",
        "ISBN 978-3-16-148410-1",
        "0-8044-2957-1",
        9783161484101,
    ],
)
def test_an_isbn_with_a_wrong_check_digit_is_refused_however_it_is_written(identifier):
    meta, said = _metadata({"title": "T", "identifier": identifier})
    assert [(s, line) for s, line, _, _ in said] == [("error", 3)], said
    assert "is not valid" in said[0][2]
    assert meta.identifier.scheme == "UUID"  # the derived one stands in


@pytest.mark.fast
@pytest.mark.parametrize(
    "identifier, shown",
    [
        ({"text": "978-3-16-148410-0", "scheme": "ISBN-13"}, "978-3-16-148410-0"),
        ({"text": "0306406152", "scheme": "ISBN-10"}, "0-306-40615-2"),
        ("urn:isbn:9783161484100", "978-3-16-148410-0"),
        ("0-8044-2957-x", "0-8044-2957-X"),
    ],
)
def test_a_valid_isbn_is_kept_hyphenated_under_the_isbn_scheme(identifier, shown):
    meta, said = _metadata({"title": "T", "identifier": identifier})
    assert said == []
    assert (meta.identifier.text, meta.identifier.scheme) == (shown, "ISBN")


@pytest.mark.fast
def test_an_isbn_of_the_other_length_than_its_scheme_says_is_refused():
    meta, said = _metadata({"title": "T", "identifier": {"text": "0-306-40615-2", "scheme": "ISBN-13"}})
    assert said[0][2] == "ISBN '0-306-40615-2' is an ISBN-10, not an ISBN-13"


@pytest.mark.fast
def test_an_isbn_key_says_where_an_isbn_goes():
    meta, said = _metadata({"title": "T", "isbn": "978-3-16-148410-0"})
    assert said == [("error", 3, "unknown metadata key 'isbn'", "write it as identifier: {text: ..., scheme: ISBN-13}")]


@pytest.mark.fast
def test_empty_values_are_left_out_rather_than_written_empty():
    meta, said = _metadata({"title": "T", "author": ["", "  ", "Ann"], "subject": [""], "publisher": " ", "rights": ""})
    assert said == []
    assert ([c.name for c in meta.creators], meta.subjects, meta.publisher, meta.rights) == (["Ann"], [], None, None)


@pytest.mark.fast
@pytest.mark.parametrize("title", [["a", "b"], {"a": "b"}, "x" * 30_000])
def test_a_title_of_the_wrong_kind_or_length_is_one_error_at_its_line(title):
    meta, said = _metadata({"title": title})
    assert [(s, line) for s, line, _, _ in said] == [("error", 2)], said
    assert "no title" not in said[0][2]


@pytest.mark.fast
def test_a_file_as_that_is_not_text_is_an_error():
    meta, said = _metadata({"title": "T", "author": {"name": "Ann", "file-as": {"x": 1}}})
    assert said[0][:3] == ("error", 3, "'file-as' of Ann must be text, not a mapping")


@pytest.mark.fast
def test_escapes_in_book_toml_that_make_characters_xml_cannot_carry_are_removed_with_a_warning(tmp_path):
    from pipeline import sources

    project = make_project(
        tmp_path,
        {
            "source/book/book.toml": '[book]\ntitle = "A\\u0007B"\nauthors = ["C\\u001bD"]\n',
            "source/book/src/SUMMARY.md": "# Summary\n\n- [One](one.md)\n",
            "source/book/src/one.md": "# One\n\nText.\n",
        },
    )
    diags = Diagnostics(project)
    book = sources.load(project / "source" / "book", diags)
    assert (book.metadata.title, book.metadata.authors) == ("AB", ["CD"])
    assert [(d.severity, d.location.path, d.location.line) for d in diags.items] == [
        ("warning", "source/book/book.toml", 2),
        ("warning", "source/book/book.toml", 3),
    ]


@pytest.mark.fast
def test_a_private_use_language_tag_is_refused_at_its_line():
    meta, said = _metadata({"title": "T", "lang": "x-klingon"})
    assert said[0][:3] == ("error", 3, "'x-klingon' names no language that reading systems know")


def _read_publication(project: Path, slug: str = "piece"):
    from pipeline import document, sources

    diags = Diagnostics(project)
    pub = document.read_publication(sources.load(project / "source" / slug, diags), project, diags)
    return pub, [(d.severity, d.location.line, d.message) for d in diags.items]


@pytest.mark.fast
def test_an_empty_heading_is_left_out_with_a_warning_at_its_line(tmp_path):
    project = make_project(tmp_path, {"source/piece/a.md": "---\ntitle: T\n---\n\n#\n\nText.\n\n## ##\n\nMore.\n"})
    pub, said = _read_publication(project)
    assert said == [("warning", 5, "an empty heading was left out"), ("warning", 9, "an empty heading was left out")]
    assert [el.tag for el in pub.chapters[0].body.iter("h1", "h2", "h3")] == []
    assert "".join(pub.chapters[0].body.itertext()).split() == ["Text.", "More."]


def test_a_collection_whose_pieces_have_no_titles_still_has_contents(tmp_path):
    import pipeline

    project = make_project(
        tmp_path,
        {
            "source/piece/publication.yaml": "title: Pieces\ntype: collection\ncontents: [a.md, b.md]\n",
            "source/piece/a.md": "Just text.\n",
            "source/piece/b.md": "---\nauthor: Ann\n---\n\nMore text.\n",
        },
    )
    pipeline.build(project, formats=("epub",), jobs=1)
    with zipfile.ZipFile(project / "dist" / "piece.epub") as z:
        nav = etree.fromstring(z.read("EPUB/text/nav.xhtml"))
    toc = nav.find(".//{http://www.w3.org/1999/xhtml}nav[@id='toc']/{http://www.w3.org/1999/xhtml}ol")
    assert [a.text for a in toc.iter("{http://www.w3.org/1999/xhtml}a")] == ["Pieces"]


def test_a_missing_image_written_with_spaces_or_entities_is_reported_at_its_line(tmp_path):
    project = make_project(
        tmp_path,
        {
            "source/piece/a.md": "---\ntitle: T\n---\n\nText.\n\n![A](<my pic.png>)\n\n"
            "![B](caf&eacute;.png)\n\n<img src='q&#32;r.png' alt='C'>\n"
        },
    )
    pub, said = _read_publication(project)
    assert [(s, line) for s, line, m in said if "does not exist" in m] == [("error", 7), ("error", 9), ("error", 11)]


@pytest.mark.fast
def test_a_utf16_manifest_with_a_wrong_trim_is_an_error_at_its_line(tmp_path):
    from pipeline import sources

    project = make_project(
        tmp_path,
        {
            "source/piece/publication.yaml": "title: T\nprint:\n  trim: 1x1\n".encode("utf-16"),
            "source/piece/a.md": "# A\n\nText.\n",
        },
    )
    diags = Diagnostics(project)
    sources.load(project / "source" / "piece", diags)
    assert [(d.severity, d.location.line) for d in diags.items] == [("error", 2)]


def test_an_article_without_headings_has_its_title_as_the_pdfs_bookmark(tmp_path):
    import pipeline
    from pypdf import PdfReader

    project = make_project(tmp_path, {"source/piece/a.md": "---\ntitle: Only Text\n---\n\nNo heading at all.\n"})
    pipeline.build(project, formats=("pdf",), jobs=1)
    assert [item.title for item in PdfReader(project / "dist" / "piece.pdf").outline] == ["Only Text"]
