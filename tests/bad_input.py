"""Bad input, one case per mistake a writer makes: the good files of a
project, the files that break it, and where and how the error must be
reported. test_bad_input.py checks every case at the reading stage;
test_errors.py takes a few through a whole build and the command.
"""

from __future__ import annotations

import io
from pathlib import Path
from dataclasses import dataclass, field

from PIL import Image

ARTICLE = "source/piece/article.md"
GOOD_ARTICLE = """\
---
title: A Fine Piece
lang: en
---

Some text.

## Somewhere

More text, and [a link](#somewhere).
"""


def write_files(project: Path, files: dict) -> None:
    """A case's files written over the project: text, bytes, or None to remove one."""
    for name, content in files.items():
        path = project / name
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def assert_located(d, case: Case) -> None:
    """The diagnostic is at the case's file, line (and column), with its hint,
    and prints as file:line[:column]: error: message (hint)."""
    assert d.location is not None, f"error without location: {d}"
    assert (d.location.path, d.location.line) == (case.path, case.line), str(d)
    if case.column is not None:
        assert d.location.column == case.column, str(d)
    if case.hint is not None:
        assert d.hint and case.hint in d.hint, str(d)
    expected = f"{case.path}:{case.line}:" + (f"{case.column}:" if case.column else "")
    assert str(d).startswith(expected) and " error: " in str(d), str(d)
    if d.hint:
        assert str(d).endswith(f" ({d.hint})"), str(d)


def png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Case:
    id: str
    broken: dict  # files that replace (or, with None, remove) good ones
    path: str  # where the error must point, relative to the project
    line: int
    message: str  # a fragment of the error's message
    column: int | None = None
    hint: str | None = None  # a fragment of the hint
    good: dict = field(default_factory=lambda: {ARTICLE: GOOD_ARTICLE})
    strict: bool = False  # built with --strict: what would otherwise be a warning fails the build


def article(front: str, body: str = "Some text.\n") -> str:
    return f"---\n{front}---\n\n{body}"


def tiff() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "TIFF")
    return buffer.getvalue()


IMAGE_ARTICLE = article("title: A Fine Piece\n", "Some text.\n\n![A blue box](box.png)\n")

BOOK = {
    "source/piece/publication.yaml": "title: A Fine Book\nlang: en\ncontents:\n  - one.md\n  - two.md\n",
    "source/piece/one.md": "# One\n\nThe first chapter.\n",
    "source/piece/two.md": "# Two\n\nThe second chapter.\n",
}

COLLECTION = {
    "source/piece/publication.yaml": "title: A Fine Collection\nlang: en\ntype: collection\n"
    "contents:\n  - one.md\n  - two.md\n",
    "source/piece/one.md": article("title: The First Piece\nauthor: Ann Writer\n", "The first piece.\n"),
    "source/piece/two.md": article("title: The Second Piece\nauthor: Bo Author\n", "The second piece.\n"),
}

XREF_ARTICLE = article(
    "title: A Fine Piece\n", "See [](#figure-1).\n\n![A blue box](box.png)\n\n/// figure-caption\nA blue box.\n///\n"
)
XREF_BOOK = {
    **BOOK,
    "source/piece/one.md": "# One\n\nThe first chapter; see [](two.md#a-section).\n",
    "source/piece/two.md": "# Two\n\nThe second chapter.\n\n## A section\n\nMore.\n",
}

