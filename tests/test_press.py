"""The print edition for a press and a print-on-demand service: bleed and
crop marks as separate options (command line and metadata), crop marks
outside the bleed in registration colour, every colour of a PDF/X in ink,
the default PDF's colours defined, the page count padded to a signature.

Read as a printer's software reads the file: the boxes with ``pdfinfo
-box``, the colour operators of the content streams with pikepdf, the marks
from a rendering of the page.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

import pipeline
from conftest import make_project, pdf_lines_by_page, source_date_epoch

MM = 72 / 25.4

# A short article with the things a press must see in ink: highlighted code
# (the style sheet's RGB colours), a coloured rule of the project's own, a link.
ARTICLE = """---
title: Press Proof
lang: en
{options}---

## Text

A paragraph with a [link](https://example.org) and `inline code`.

```python
def greet(name: str) -> str:
    # a comment, in its colour
    return f"Hello, {{name}}!"  # a string, in another
```

<div class="tinted">A block with a coloured rule.</div>

![A red and blue picture](picture.png)

{more}
"""
OWN_CSS = ".tinted { border-left: 3pt solid #c0392b; color: #1a5276; padding-left: 4pt; }\n"


def _picture() -> bytes:
    """An RGB picture in two colours, large enough to print at 300 dpi."""
    image = Image.new("RGB", (900, 600), (200, 30, 40))
    image.paste((20, 60, 200), (0, 300, 900, 600))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _article(options: str = "", paragraphs: int = 3) -> dict[str, str | bytes]:
    more = "\n\n".join("Some words to fill the page and go on. " * 30 for _ in range(paragraphs))
    return {
        "source/proof/article.md": ARTICLE.format(options=options, more=more),
        "source/proof/print.css": OWN_CSS,
        "source/proof/picture.png": _picture(),
    }


def _build(tmp_path: Path, files: dict[str, str | bytes], **options) -> Path:
    project = make_project(tmp_path, files)
    with source_date_epoch():
        pipeline.build(project, formats=("pdf",), **options)
    return project / "dist" / "proof.pdf"


def boxes(path: Path) -> list[dict[str, tuple[float, ...]]]:
    """Each page's boxes as ``pdfinfo -box`` gives them: {"MediaBox": (x0, y0, x1, y1), ...}."""
    out = subprocess.run(["pdfinfo", "-box", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True)
    pages: dict[int, dict] = {}
    for number, name, values in re.findall(r"^Page\s+(\d+) (\w+Box):\s+(.+)$", out.stdout, re.M):
        pages.setdefault(int(number), {})[name] = tuple(float(v) for v in values.split())
    return [pages[n] for n in sorted(pages)]


def colour_operators(path: Path) -> dict[str, int]:
    """How often each colour-setting operator occurs in the pages and the forms
    they draw; and each image's colour space, as "image /DeviceRGB"."""
    found: dict[str, int] = {}
    seen: set = set()

    def walk(holder) -> None:
        if holder.objgen != (0, 0):
            if holder.objgen in seen:
                return
            seen.add(holder.objgen)
        for item in pikepdf.parse_content_stream(holder):
            op = str(item.operator)
            if op in {"rg", "RG", "k", "K", "g", "G", "sc", "scn", "SC", "SCN", "cs", "CS"}:
                found[op] = found.get(op, 0) + 1
        for child in (holder.get("/Resources", {}).get("/XObject") or {}).values():
            if child.get("/Subtype") == pikepdf.Name.Form:
                walk(child)
            elif child.get("/Subtype") == pikepdf.Name.Image and child.objgen not in seen:
                seen.add(child.objgen)
                space = f"image {child.get('/ColorSpace')}"
                found[space] = found.get(space, 0) + 1

    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            walk(page.obj)
    return found


def _sides(box: tuple[float, ...], inner: tuple[float, ...]) -> list[float]:
    """How far ``box`` reaches beyond ``inner`` on each side, in mm."""
    return [round(d / MM, 2) for d in (inner[0] - box[0], inner[1] - box[1], box[2] - inner[2], box[3] - inner[3])]


# --- reading the options -------------------------------------------------------


@pytest.mark.fast
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, (False, 0.0, False, 0)),
        ({"bleed": True}, (False, 3.0, True, 0)),  # as bleed: true always meant: bleed and marks
        ({"bleed": True, "marks": False}, (False, 3.0, False, 0)),  # for print on demand
        ({"bleed": "0.125in"}, (False, 3.17, False, 0)),  # a length: bleed alone
        ({"marks": True}, (False, 0.0, True, 0)),
        ({"press": True, "signature": 16}, (True, 0.0, False, 16)),
        ({"pdfx": True}, (True, 0.0, False, 0)),  # the older name
    ],
)
def test_press_options_resolve(given, expected):
    from pipeline.options import PrintOptions

    setup = PrintOptions(**given).press_setup()
    assert (setup.pdfx, setup.bleed, setup.marks, setup.signature) == expected


