"""What a cold start of one article leaves out or does faster, and that it
comes to the same: common language tags without langcodes, the committed
fonts' characters read straight from their cmap, no ISBN library for a
publication without an ISBN. (The time itself is bench/run.py's.)"""

from __future__ import annotations

import subprocess
import sys

import langcodes
import pytest
from fontTools.ttLib import TTFont

from conftest import REPO, SAMPLE
from pipeline import styles
from pipeline.sanitise import langtags
from pipeline.transforms import glyphs

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("tag", sorted(langtags.COMMON))
def test_a_common_tag_is_what_langcodes_says_it_is(tag):
    assert langtags.valid(tag) and langcodes.tag_is_valid(tag)
    assert langtags.standard(tag) == str(langcodes.standardize_tag(tag)) == tag


def test_other_tags_go_to_langcodes():
    assert langtags.standard("eng") == "en" and langtags.standard("en-latn-us") == "en-US"
    assert not langtags.valid("english") and langtags.valid("x-klingon")


@pytest.mark.parametrize("path", sorted(p for p in styles.house().rglob("*.ttf")), ids=lambda p: p.name)
def test_the_characters_of_a_committed_font_are_fonttools_own(path):
    ours = glyphs._characters(TTFont(str(path), lazy=True, fontNumber=0))
    font = TTFont(str(path), lazy=True, fontNumber=0)
    font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
    assert ours == frozenset(c for c, g in font.getBestCmap().items() if g != "g0")
    assert len(ours) > 2000


def test_a_font_whose_subtable_is_not_a_format_12_is_read_by_fonttools(tmp_path):
    from fontTools.fontBuilder import FontBuilder

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "A", "B"])
    builder.setupCharacterMap({0x41: "A", 0x42: "B"})  # a BMP map: format 4
    builder.setupGlyf({name: _empty_glyph() for name in (".notdef", "A", "B")})
    builder.setupHorizontalMetrics({name: (500, 0) for name in (".notdef", "A", "B")})
    builder.setupHorizontalHeader()
    builder.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(tmp_path / "tiny.ttf"))
    assert glyphs._characters(TTFont(str(tmp_path / "tiny.ttf"), lazy=True)) == frozenset({0x41, 0x42})


def _empty_glyph():
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    return TTGlyphPen(None).glyph()


def test_reading_an_article_without_an_isbn_or_a_rare_language_loads_neither_library(tmp_path):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipeline import document, sources\n"
        "from pipeline.errors import Diagnostics\n"
        f"folder = Path({str(REPO / 'source' / SAMPLE)!r})\n"
        "diags = Diagnostics(root=folder.parent.parent)\n"
        "pub = document.read_publication(sources.load(folder, diags), folder.parent.parent, diags)\n"
        "assert pub is not None and pub.metadata.lang == 'en', diags.items\n"
        "print(sorted(m for m in ('langcodes', 'stdnum') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"
