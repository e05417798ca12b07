"""Captions and code lines in the editions of a small article: the
table captions above their tables, in print and in the EPUB; in print, no
caption hyphenated or ending on one short word, and a wrapped code line's
continuation set right of where the line starts."""

from __future__ import annotations

import re
import subprocess

import pytest
from lxml import etree

import pipeline
from conftest import epub_files, make_project, source_date_epoch
from pipeline.pdf import captions
from pipeline.transforms import codelines

LONG_VALUE = " ".join(["a value long enough to wrap"] * 4)
# Captions growing a word at a time: set greedily, each time one crosses a
# line's end its last word stands alone; long words end lines hyphenated.
CAPTION_WORDS = (
    "Where the characteristically international typesetting conventions of "
    "documentation publishers differ and how the tables show it to us"
).split()
CAPTIONS = [" ".join(CAPTION_WORDS[: n % len(CAPTION_WORDS) + 1]) + "." for n in range(8, 17)] + [
    " ".join(CAPTION_WORDS + CAPTION_WORDS[:n]) + "." for n in range(1, 14)
]
ARTICLE = (
    "---\ntitle: Captions\nlang: en\n---\n\nSome text before the tables.\n\n"
    + "".join(
        f"| Key | Value |\n|-----|-------|\n| k{i} | v{i} |\n\n/// table-caption\n{caption}\n///\n\n"
        for i, caption in enumerate(CAPTIONS)
    )
    + f"```yaml\nshort: 1\ndescription: {LONG_VALUE}\nnext: 2\n```\n"
)


@pytest.fixture(scope="module")
def captioned(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("captions"), {"source/c/article.md": ARTICLE})
    with source_date_epoch():
        pipeline.build(project, formats=("pdf", "epub"))
    return project / "dist"


def _pdf_lines(pdf) -> list[tuple[float, float, str]]:
    """(top, left, text) of every line of the PDF, page after page."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    found = []
    for number, page in enumerate(etree.fromstring(xml).iter("{*}page")):
        for line in page.iter("{*}line"):
            words = list(line.iter("{*}word"))
            top = number * 10_000 + float(line.get("yMin"))
            found.append((top, float(words[0].get("xMin")), " ".join(w.text for w in words)))
    return sorted(found)


def test_in_print_table_captions_stand_above_their_tables_unhyphenated_and_without_runts(captioned):
    lines = _pdf_lines(captioned / "c.pdf")
    texts = [t for _, _, t in lines]
    for i in range(len(CAPTIONS)):
        start = next(n for n, t in enumerate(texts) if t.startswith(f"Table {i + 1}."))
        end = next(n for n, t in enumerate(texts) if t.startswith("Key") and n > start)
        assert f"k{i}" in " ".join(texts[end : end + 4]).split(), "the caption is right above its own table"
        caption = texts[start:end]
        assert " ".join(caption).endswith(CAPTIONS[i]), caption
        assert not any(t.endswith(("-", "\u2010")) for t in caption), f"caption {i + 1} is hyphenated: {caption}"
        runt = len(caption) > 1 and len(caption[-1].split()) == 1 and len(caption[-1]) <= captions.SHORT
        assert not runt, f"caption {i + 1} ends on a runt: {caption}"


def test_in_print_a_wrapped_code_line_continues_right_of_its_own_start(captioned):
    lines = _pdf_lines(captioned / "c.pdf")
    [start] = [n for n, (_, _, t) in enumerate(lines) if t.startswith("description:")]
    assert lines[start - 1][2] == "short: 1"
    first_x, continuation = lines[start][1], lines[start + 1]
    assert not continuation[2].startswith("next:"), "the long line wraps"
    assert continuation[1] > first_x + 6, "its continuation is indented (2 columns of 8 pt code: 9.6 pt)"
    nxt = next(line for line in lines[start:] if line[2].startswith("next:"))
    assert abs(nxt[1] - first_x) < 0.5, "the next line starts at the margin again"


def test_in_the_epub_the_caption_is_above_and_the_code_reads_as_written(captioned):
    files = epub_files(captioned / "c.epub")
    [text] = [v.decode() for k, v in files.items() if k.endswith(".xhtml") and b"<table" in v]
    assert text.count("<figure") == len(CAPTIONS)
    assert all(part.lstrip().startswith("<figcaption") for part in re.split(r"<figure[^>]*>", text)[1:])
    root = etree.fromstring(files[next(k for k, v in files.items() if v.decode(errors="ignore") == text)])
    [pre] = root.iter("{*}pre")
    assert "".join(pre.itertext()) == f"short: 1\ndescription: {LONG_VALUE}\nnext: 2\n"
    assert len([s for s in pre.iter("{*}span") if s.get("class", "").startswith(codelines.CLASS)]) == 3