@pytest.mark.fast
def test_bad_press_options_are_errors_on_their_lines(tmp_path):
    from pipeline import sources
    from pipeline.errors import Diagnostics

    text = "---\ntitle: T\nprint:\n  trim: a5\n  bleed: 3\n  marks: often\n  signature: 12\n---\n\nText.\n"
    project = make_project(tmp_path, {"source/t/article.md": text})
    diags = Diagnostics(root=project)
    sources.load(project / "source" / "t", diags)
    errors = {d.location.line: d for d in diags.items if d.severity == "error"}
    assert set(errors) == {5, 6, 7}, [str(d) for d in diags.items]
    assert "'3' is not a length" in errors[5].message and "3mm" in errors[5].hint
    assert "'print.marks' must be true or false" in errors[6].message
    assert "not a signature of 4, 8 or 16" in errors[7].message


@pytest.mark.fast
def test_the_command_line_takes_the_press_options():
    from pipeline.cli import parser
    from pipeline.cli.editions import press_given

    args = parser().parse_args(["build", "--press", "--bleed", "--marks", "--signature", "8"])
    assert press_given(args) == {"press": True, "bleed": "3mm", "marks": True, "signature": 8}
    args = parser().parse_args(["build", "--bleed", "0.125in", "--no-marks"])
    assert press_given(args) == {"press": None, "bleed": "0.125in", "marks": False, "signature": None}
    assert press_given(parser().parse_args(["build"])) == dict.fromkeys(("press", "bleed", "marks", "signature"))
    for wrong in (["--bleed", "3"], ["--signature", "12"], ["--bleed", "2in"]):
        with pytest.raises(SystemExit):
            parser().parse_args(["build", *wrong])


@pytest.mark.fast
def test_bad_press_options_given_to_build_are_a_usage_error(tmp_path):
    project = make_project(tmp_path, {"source/t/article.md": "---\ntitle: T\n---\n\nText.\n"})
    with pytest.raises(pipeline.BuildError) as failed:
        pipeline.build(project, formats=("pdf",), press={"signature": 12, "bleed": "3"})
    assert failed.value.exit_code == pipeline.Exit.USAGE and failed.value.result is None
    messages = [d.message for d in failed.value.diagnostics]
    assert any("not a signature of 4, 8 or 16" in m for m in messages), messages
    assert any("'3' is not a length" in m for m in messages), messages


@pytest.mark.fast
def test_crop_marks_lie_outside_the_bleed_in_line_with_the_trim():
    from pipeline.pagesize import MARK_LENGTH_MM, Press
    from pipeline.pdf.finish import mark_lines

    trim = [0.0, 0.0, 400.0, 600.0]
    for bleed in (3.0, 5.0, 0.0):
        press = Press(bleed=bleed, marks=True)
        lines = mark_lines(trim, press)
        assert len(lines) == 8
        for x1, y1, x2, y2 in lines:
            horizontal = y1 == y2
            assert (y1 in (0.0, 600.0)) if horizontal else (x1 in (0.0, 400.0)), "in line with a trim edge"
            # distance beyond the trim, along the mark
            near = min(abs(v) if v < 200 else v - 400 for v in (x1, x2)) if horizontal else None
            if not horizontal:
                near = min(-v if v < 300 else v - 600 for v in (y1, y2))
            assert near / MM >= max(bleed, 3.0) - 0.01, "the mark starts inside the bleed"
            assert round((abs(x2 - x1) + abs(y2 - y1)) / MM, 2) == MARK_LENGTH_MM
        assert press.slug > press.mark_offset + MARK_LENGTH_MM, "the media box holds the marks"


