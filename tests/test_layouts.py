"""mdBook books and MkDocs projects built as they stand, and links that lead nowhere.

The unit tests read SUMMARY.md, nav, includes and links directly; the
builds take the two fixtures in tests/data/ (mdbook-book, mkdocs-project)
through every stage and check the editions with EPUBCheck, Ace and the
PDF's own text.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

import pipeline
from pipeline import BuildError
from pipeline.document import read_publication
from pipeline.errors import Diagnostics
from pipeline.layouts import includes, summary
from pipeline.preflight import measure
from pipeline.sources import load
from pipeline.transforms.ids import mdbook_id
from conftest import (
    NS,
    REPO,
    epub_files,
    epubcheck,
    format_messages,
    make_project,
    page_of_heading,
    pdf_lines_by_page,
    printed_folio,
    source_date_epoch,
)
from test_epub_accessibility import ace_report, violations

DATA = REPO / "tests" / "data"


def _load(project: Path, slug: str):
    diags = Diagnostics(root=project)
    return load(project / "source" / slug, diags), diags


def _read(project: Path, slug: str):
    """Load and read a publication into the model, with every diagnostic."""
    loaded, diags = _load(project, slug)
    pub = read_publication(loaded, project, diags) if loaded is not None else None
    return pub, diags


def _where(diags) -> list[tuple[str, str, int | None, int | None]]:
    return [(d.severity, d.location.path, d.location.line, d.location.column) for d in diags.items]


# --- SUMMARY.md ------------------------------------------------------------

SUMMARY = """\
# Summary

[Preface](preface.md)
<!-- a comment,
     [Not](a-chapter.md) -->

- [One](one.md)
    - [One A](one-a.md)
        - [One A i](one-a-i.md)
    - [One B](one%20b.md)
- [Draft]()

---

# Part Two

* [Two](two.md)