CASES = [
    Case(
        "malformed-yaml",
        {ARTICLE: "---\ntitle: A Fine Piece\nlang: en\ndescription: one: two\n---\n\nSome text.\n"},
        ARTICLE,
        4,
        "malformed YAML",
        column=17,
    ),
    Case(
        "unknown-key",
        {ARTICLE: article("titel: A Fine Piece\nlang: en\n")},
        ARTICLE,
        2,
        "unknown metadata key 'titel'",
        hint="did you mean 'title'",
    ),
    Case(
        "invalid-language",
        {ARTICLE: article("title: A Fine Piece\nlang: english please\n")},
        ARTICLE,
        3,
        "english please",
    ),
    Case(
        "isbn-check-digit",
        {ARTICLE: article("title: A Fine Piece\nidentifier: 978-3-16-148410-1\n")},
        ARTICLE,
        3,
        "978-3-16-148410-1",
    ),
    Case(
        "impossible-date",
        {ARTICLE: article("title: A Fine Piece\nlang: en\ndate: 2021-02-30\n")},
        ARTICLE,
        4,
        "2021-02-30",
    ),
    Case("missing-title", {ARTICLE: article("lang: en\n")}, ARTICLE, 1, "no title"),
    Case(
        "missing-image",
        {ARTICLE: article("title: A Fine Piece\n", "Some text.\n\n![A blue box](gone.png)\n")},
        ARTICLE,
        7,
        "gone.png",
        good={ARTICLE: IMAGE_ARTICLE, "source/piece/box.png": png()},
    ),
    Case(
        "image-without-alt",
        {ARTICLE: article("title: A Fine Piece\n", "Some text.\n\n![](box.png)\n")},
        ARTICLE,
        7,
        "alternative text",
        hint="decorative",
        good={ARTICLE: IMAGE_ARTICLE, "source/piece/box.png": png()},
    ),
    Case(
        "broken-link",
        {ARTICLE: GOOD_ARTICLE.replace("(#somewhere)", "(#nowhere)")},
        ARTICLE,
        10,
        "'#nowhere': nothing in the publication has the id 'nowhere'",
        strict=True,
    ),
    Case(
        "broken-link-across-files",
        {"source/piece/one.md": "# One\n\nThe first chapter, see [two](two.md#no-such-heading).\n"},
        "source/piece/one.md",
        3,
        "'two.md#no-such-heading': nothing in that file has the id",
        good=BOOK,
        strict=True,
    ),
    Case(
        "link-to-a-missing-file",
        {"source/piece/one.md": "# One\n\nThe first chapter, see [three](three.md).\n"},
        "source/piece/one.md",
        3,
        "'three.md': no such file in the publication",
        hint="check the file name",
        good=BOOK,
        strict=True,
    ),
    Case(
        "not-utf8",
        {ARTICLE: "---\ntitle: A Fine Piece\n---\n\nSome text.\nCaf\xe9 au lait.\n".encode("latin-1")},
        ARTICLE,
        6,
        "not UTF-8",
        column=4,
    ),
    Case(
        "missing-cover-image",
        {ARTICLE: article("title: A Fine Piece\nlang: en\ncover-image: gone.png\n")},
        ARTICLE,
        4,
        "gone.png",
    ),
    Case("empty-source", {"source/piece/two.md": ""}, "source/piece/two.md", 1, "empty", good=BOOK),
    Case("wrong-type", {ARTICLE: article("title: A Fine Piece\ntoc-depth: deep\n")}, ARTICLE, 3, "toc-depth"),
    Case(
        "unknown-edition-option",
        {ARTICLE: article("title: A Fine Piece\nprint:\n  trimm: a4\n")},
        ARTICLE,
        3,
        "unknown option 'trimm'",
        hint="did you mean 'trim'",
    ),
    Case(
        "corrupt-image",
        {"source/piece/box.png": b"\x89PNG\r\n\x1a\n but then nothing of a picture"},
        ARTICLE,
        7,
        "damaged",
        good={ARTICLE: IMAGE_ARTICLE, "source/piece/box.png": png()},
    ),
    Case(
        "unsupported-image",
        {ARTICLE: IMAGE_ARTICLE.replace("box.png", "box.tiff"), "source/piece/box.tiff": tiff()},
        ARTICLE,
        7,
        "not a PNG, JPEG, GIF or SVG",
        good={ARTICLE: IMAGE_ARTICLE, "source/piece/box.png": png()},
    ),
    Case(
        "duplicate-id",
        {ARTICLE: article("title: A Fine Piece\n", 'Some text.\n\n<p id="twice">One.</p>\n\n<p id="twice">Two.</p>\n')},
        ARTICLE,
        7,
        "'twice' is used twice",
    ),
    Case(
        "deeply-nested",
        {ARTICLE: article("title: A Fine Piece\n", "Some text.\n\n" + ">" * 200 + " deep\n")},
        ARTICLE,
        7,
        "nested more than",
    ),
    Case(
        "huge-source",
        {ARTICLE: article("title: A Fine Piece\n", "word " * 4_300_000)},
        ARTICLE,
        1,
        "over the limit",
        hint="split it into chapters",
    ),
    Case(
        "malformed-manifest",
        {
            "source/piece/publication.yaml": "title: A Fine Book\nsubtitle: one: two\nlang: en\n"
            "contents:\n  - one.md\n  - two.md\n"
        },
        "source/piece/publication.yaml",
        2,
        "malformed YAML",
        column=14,
        hint="quote values",
        good=BOOK,
    ),
    Case(
        "broken-cross-reference",
        {ARTICLE: XREF_ARTICLE.replace("#figure-1", "#figure-9")},
        ARTICLE,
        5,
        "'#figure-9': nothing in the publication has the id",
        hint="figure-1, figure-2",
        # Large enough for print: under --strict a low-resolution image fails the build too.
        good={ARTICLE: XREF_ARTICLE, "source/piece/box.png": png((1600, 1200))},
        strict=True,
    ),
    Case(
        "broken-cross-reference-across-files",
        {"source/piece/one.md": XREF_BOOK["source/piece/one.md"].replace("#a-section", "#a-sektion")},
        "source/piece/one.md",
        3,
        "two.md#a-sektion",
        good=XREF_BOOK,
        strict=True,
    ),
    # Chapters' and pieces' own front matter is checked like the publication's.
    Case(
        "piece-unknown-key",
        {"source/piece/two.md": article("titel: The Second Piece\n")},
        "source/piece/two.md",
        2,
        "unknown metadata key 'titel'",
        hint="did you mean 'title'",
        good=COLLECTION,
    ),
    Case(
        "chapter-impossible-date",
        {"source/piece/two.md": article("date: 2021-02-30\n", "# Two\n\nText.\n")},
        "source/piece/two.md",
        2,
        "'2021-02-30' is not a date that exists",
        good=BOOK,
    ),
    # Raw HTML that a normal build repairs or removes with a warning is refused under --strict.
    Case(
        "unclosed-raw-html-strict",
        {
            ARTICLE: article(
                "title: A Fine Piece\n", 'Some text.\n\n<div class="box">\n<p>Inside\n<em>never closed\n</div>\n'
            )
        },
        ARTICLE,
        9,
        "<em> is not closed",
        hint="close every HTML element",
        strict=True,
    ),
    Case(
        "invalid-raw-html-strict",
        {
            ARTICLE: article(
                "title: A Fine Piece\n", 'Some text.\n\n<div class="box">\n<p>Inside</span> the box.</p>\n</div>\n'
            )
        },
        ARTICLE,
        8,
        "</span> closes an element that is not open",
        strict=True,
    ),
    Case(
        "script-strict",
        {ARTICLE: article("title: A Fine Piece\n", 'Some text.\n\n<script>alert("hi")</script>\n')},
        ARTICLE,
        7,
        "<script> is not allowed",
        hint="remove it",
        strict=True,
    ),
    Case(
        "event-handler-strict",
        {ARTICLE: article("title: A Fine Piece\n", 'Some text.\n\n<p onclick="alert(1)">Press here.</p>\n')},
        ARTICLE,
        7,
        "event handler 'onclick' on <p> is not allowed",
        hint="no edition runs scripts",
        strict=True,
    ),
    Case(
        "iframe-strict",
        {ARTICLE: article("title: A Fine Piece\n", 'Some text.\n\n<iframe src="page.html" title="A page"></iframe>\n')},
        ARTICLE,
        7,
        "<iframe> is not allowed",
        hint="remove it",
        strict=True,
    ),
    Case(
        "form-strict",
        {
            ARTICLE: article(
                "title: A Fine Piece\n", 'Some text.\n\n<form action="send.php">\n<input name="email">\n</form>\n'
            )
        },
        ARTICLE,
        7,
        "<form> is not allowed",
        hint="remove it",
        strict=True,
    ),
]


CASES_BY_ID = {c.id: c for c in CASES}