@pytest.mark.fast
def test_greys_become_black_ink_alone():
    from pipeline.pdf.inks import cmyk_of_grey

    assert cmyk_of_grey((0, 0, 0)) == (0, 0, 0, 1)
    assert cmyk_of_grey((128, 128, 128)) == (0, 0, 0, round(1 - 128 / 255, 4))
    assert cmyk_of_grey((255, 0, 0)) == (0, 1, 1, 0)


# --- the editions ------------------------------------------------------------------


def test_a_press_edition_has_its_boxes_marks_inks_and_signature(tmp_path):
    path = _build(tmp_path, _article("print: {press: true, bleed: 3mm, marks: true, signature: 8}\n"))
    pages = boxes(path)
    assert len(pages) % 8 == 0
    for page in pages:
        trim, bleed, media = page["TrimBox"], page["BleedBox"], page["MediaBox"]
        assert (round((trim[2] - trim[0]) / MM), round((trim[3] - trim[1]) / MM)) == (148, 210), "A5"
        assert _sides(bleed, trim) == [3.0] * 4, "3 mm of bleed on every side"
        assert all(side >= 3 + 5 for side in _sides(media, trim)), "room for marks beyond the bleed"
    # Every colour is ink: no RGB operator left, the marks in the registration colour.
    found = colour_operators(path)
    assert not {"rg", "RG"} & set(found), found
    assert found.get("k", 0) > 3, "the highlighted code and the project's colours are now CMYK"
    assert found.get("image /DeviceCMYK") == 1 and "image /DeviceRGB" not in found, found
    with pikepdf.open(path) as pdf:
        [picture] = {
            x.objgen: pikepdf.PdfImage(x)
            for p in pdf.pages
            for x in p.get_images().values()
            if x.ColorSpace == pikepdf.Name.DeviceCMYK
        }.values()
        red, blue = (picture.as_pil_image().getpixel((10, y)) for y in (10, 590))
    assert red[1] > 180 and red[2] > 150 and red[0] < 60, f"the red half printed as {red}"
    assert blue[0] > 180 and blue[2] < 60, f"the blue half printed as {blue}"
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            spaces = page.Resources.ColorSpace
            assert spaces["/PressroomAll"][1] == pikepdf.Name.All, "marks in registration colour"
            assert spaces.DefaultRGB[0] == pikepdf.Name.ICCBased
            assert pdf.Root.OutputIntents[0].OutputConditionIdentifier == "FOGRA39"
    # The pages added for the signature are blank: no text, no folio.
    text = pdf_lines_by_page(path)
    laid = max(n for n, lines in enumerate(text) if lines) + 1
    assert laid < len(text), "the article was padded"
    _marks_outside_the_bleed(path, len(text), pages[-1])


def _marks_outside_the_bleed(path: Path, number: int, page: dict) -> None:
    """On a blank page: ink in the top-left corner of the paper outside the
    bleed, in line with the trim, and none inside the bleed box."""
    dpi = 150
    out = path.parent / "page"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(number), "-l", str(number), str(path), out])
    image = Image.open(next(path.parent.glob("page-*.png"))).convert("L")
    media, trim, bleed = page["MediaBox"], page["TrimBox"], page["BleedBox"]

    def px(points: float) -> int:
        return round(points / 72 * dpi)

    top_of_trim = px(media[3] - trim[3])  # image rows run down from the media box's top
    left_of_bleed, top_of_bleed = px(bleed[0] - media[0]), px(media[3] - bleed[3])
    # The horizontal mark of the top-left corner: on the trim's top edge, left of the bleed.
    row = image.crop((0, top_of_trim - 1, left_of_bleed - 1, top_of_trim + 2))
    assert row.getextrema()[0] < 128, "no crop mark outside the bleed"
    inside = image.crop((left_of_bleed + 1, top_of_bleed + 1, px(bleed[2] - media[0]) - 1, px(media[3] - bleed[1]) - 1))
    assert inside.getextrema()[0] > 250, "a blank page prints something inside the bleed"