[Appendix](appendix.md)
[Colophon](colophon.md)
"""


@pytest.mark.fast
def test_summary_gives_prefix_numbered_parts_suffix_and_nesting_in_order():
    diags = Diagnostics()
    items = summary.parse(SUMMARY, Path("SUMMARY.md"), diags)
    assert diags.items == []
    assert [(i.kind, i.title, i.path, i.line, i.depth, i.role) for i in items] == [
        ("chapter", "Preface", "preface.md", 3, 0, "front"),
        ("chapter", "One", "one.md", 7, 0, "body"),
        ("chapter", "One A", "one-a.md", 8, 1, "body"),
        ("chapter", "One A i", "one-a-i.md", 9, 2, "body"),
        ("chapter", "One B", "one b.md", 10, 1, "body"),
        ("chapter", "Draft", None, 11, 0, "body"),
        ("part", "Part Two", None, 15, 0, "body"),
        ("chapter", "Two", "two.md", 17, 0, "body"),
        ("chapter", "Appendix", "appendix.md", 19, 0, "back"),
        ("chapter", "Colophon", "colophon.md", 20, 0, "back"),
    ]


@pytest.mark.fast
def test_summary_problems_are_errors_at_their_lines():
    text = "# Summary\n\n- [One](one.md)\n- Two, not a link\n\n[Appendix](a.md)\n\n- [Late](late.md)\n# Late part\n"
    diags = Diagnostics()
    summary.parse(text, Path("SUMMARY.md"), diags)
    assert [(d.severity, d.location.line) for d in diags.items] == [("error", 4), ("error", 8), ("error", 9)]
    assert "must be a link" in diags.items[0].message and "- [Title](file.md)" in diags.items[0].hint
    assert "after the suffix chapters" in diags.items[1].message


def _book(files: dict, toml: str = '[book]\ntitle = "A Book"\nlanguage = "en"\n') -> dict:
    out = {"source/b/book.toml": toml}
    out.update({f"source/b/{name}": text for name, text in files.items()})
    return out


@pytest.mark.fast
def test_entries_nest_files_and_drafts_hand_their_children_to_the_chapter_above(tmp_path):
    project = make_project(
        tmp_path,
        _book(
            {
                "src/SUMMARY.md": "- [One](one.md)\n    - [Draft]()\n        - [Under the draft](under.md)\n"
                "    - [Missing](missing.md)\n"
                "# A Part\n- [Two](two.md)\n    - [Two A](two-a.md)\n- [One again](one.md)\n"
                "\n[End](end.md)\n",
                "src/one.md": "# One\n",
                "src/under.md": "## Under\n",
                "src/two.md": "# Two\n",
                "src/two-a.md": "# Two A\n",
                "src/end.md": "# End\n",
            }
        ),
    )
    loaded, diags = _load(project, "b")
    src = project / "source/b/src"
    assert [(f.path.name, f.place.offset, f.place.continues, f.place.role) for f in loaded.files] == [
        ("one.md", 0, 0, "body"),
        ("under.md", 1, 1, "body"),  # its draft parent is left out: it continues One
        ("SUMMARY.md", 0, 0, "part"),
        ("two.md", 1, 0, "body"),
        ("two-a.md", 2, 1, "body"),
        ("end.md", 0, 0, "back"),  # suffix chapters stand outside the part
    ]
    assert (src / "one.md").resolve() == loaded.files[0].path
    assert _where(diags) == [
        ("warning", "source/b/src/SUMMARY.md", 2, None),  # the draft
        ("error", "source/b/src/SUMMARY.md", 4, None),  # missing.md
        ("error", "source/b/src/SUMMARY.md", 8, None),  # one.md twice
    ]
    assert "draft" in diags.items[0].message and "'missing.md' does not exist" in diags.items[1].message
    assert "already in the book, at line 1" in diags.items[2].message


# --- book.toml -------------------------------------------------------------


@pytest.mark.fast
def test_book_toml_gives_the_metadata_and_publication_yaml_overrides_it(tmp_path):
    toml = (
        '[book]\ntitle = "A Book"\nauthors = ["Ann Writer", "Bo Author"]\nlanguage = "fr"\n'
        'description = "About it."\n\n[output.html]\nsite-url = "https://example.org/book/"\n'
    )
    files = _book({"src/SUMMARY.md": "- [One](one.md)\n", "src/one.md": "# Un\n"}, toml)
    project = make_project(tmp_path, files)
    loaded, diags = _load(project, "b")
    meta = loaded.metadata
    assert diags.items == []
    assert (meta.title, meta.authors, meta.lang, meta.description, meta.kind) == (
        "A Book",
        ["Ann Writer", "Bo Author"],
        "fr",
        "About it.",
        "book",
    )
    assert meta.reading.link_base == "https://example.org/book/"
    assert loaded.metadata_path.name == "book.toml"
    (project / "source/b/publication.yaml").write_text("title: Another Title\npublisher: A Press\n", encoding="utf-8")
    loaded, diags = _load(project, "b")
    assert diags.items == []
    assert (loaded.metadata.title, loaded.metadata.publisher, loaded.metadata.lang) == (
        "Another Title",
        "A Press",
        "fr",
    )


@pytest.mark.fast
def test_book_toml_problems_are_located_in_book_toml(tmp_path):
    toml = (
        '[book]\ntitle = "A Book"\nlanguage = "klingon please"\nauthors = "Ann"\n\n'
        '[preprocessor.admonish]\ncommand = "mdbook-admonish"\n'
    )
    project = make_project(tmp_path, _book({"src/SUMMARY.md": "- [One](one.md)\n", "src/one.md": "# One\n"}, toml))
    _, diags = _load(project, "b")
    found = {(d.severity, d.location.line): d.message for d in diags.items}
    assert all(d.location.path == "source/b/book.toml" for d in diags.items), _where(diags)
    assert "authors must be a list" in found[("error", 4)]
    assert "klingon please" in found[("error", 3)]
    assert "'admonish'" in found[("warning", 6)]


@pytest.mark.fast
def test_malformed_book_toml_a_missing_title_and_a_missing_summary_are_located(tmp_path):
    project = make_project(
        tmp_path,
        _book(
            {
                "src/SUMMARY.md": "- [One](one.md)\n",
                "src/one.md": "# One\n",
                "README.md": "# Not a chapter\n\n![](nothing.png)\n",
            },
            '[book]\ntitle = "A Book\n',
        ),
    )
    loaded, diags = _load(project, "b")
    assert loaded is None, "the folder is not read as a book of its own files instead"
    [error] = diags.items
    assert (error.location.path, error.location.line) == ("source/b/book.toml", 2)
    assert "malformed TOML" in error.message
    (project / "source/b/book.toml").write_text('[book]\nlanguage = "en"\n', encoding="utf-8")
    _, diags = _load(project, "b")
    [error] = diags.items
    assert (error.message, error.location.path, error.location.line) == (
        "the publication has no title",
        "source/b/book.toml",
        1,
    )
    assert "[book] title" in error.hint
    (project / "source/b/src/SUMMARY.md").unlink()
    _, diags = _load(project, "b")
    [error] = diags.items
    assert "SUMMARY.md" in error.message and error.location.path == "source/b/book.toml"


# --- includes ----------------------------------------------------------------

LISTING = """\
// ANCHOR: all
use std::io;
// ANCHOR: main
fn main() {
    // ANCHOR: inner
    println!("hi");
    // ANCHOR_END: inner
}
// ANCHOR_END: main
// ANCHOR_END: all
"""


def _expand(tmp_path: Path, chapter: str, files: dict | None = None):
    folder = tmp_path / "pub"
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "listing.rs").write_text(LISTING, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    path = folder / "src" / "chapter.md"
    path.write_text(chapter, encoding="utf-8")
    return includes.expand(path, chapter, 1, folder, diags), diags


@pytest.mark.fast
@pytest.mark.parametrize(
    "selector,lines",
    [
        ("", LISTING.splitlines()),
        (":4:6", LISTING.splitlines()[3:6]),
        (":8:", LISTING.splitlines()[7:]),
        ("::2", LISTING.splitlines()[:2]),
        (":4", LISTING.splitlines()[3:4]),
        (":main", ["fn main() {", '    println!("hi");', "}"]),  # anchor lines inside are dropped too
        (":inner", ['    println!("hi");']),
    ],
)
def test_include_takes_the_lines_mdbook_takes(tmp_path, selector, lines):
    expanded, diags = _expand(tmp_path, f"{{{{#include ../listing.rs{selector}}}}}\n")
    assert diags.items == []
    assert expanded.text.split("\n") == lines + [""]
    # Each line knows where it came from.
    listing = (tmp_path / "pub" / "listing.rs").resolve()
    assert [(p, n) for p, n in expanded.origins[:-1]] == [
        (listing, LISTING.splitlines().index(line) + 1) for line in lines
    ]


@pytest.mark.fast
def test_rustdoc_include_keeps_the_anchor_and_drops_the_hidden_rest_for_print(tmp_path):
    expanded, _ = _expand(tmp_path, "```rust\n{{#rustdoc_include ../listing.rs:inner}}\n```\n")
    assert expanded.text == '```rust\n    println!("hi");\n```\n'


@pytest.mark.fast
def test_includes_inside_code_fences_and_inline_are_expanded_and_an_escaped_one_is_kept(tmp_path):
    chapter = (
        "Intro {{#include ../note.md}} end.\n\n```rust,ignore\n{{ #include ../listing.rs:inner }}\n```\n\n"
        "Write \\{{#include file.rs}} to include a file.\n{{#title A Better Title}}\n"
    )
    expanded, diags = _expand(tmp_path, chapter, {"note.md": "included words\n"})
    assert diags.items == []
    assert expanded.text.split("\n") == [
        "Intro included words end.",
        "",
        "```rust,ignore",
        '    println!("hi");',
        "```",
        "",
        "Write {{#include file.rs}} to include a file.",
        "",
        "",
    ]
    assert expanded.title == "A Better Title"
    assert len(expanded.origins) == len(expanded.text.split("\n"))


@pytest.mark.fast
def test_included_files_are_expanded_in_turn_relative_to_themselves(tmp_path):
    expanded, diags = _expand(
        tmp_path,
        "{{#include ../parts/outer.md}}\n",
        {"parts/outer.md": "outer\n{{#include inner.md}}\n", "parts/inner.md": "inner\n"},
    )
    assert diags.items == []
    assert expanded.text == "outer\ninner\n"
    inner = (tmp_path / "pub/parts/inner.md").resolve()
    assert expanded.origins[1] == (inner, 1)
    assert inner in expanded.included


@pytest.mark.fast
def test_include_problems_are_errors_at_their_file_line_and_column(tmp_path):
    outside = tmp_path / "secret.rs"
    outside.write_text("fn secret() {}\n", encoding="utf-8")
    (tmp_path / "pub").mkdir()
    os.symlink(outside, tmp_path / "pub" / "linked.rs")
    chapter = (
        "Text.\n{{#include ../missing.rs}}\n```rust\n{{#include ../listing.rs:nope}}\n```\n"
        "See {{#include ../../secret.rs}} and {{#include ../linked.rs}}.\n"
        "{{#include ../self.md}}\n"
    )
    expanded, diags = _expand(tmp_path, chapter, {"self.md": "{{#include self.md}}\n"})
    chapter_md = "pub/src/chapter.md"
    assert [(d.severity, d.location.path, d.location.line, d.location.column) for d in diags.items] == [
        ("error", chapter_md, 2, 1),
        ("error", chapter_md, 4, 1),
        ("error", chapter_md, 6, 5),
        ("error", chapter_md, 6, 38),
        ("error", "pub/self.md", 1, 1),  # the include that goes once too deep
    ]
    missing, anchor, leaves, linked, deep = (d.message for d in diags.items)
    assert "'../missing.rs' does not exist" in missing
    assert "no anchor 'nope'" in anchor and "ANCHOR: nope" in diags.items[1].hint
    assert "outside the publication's folder" in leaves and "outside the publication's folder" in linked
    assert "nested more than 10 deep" in deep
    assert "fn secret" not in expanded.text


@pytest.mark.fast
def test_hidden_lines_go_only_from_rust_code_blocks():
    lines = [
        "```rust,ignore",
        "# fn main() {",
        "#",
        "    # let hidden = 1;",
        "##![attr] kept as #![attr]",
        "#[derive(Debug)]",
        "#!inner",
        "let x = 1;",
        "# }",
        "```",
        "# A heading",
        "```python",
        "# a comment",
        "```",
        "~~~rust",
        "# hidden",
        "~~~",
    ]
    kept = [text for text, _ in includes.hide_rust_lines([(line, (Path("c.md"), n)) for n, line in enumerate(lines)])]
    assert kept == [
        "```rust,ignore",
        "#![attr] kept as #![attr]",
        "#[derive(Debug)]",
        "#!inner",
        "let x = 1;",
        "```",
        "# A heading",
        "```python",
        "# a comment",
        "```",
        "~~~rust",
        "~~~",
    ]


@pytest.mark.fast
def test_a_message_about_included_text_names_the_included_file_and_line(tmp_path):
    project = make_project(
        tmp_path,
        _book(
            {
                "src/SUMMARY.md": "- [One](one.md)\n",
                "src/one.md": "# One\n\n```rust\n# fn main() {\nlet x = 1;\n# }\n```\n\n{{#include ../shared/notes.md}}\n\n"
                "After [a link](#nowhere-here).\n",
                "shared/notes.md": "First line of the notes.\n\nThen [a broken link](#nowhere-there).\n",
            }
        ),
    )
    pub, diags = _read(project, "b")
    found = {
        d.message.split("'")[1]: (d.severity, d.location.path, d.location.line)
        for d in diags.items
        if "broken link" in d.message
    }
    assert found == {
        "#nowhere-there": ("warning", "source/b/shared/notes.md", 3),
        "#nowhere-here": ("warning", "source/b/src/one.md", 11),
    }


# --- MkDocs ----------------------------------------------------------------


def _site(files: dict, config: str) -> dict:
    return {"source/m/mkdocs.yml": config, **{f"source/m/{name}": text for name, text in files.items()}}


@pytest.mark.fast
def test_mkdocs_nav_sections_are_parts_and_sections_in_sections_deeper_parts(tmp_path):
    config = (
        "site_name: A Site\nsite_author: Ann Writer\nsite_url: https://example.org/site/\n"
        "theme:\n  name: material\n  language: de\n"
        "nav:\n  - index.md\n  - Guide:\n    - First: guide/first.md\n    - Deeper:\n"
        "      - guide/deep.md\n  - Issues: https://example.org/issues\n  - Gone: gone.md\n"
    )
    project = make_project(
        tmp_path,
        _site(
            {"docs/index.md": "# Home\n", "docs/guide/first.md": "# First\n", "docs/guide/deep.md": "# Deep\n"}, config
        ),
    )
    loaded, diags = _load(project, "m")
    assert [(f.path.name, f.place.part, f.place.offset) for f in loaded.files] == [
        ("index.md", None, 0),
        ("mkdocs.yml", "Guide", 0),
        ("first.md", None, 1),
        ("mkdocs.yml", "Deeper", 1),
        ("deep.md", None, 2),
    ]
    assert [(f.first_line) for f in loaded.files if f.place.part] == [9, 11]
    assert _where(diags) == [("warning", "source/m/mkdocs.yml", 13, None), ("error", "source/m/mkdocs.yml", 14, None)]
    meta = loaded.metadata
    assert (meta.title, meta.authors, meta.lang, meta.reading.dialect, meta.reading.link_base) == (
        "A Site",
        ["Ann Writer"],
        "de",
        "python-markdown",
        "https://example.org/site/",
    )


@pytest.mark.fast
def test_mkdocs_tags_are_plain_values_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    config = (
        f"site_name: !ENV [SITE_NAME, A Site]\nsite_author: !ENV AUTHOR_UNSET\n"
        f"hooks: !!python/object/apply:os.system ['touch {marker}']\n"
        "markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify {}\n"
        "  - admonition\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "  - markdown_include.include\n"
    )
    project = make_project(tmp_path, _site({"docs/index.md": "# Home\n"}, config))
    loaded, diags = _load(project, "m")
    assert not marker.exists(), "a YAML tag ran a command"
    assert loaded.metadata.title == "A Site" and loaded.metadata.authors == []
    [warning] = diags.items
    assert (warning.severity, warning.location.line) == ("warning", 4)
    assert "pymdownx.emoji, markdown_include.include" in warning.message
    assert loaded.metadata.reading.extensions == ("toc", "admonition")


@pytest.mark.fast
def test_mkdocs_without_nav_takes_the_files_in_name_order_index_first(tmp_path):
    project = make_project(
        tmp_path,
        _site(
            {
                "docs/zebra.md": "# Zebra\n",
                "docs/index.md": "# Home\n",
                "docs/apple.md": "# Apple\n",
                "docs/more-notes/b.md": "# B\n",
                "docs/more-notes/a.md": "# A\n",
                "docs/page.md": "---\ntitle: Page\nhide: [navigation]\n---\n# Page\n",
            },
            "site_name: A Site\n",
        ),
    )
    loaded, diags = _load(project, "m")
    assert diags.items == [], "a page's own front matter (hide:) is the site's, not an error"
    assert [(f.path.name, f.place.part, f.place.offset) for f in loaded.files] == [
        ("index.md", None, 0),
        ("apple.md", None, 0),
        ("page.md", None, 0),
        ("zebra.md", None, 0),
        ("mkdocs.yml", "More notes", 0),
        ("a.md", None, 1),
        ("b.md", None, 1),
    ]


# --- links -------------------------------------------------------------------


@pytest.mark.fast
@pytest.mark.parametrize(
    "heading,expected",
    [
        ("Hello, World!", "hello-world"),
        ("What Is Vec<T>?", "what-is-vect"),
        ("The ? Operator", "the--operator"),
        ("snake_case and kebab-case", "snake_case-and-kebab-case"),
        ("Über Straße", "Über-straße"),  # mdBook lower-cases ASCII letters only
    ],
)
def test_mdbook_heading_ids(heading, expected):
    assert mdbook_id(heading) == expected


LINKING = {
    "src/SUMMARY.md": "[Front](README.md)\n- [One](one.md)\n    - [One A](one/a.md)\n",
    "src/README.md": "# Front\n\n[html](one.html) [md](one.md#the-setting-über-straße) [dot](./one/a.html#an-aside) "
    "[index](./) [out](../std/index.html) [file](../listing.rs) [typo](onee.html) "
    "[id typo](one.html#the-settings) [mail](mailto:a@example.org)\n",
    "src/one.md": "# One\n\n## The Setting: Über, Straße!\n\nText.\n",
    # mdBook's id for the heading keeps the capital Ü: ids are tried its way too.
    "src/one/a.md": "## An Aside\n\nBack [up](../one.html#the-setting-Über-straße) and [home](../index.html).\n",
    "listing.rs": "fn main() {}\n",
}


def _hrefs(pub, chapter_name: str) -> dict:
    chapter = next(c for c in pub.chapters if c.source.name == chapter_name)
    return {a.text: a.get("href") for a in chapter.body.iter("a")}


def _linking(tmp_path: Path, site: str = "") -> Path:
    files = {"source/b/" + name: text for name, text in LINKING.items()}
    files["source/b/book.toml"] = '[book]\ntitle = "Links"\nlanguage = "en"\n' + site
    return make_project(tmp_path, files)


@pytest.mark.fast
def test_links_written_for_mdbook_reach_their_chapter_and_heading(tmp_path):
    pub, diags = _read(_linking(tmp_path), "b")
    front, one = pub.chapters[0], pub.chapters[1]
    setting = next(el.get("id") for el in one.body.iter("h2"))
    assert _hrefs(pub, "README.md") == {
        "html": f"#{one.id}",
        "md": f"#{setting}",
        "dot": "#an-aside",
        "index": f"#{front.id}",
        "mail": "mailto:a@example.org",
    }
    assert _hrefs(pub, "a.md") == {"up": f"#{setting}", "home": f"#{front.id}"}
    broken = sorted(
        (d.message.split("'")[1], d.location.path, d.location.line) for d in diags.items if "broken link" in d.message
    )
    assert broken == [
        (href, "source/b/src/README.md", 3)
        for href in ("../listing.rs", "../std/index.html", "one.html#the-settings", "onee.html")
    ]
    assert all(d.severity == "warning" for d in diags.items), _where(diags)
    leaving = next(d for d in diags.items if "../std/index.html" in d.message)
    assert "leads out of the book" in leaving.message and "links: {base: URL}" in leaving.hint
    text = " ".join("".join(front.body.itertext()).split())
    assert "html md dot index out file typo id typo mail" in text, "a broken link keeps its words"


@pytest.mark.fast
def test_links_leaving_the_book_resolve_against_the_site_url(tmp_path):
    project = _linking(tmp_path, '\n[output.html]\nsite-url = "https://example.org/books/links/"\n')
    pub, diags = _read(project, "b")
    hrefs = _hrefs(pub, "README.md")
    assert (hrefs["out"], hrefs["file"]) == (
        "https://example.org/books/std/index.html",
        "https://example.org/books/listing.rs",
    )
    assert sorted(d.message.split("'")[1] for d in diags.items if "broken link" in d.message) == [
        "one.html#the-settings",
        "onee.html",
    ], "a typo inside the book is still a broken link"
    # publication.yaml's links: base is taken before book.toml's site-url.
    (project / "source/b/publication.yaml").write_text("links: {base: 'https://other.example/'}\n", encoding="utf-8")
    pub, _ = _read(project, "b")
    assert _hrefs(pub, "README.md")["out"] == "https://other.example/std/index.html"


BROKEN_ARTICLE = (
    "---\ntitle: Broken\nlang: en\n---\n\nSee [the missing part](#nowhere) and "
    "[](#figure-7), and [a friend](https://example.org/).\n"
)


def test_a_broken_link_is_a_warning_and_reaches_neither_edition_as_a_link(tmp_path):
    project = make_project(tmp_path, {"source/a/article.md": BROKEN_ARTICLE})
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub", "pdf"))
    found = [(d.severity, d.location.path, d.location.line) for d in result.diagnostics if "broken link" in d.message]
    assert found == [("warning", "source/a/article.md", 6)] * 2
    xhtml = b"".join(data for name, data in epub_files(project / "dist/a.epub").items() if name.endswith(".xhtml"))
    assert b'href="#nowhere"' not in xhtml and b'href="#figure-7"' not in xhtml
    body = etree.fromstring(epub_files(project / "dist/a.epub")["EPUB/text/article.xhtml"])
    [paragraph] = [p for p in body.iterfind(".//x:p", NS) if "See" in "".join(p.itertext())]
    assert " ".join("".join(paragraph.itertext()).split()) == "See the missing part and #figure-7, and a friend."
    assert [a.get("href") for a in paragraph.iter("{%s}a" % NS["x"])] == ["https://example.org/"]
    pdf = PdfReader(str(project / "dist/a.pdf"))
    annotations = [a.get_object() for page in pdf.pages for a in page.get("/Annots", [])]
    uris = [a["/A"]["/URI"] for a in annotations if "/A" in a and "/URI" in a["/A"]]
    assert uris == ["https://example.org/"], uris
    with source_date_epoch(), pytest.raises(BuildError) as caught:
        pipeline.build(project, formats=("epub",), strict=True)
    assert [d.location.line for d in caught.value.diagnostics if "broken link" in d.message] == [6, 6]


# --- the fixtures, built -------------------------------------------------------


def _build(tmp_path_factory, name: str):
    project = make_project(tmp_path_factory.mktemp(name), {})
    shutil.copytree(DATA / name, project / "source" / name)
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub", "pdf"))
    return project, result


def _spine(epub: Path) -> list[str]:
    files = epub_files(epub)
    opf = etree.fromstring(files["EPUB/content.opf"])
    items = {i.get("id"): i.get("href") for i in opf.iterfind("opf:manifest/opf:item", NS)}
    return [items[r.get("idref")] for r in opf.iterfind("opf:spine/opf:itemref", NS)]


def _nav(epub: Path) -> list:
    nav = etree.fromstring(epub_files(epub)["EPUB/text/nav.xhtml"])

    def tree(ol):
        out = []
        for li in ol.iterfind("x:li", NS):
            sub = li.find("x:ol", NS)
            out.append((" ".join("".join(li.find("x:a", NS).itertext()).split()), tree(sub) if sub is not None else []))
        return out

    return tree(nav.find(".//x:nav[@epub:type='toc']/x:ol", NS))


def _outline(reader: PdfReader, items) -> list:
    out = []
    for item in items:
        if isinstance(item, list):
            out[-1] = (out[-1][0], _outline(reader, item))
        else:
            out.append((item.title, []))
    return out


def _xhtml_text(epub: Path, name: str) -> str:
    return "".join(etree.fromstring(epub_files(epub)[f"EPUB/text/{name}"]).itertext())


@pytest.fixture(scope="module")
def mdbook_build(tmp_path_factory):
    return _build(tmp_path_factory, "mdbook-book")


@pytest.fixture(scope="module")
def mdbook_epub(mdbook_build) -> Path:
    return mdbook_build[0] / "dist" / "mdbook-book.epub"


@pytest.fixture(scope="module")
def mdbook_pages(mdbook_build) -> list[list[str]]:
    return pdf_lines_by_page(mdbook_build[0] / "dist" / "mdbook-book.pdf")


MDBOOK_CONTENTS = [
    ("Foreword", []),
    (
        "Getting Started",
        [
            ("What You Need", []),
            ("Installation", [("Checking the Version", []), ("On Linux", [])]),
            ("Hello, World!", []),
        ],
    ),
    (
        "Ownership and Borrowing",
        [
            (
                "Understanding Ownership",
                [("The Rules of Ownership", []), ("What Is Vec<T>?", []), ("References and Borrowing", [])],
            )
        ],
    ),
    ("Appendix A: Keywords", []),
]


def test_mdbook_builds_with_no_error_and_notes_its_draft(mdbook_build):
    _, result = mdbook_build
    assert [d for d in result.diagnostics if d.severity == "error"] == []
    assert not [d for d in result.diagnostics if "link" in d.message], "every link of the book resolves"
    draft = [d for d in result.diagnostics if "draft" in d.message]
    assert [(d.severity, d.location.path, d.location.line) for d in draft] == [
        ("warning", "source/mdbook-book/src/SUMMARY.md", 9)
    ]
    assert {o.edition for o in result.outputs} == {"epub", "pdf"}


def test_mdbook_metadata_comes_from_book_toml(mdbook_epub):
    opf = etree.fromstring(epub_files(mdbook_epub)["EPUB/content.opf"])
    assert opf.findtext(".//dc:title", namespaces=NS) == "The Crab Handbook"
    assert [c.text for c in opf.iterfind(".//dc:creator", NS)] == ["Rita Ferris", "Sam Quill"]
    assert opf.findtext(".//dc:language", namespaces=NS) == "en"
    assert opf.findtext(".//dc:description", namespaces=NS).startswith("A small book about writing small programs")


def test_mdbook_order_follows_summary_with_its_part_and_without_the_draft(mdbook_epub):
    chapters = [
        h
        for h in _spine(mdbook_epub)
        if h.startswith("text/")
        and h not in ("text/cover.xhtml", "text/titlepage.xhtml", "text/nav.xhtml", "text/colophon.xhtml")
    ]
    assert chapters == [
        "text/foreword.xhtml",
        "text/ch01-00-getting-started.xhtml",
        "text/ch01-01-installation.xhtml",
        "text/ch01-01-01-on-linux.xhtml",
        "text/ch01-02-hello-world.xhtml",
        "text/part-1.xhtml",
        "text/ch02-00-ownership.xhtml",
        "text/ch02-01-borrowing.xhtml",
        "text/keywords.xhtml",
    ]
    opf = epub_files(mdbook_epub)["EPUB/content.opf"].decode()
    assert "Style Guide" not in opf


def test_mdbook_nested_files_are_sections_of_their_chapter_in_both_contents(mdbook_build, mdbook_epub):
    assert _nav(mdbook_epub) == MDBOOK_CONTENTS
    reader = PdfReader(str(mdbook_build[0] / "dist" / "mdbook-book.pdf"))
    assert _outline(reader, reader.outline) == MDBOOK_CONTENTS


def test_mdbook_nested_files_do_not_open_a_new_page_in_print(mdbook_build, mdbook_pages):
    contents = next(i for i, lines in enumerate(mdbook_pages) if lines and lines[0] == "Contents")

    def page(heading):
        found = page_of_heading(mdbook_pages, heading, skip={contents})
        assert found is not None, f"{heading!r} is not printed as a heading"
        return found

    # Each nested file follows on the page where the text before it ends.
    assert page("Installation") == page("Getting Started")
    # A file of its own follows where the text before it ends: on the same
    # page, or at the head of the next when that page is full.
    hello, linux = page("Hello, World!"), page("On Linux")
    if hello != linux:
        assert hello == linux + 1
        short = dict(measure(mdbook_build[0] / "dist" / "mdbook-book.pdf").short_pages)
        assert short.get(linux + 1, 0) <= 2, "the page before a nested file ends short"
    assert page("References and Borrowing") == page("What Is Vec<T>?")
    # No blank page inside a chapter: a blank page has no folio.
    for chapter, last in (
        ("Getting Started", "Hello, World!"),
        ("Understanding Ownership", "References and Borrowing"),
    ):
        folios = [printed_folio(lines) for lines in mdbook_pages[page(chapter) : page(last) + 1]]
        assert folios == list(range(folios[0], folios[0] + len(folios))), (chapter, folios)
    assert page("On Linux") > page("Installation"), "the fixture runs a chapter over a page"
    # Top-level chapters still open on a right-hand (odd) page.
    for chapter in ("Foreword", "Getting Started", "Understanding Ownership", "Appendix A: Keywords"):
        assert printed_folio(mdbook_pages[page(chapter)]) % 2 == 1, chapter


def test_mdbook_includes_set_the_listings_and_hide_what_mdbook_hides(mdbook_build, mdbook_epub, mdbook_pages):
    hello = _xhtml_text(mdbook_epub, "ch01-02-hello-world.xhtml")
    assert 'fn main() {\n    println!("Hello, world!");\n}' in hello
    assert "ANCHOR" not in hello and "use std::io" not in hello, "only the anchor's lines"
    assert 'let guess: u32 = "42".parse().expect("a number");' in hello
    assert "# not hidden: a line that starts with one hash sign" in hello
    assert "allow(unused)" not in hello and "# }" not in hello and "# fn main" not in hello
    assert "let sum = add(2, 2);" in hello, "a rust,ignore fence is a code block"
    ownership = _xhtml_text(mdbook_epub, "ch02-00-ownership.xhtml")
    listing = (DATA / "mdbook-book/listings/ch02-scope/src/main.rs").read_text(encoding="utf-8").split("\n")
    for chosen in (listing[1:4], listing[6:8], listing[4:5] + listing[0:3]):
        assert "\n".join(chosen) in ownership
    assert "Remember: when the owner goes out of scope, the value is dropped." in ownership
    assert "{{#" not in ownership and "Impatient" not in ownership
    printed = [line for page in mdbook_pages for line in page]
    assert 'println!("Hello, world!");' in printed
    assert not any("allow(unused)" in line or "ANCHOR" in line for line in printed)


def test_mdbook_links_land_on_chapters_and_headings_in_both_editions(mdbook_build, mdbook_epub):
    files = epub_files(mdbook_epub)

    def hrefs(name):
        doc = etree.fromstring(files[f"EPUB/text/{name}"])
        return {
            " ".join("".join(a.itertext()).split()): a.get("href")
            for a in doc.iterfind(".//x:a", NS)
            if not a.get("class")
        }

    assert hrefs("foreword.xhtml") == {
        "Getting Started": "ch01-00-getting-started.xhtml#ch01-00-getting-started",
        "the version check": "ch01-01-installation.xhtml#checking-the-version",
    }
    assert hrefs("ch01-02-hello-world.xhtml") == {
        "Understanding Ownership": "ch02-00-ownership.xhtml#the-rules-of-ownership"
    }
    assert hrefs("ch02-01-borrowing.xhtml") == {
        "the rules": "ch02-00-ownership.xhtml#the-rules-of-ownership",
        "what a vector is": "ch02-00-ownership.xhtml#what-is-vect",
    }
    assert hrefs("keywords.xhtml") == {
        "Understanding Ownership": "ch02-00-ownership.xhtml#ch02-00-ownership",
        "Hello, World!": "ch01-02-hello-world.xhtml#hello-world",
    }
    assert hrefs("ch02-00-ownership.xhtml") == {"standard library": "https://books.example.org/std/index.html"}
    for name, data in files.items():
        if name.endswith(".xhtml"):
            for a in etree.fromstring(data).iterfind(".//x:a", NS):
                assert a.get("href"), f"a link with no target in {name}"
    reader = PdfReader(str(mdbook_build[0] / "dist" / "mdbook-book.pdf"))
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    web = [a["/A"]["/URI"] for a in annotations if "/A" in a and "/URI" in a["/A"]]
    assert web == ["https://books.example.org/std/index.html"], "every other link is internal in print"


def test_mdbook_epub_passes_epubcheck_with_no_message(mdbook_epub):
    messages = epubcheck(mdbook_epub)
    assert messages == [], "EPUBCheck (with --usage) reported:\n" + format_messages(messages)


def test_mdbook_epub_passes_ace_with_no_violation(mdbook_epub, tmp_path):
    report = ace_report(mdbook_epub, tmp_path / "ace")
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"


@pytest.fixture(scope="module")
def mkdocs_build(tmp_path_factory):
    return _build(tmp_path_factory, "mkdocs-project")


@pytest.fixture(scope="module")
def mkdocs_epub(mkdocs_build) -> Path:
    return mkdocs_build[0] / "dist" / "mkdocs-project.epub"


MKDOCS_CONTENTS = [
    ("The Garden Notebook", []),
    ("Growing", [("Soil", [("Testing the Soil", [])]), ("Watering", [("How Much", [])]), ("Pests", [("Slugs", [])])]),
    ("About", []),
]


def test_mkdocs_builds_with_no_error_and_names_the_extension_it_lacks(mkdocs_build):
    _, result = mkdocs_build
    assert [(d.severity, d.location.path, d.location.line) for d in result.diagnostics] == [
        ("warning", "source/mkdocs-project/mkdocs.yml", 24)
    ]
    assert "pymdownx.emoji" in result.diagnostics[0].message


def test_mkdocs_order_and_nav_follow_its_nav(mkdocs_build, mkdocs_epub):
    chapters = [
        h
        for h in _spine(mkdocs_epub)
        if h not in ("text/cover.xhtml", "text/titlepage.xhtml", "text/nav.xhtml", "text/colophon.xhtml")
    ]
    assert chapters == [
        "text/index.xhtml",
        "text/part-1.xhtml",
        "text/soil.xhtml",
        "text/watering.xhtml",
        "text/part-2.xhtml",
        "text/slugs.xhtml",
        "text/about.xhtml",
    ]
    assert _nav(mkdocs_epub) == MKDOCS_CONTENTS
    opf = etree.fromstring(epub_files(mkdocs_epub)["EPUB/content.opf"])
    assert opf.findtext(".//dc:title", namespaces=NS) == "The Garden Notebook"
    assert [c.text for c in opf.iterfind(".//dc:creator", NS)] == ["Ada Gardener"]
    assert opf.findtext(".//dc:rights", namespaces=NS) == "Copyright 2024 Ada Gardener"


def test_mkdocs_markdown_reads_as_mkdocs_reads_it(mkdocs_epub):
    files = epub_files(mkdocs_epub)
    index = etree.fromstring(files["EPUB/text/index.xhtml"])
    note = index.find(".//x:div[@class='admonition note']", NS)
    assert (
        note is not None and note.findtext("x:p[@class='admonition-title']", namespaces=NS) == "How to read the notes"
    )
    assert index.find(".//x:abbr[@title='Royal Horticultural Society']", NS) is not None
    soil = etree.fromstring(files["EPUB/text/soil.xhtml"])
    assert soil.find(".//x:p[@class='lead']", NS) is not None, "attr_list"
    assert soil.find(".//x:h3[@id='soil-test']", NS) is not None
    links = {a.text: a.get("href") for a in soil.iterfind(".//x:a", NS)}
    assert links == {"watering": "watering.xhtml#how-much"}
    watering = etree.fromstring(files["EPUB/text/watering.xhtml"])
    assert [a.get("href") for a in watering.iterfind(".//x:a", NS)] == ["soil.xhtml#soil-test"]
    assert watering.find(".//x:dl/x:dt", NS).text == "Loam"


def test_mkdocs_epub_passes_epubcheck_with_no_message(mkdocs_epub):
    messages = epubcheck(mkdocs_epub)
    assert messages == [], "EPUBCheck (with --usage) reported:\n" + format_messages(messages)


def test_mkdocs_epub_passes_ace_with_no_violation(mkdocs_epub, tmp_path):
    report = ace_report(mkdocs_epub, tmp_path / "ace")
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
