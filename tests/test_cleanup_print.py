"""Text clean-up in print: what it holds together does
not break at a line's end, and abbreviations carry no underline."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from lxml import etree
from PIL import Image

import pipeline
from conftest import make_project, source_date_epoch


# --- in print --------------------------------------------------------------

BREAKS_NOT_ALLOWED = [
    (r"\b1990[-\u2013]$", "a range"),
    (r"(^|\s)--$", "inline code at its hyphens"),
    (r"\b978[-\d]*-$", "an ISBN"),
    (r"\bISBN$", "an ISBN from its label"),
    (r"\b21$", "a day from its month"),
    (r"\b160$", "a number from what it counts"),
    (r"^\u2014", "a line starting with a dash"),
]


def _print_lines(tmp_path: Path, meta: str = "") -> list[str]:
    # The same sentence after prefixes of every length, so that each thing
    # that must not break meets a line's end somewhere.
    paragraphs = [
        "Lorem " * (i % 7)
        + "ab" * (i % 5)
        + " rebellions of 1990-1995, `pressroom --help` and ISBN 978-3-16-148410-0 on 21 March; "
        "it claimed 160 lives, their policies - not ours."
        for i in range(70)
    ]
    text = "---\ntitle: Breaks\nlang: en\n" + meta + "---\n\n" + "\n\n".join(paragraphs) + "\n"
    project = make_project(tmp_path, {"source/piece/a.md": text})
    with source_date_epoch():
        pipeline.build(project, ["piece"], formats=("pdf",), out_dir=tmp_path / "dist")
    out = subprocess.run(["pdftotext", str(tmp_path / "dist" / "piece.pdf"), "-"], capture_output=True, check=True)
    return out.stdout.decode().splitlines()


def _forbidden(lines: list[str]) -> set[str]:
    return {what for line in lines for pattern, what in BREAKS_NOT_ALLOWED if re.search(pattern, line.strip())}


def test_nothing_the_clean_up_holds_together_breaks_in_print(tmp_path):
    lines = _print_lines(tmp_path / "on")
    assert sum("1990\u20131995" in line for line in lines) > 50  # the ranges are there, with their dash
    assert _forbidden(lines) == set()
    # Without the clean-up the same text breaks where it must not: the test can fail.
    off = _forbidden(_print_lines(tmp_path / "off", "typography: false\n"))
    assert {"an ISBN from its label", "a number from what it counts"} <= off


def test_abbreviations_have_no_underline_in_print(tmp_path):
    text = '---\ntitle: T\nlang: en\n---\n\nThe <abbr title="North Atlantic Treaty Organization">NATO</abbr> summit.\n'
    project = make_project(tmp_path, {"source/piece/a.md": text})
    with source_date_epoch():
        pipeline.build(project, ["piece"], formats=("pdf",), out_dir=tmp_path / "dist")
    pdf = tmp_path / "dist" / "piece.pdf"
    found = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    words = etree_words(found)
    page, box = next((p, b) for p, word, b in words if word == "nato")  # small capitals from lower case
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(tmp_path / "page")], check=True)  # fmt: skip
    scale = 200 / 72
    x0, y0, x1, y1 = (v * scale for v in box)
    # Small capitals have no descenders: below their baseline, only an underline would be drawn.
    band = Image.open(tmp_path / "page.png").crop((int(x0) + 1, int(y1 - (y1 - y0) * 0.2), int(x1) - 1, int(y1)))
    assert band.convert("L").getextrema()[0] > 200


def etree_words(bbox_html: bytes) -> list[tuple[int, str, tuple[float, ...]]]:
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    return [
        (n, w.text.strip(",.;:()"), tuple(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
        for n, page in enumerate(etree.fromstring(bbox_html).iterfind(".//x:page", ns), 1)
        for w in page.iterfind(".//x:word", ns)
    ]