def test_an_archive_of_a_padded_edition_has_the_same_pages(tmp_path):
    project = make_project(tmp_path, _article("print: {signature: 8}\n"))
    with source_date_epoch():
        result = pipeline.build(project, formats=("pdf", "archive"))
    pages = {o.edition: o.pages for o in result.outputs}
    assert pages["pdf"] == pages["pdf/a"] == 8, pages
    laid = [pdf_lines_by_page(project / "dist" / name) for name in ("proof.pdf", "proof.archival.pdf")]
    assert [len(pages) for pages in laid] == [8, 8]
    assert not laid[0][-1] and not laid[1][-1], "the article was not padded"


def test_the_default_edition_defines_its_colours_and_has_no_press_boxes(tmp_path):
    path = _build(tmp_path, _article())
    found = colour_operators(path)
    assert found.get("rg", 0) > 3 and found.get("image /DeviceRGB") == 1, "the screen's colours, as they were"
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            assert page.Resources.ColorSpace.DefaultRGB[0] == pikepdf.Name.ICCBased, "RGB without a profile"
            assert "/PressroomAll" not in page.Resources.ColorSpace
            assert "/OutputIntents" not in pdf.Root
    for page in boxes(path):
        assert page["MediaBox"] == page["TrimBox"] == page["BleedBox"]


def test_bleed_on_the_command_line_comes_without_marks_and_is_a_build_of_its_own(tmp_path):
    files = _article()
    project = make_project(tmp_path, files)
    path = project / "dist" / "proof.pdf"
    with source_date_epoch():
        pipeline.build(project, formats=("pdf",), use_cache=True)
        plain = path.read_bytes()
        pipeline.build(project, formats=("pdf",), use_cache=True, press={"bleed": "5mm"})
    assert path.read_bytes() != plain, "the cache kept the edition made without bleed"
    for page in boxes(path):
        assert _sides(page["BleedBox"], page["TrimBox"]) == [5.0] * 4
        assert page["MediaBox"] == page["BleedBox"], "bleed alone: no room for marks, no marks"
    with pikepdf.open(path) as pdf:
        assert all("/PressroomAll" not in page.Resources.ColorSpace for page in pdf.pages)


def test_the_command_line_options_reach_the_edition(tmp_path):
    from pipeline.cli import main

    project = make_project(tmp_path, _article(paragraphs=1))
    with source_date_epoch():
        argv = ["build", "-C", str(project), "-f", "pdf", "-q", "-j", "1", "--bleed", "0.125in", "--marks"]
        assert main([*argv, "--signature", "4"]) == 0
    pages = boxes(project / "dist" / "proof.pdf")
    assert len(pages) % 4 == 0
    for page in pages:
        assert _sides(page["BleedBox"], page["TrimBox"]) == [3.17] * 4
        assert _sides(page["MediaBox"], page["TrimBox"]) == pytest.approx([3.17 + 5 + 1] * 4, abs=0.02), "1/8 in bleed"


def test_a_bleed_or_press_given_to_the_renderer_keeps_the_marks_and_signature_asked_for(tmp_path):
    from pipeline.errors import Diagnostics
    from pipeline.pdf import render
    from pipeline.run.task import Task
    from pipeline.run.work import read

    project = make_project(tmp_path, _article("print: {marks: true, signature: 4}\n", paragraphs=1))
    diags = Diagnostics(root=project)
    pub = read(Task(project, project / "source" / "proof", ("pdf",)), diags)
    assert pub is not None and not diags.errors
    with source_date_epoch():
        rendered = render(pub, project, bleed="2mm")
    path = tmp_path / "given.pdf"
    path.write_bytes(rendered.pdf)
    pages = boxes(path)
    assert len(pages) % 4 == 0
    assert _sides(pages[0]["BleedBox"], pages[0]["TrimBox"]) == [2.0] * 4
    assert all(side >= 2 + 5 for side in _sides(pages[0]["MediaBox"], pages[0]["TrimBox"])), "the marks stay"
