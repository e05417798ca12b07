"""The typographic preflight (pipeline/preflight, `pressroom check`): each
measure on a small PDF made here to have the fault, and on one without it;
then the bundled publications held to the issue's limits.

The small PDFs are typeset by WeasyPrint from HTML in the committed fonts
only, so the same lines fall the same way on every machine. A line that is
a block of its own with `text-align-last: justify` is one justified line
whose words and ending the test chooses.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

import pipeline
from conftest import REPO, SAMPLE, source_date_epoch
from pipeline.preflight import Limits, measure

CHARIS = REPO / "styles" / "fonts" / "charis" / "CharisSIL-Regular.ttf"
PROSE = (
    "The printer reads the file as it is, not as it was meant to be: every line of the text block is "
    "measured from the marks on the page, its words and the spaces between them, and the place where "
    "it ends on the page. A good page is even in colour, its lines neither crowded nor open, and its "
    "last line sits where the last line of the facing page sits. "
)


def pdf_of(tmp_path: Path, body: str, css: str = "", name: str = "t.pdf") -> Path:
    """A small tagged PDF of body, in Charis SIL only (no font of the machine)."""
    from weasyprint import HTML

    from pipeline.pdf.engine.fonts import committed_only

    html = f"""<!DOCTYPE html><html lang="en"><head><title>Preflight</title><style>
    @font-face {{ font-family: Body; src: url({CHARIS.as_uri()}) }}
    @page {{ size: 288pt 420pt; margin: 40pt }}
    body {{ font: 10pt/13pt Body; margin: 0 }}
    p {{ margin: 0; text-align: justify; hyphens: none }}
    .j {{ text-align: justify; text-align-last: justify }}
    .next {{ break-before: page }}
    h1 {{ font-size: 16pt; margin: 0 0 13pt; break-before: page }}
    {css}</style></head><body>{body}</body></html>"""
    path = tmp_path / name
    HTML(string=html, base_url=str(tmp_path)).write_pdf(path, font_config=committed_only(), pdf_tags=True)
    return path


def lines(texts: list[str]) -> str:
    return "".join(f'<div class="j">{t}</div>' for t in texts)


FULL = [
    "A line of plain words set full to the measure",
    "and another line of the same kind, set as wide",
    "as the first one, so that the block has its edges",
    "that most of its lines share on both of its sides.",
]


def kinds(report) -> list[str]:
    return [fault.kind for fault in report.faults()]


# --- hyphenation -------------------------------------------------------------


@pytest.mark.fast
def test_the_share_of_hyphenated_lines_is_counted_and_judged(tmp_path):
    texts = FULL * 2 + [
        "a line that breaks a long word at its exam\u2010",
        "ple and goes on as all the lines of a page do",
    ]
    texts += ["and here is now a second one with a hyphen\u2010", "ated word, and then a plain end to it all here"]
    report = measure(pdf_of(tmp_path, lines(texts)))
    assert len(report.hyphenated) == 2 and report.body_lines == 12
    assert report.hyphenated_share == pytest.approx(2 / 12)
    assert "hyphenation" in kinds(report)
    # The same two among many more lines are within the limit.
    report = measure(pdf_of(tmp_path, lines(FULL * 5 + texts), name="more.pdf"))
    assert report.hyphenated_share < Limits().hyphenated_share
    assert "hyphenation" not in kinds(report)


@pytest.mark.fast
def test_a_line_of_the_contents_is_no_body_text(tmp_path):
    contents = lines(["Chapter one" + " ." * 20 + " 3", "Chapter two" + " ." * 20 + " 9"])
    report = measure(pdf_of(tmp_path, contents + lines(FULL)))
    assert report.body_lines == len(FULL)


@pytest.mark.fast
def test_three_hyphenated_lines_in_a_row_are_a_fault_and_two_are_not(tmp_path):
    run = ["words at the end of which comes a hyphen\u2010", "ated line, then one more line that is hyph\u2010"]
    three = run + [
        "enated again, and now a third that ends in\u2010",
        "deed, the last of them all, and the line goes on",
    ]
    report = measure(pdf_of(tmp_path, lines(FULL * 6 + three + FULL * 6)))
    assert report.longest_run == 3
    faults = [f for f in report.faults() if f.kind == "hyphen-run"]
    assert len(faults) == 1 and faults[0].page == 1 and "ends in" not in faults[0].detail
    report = measure(
        pdf_of(
            tmp_path,
            lines(FULL * 6 + run + ["a plain line to end the pair of them all with"] + FULL * 6),
            name="two.pdf",
        )
    )
    assert report.longest_run == 2
    assert "hyphen-run" not in kinds(report)


@pytest.mark.fast
def test_a_recto_ending_in_a_hyphen_is_a_fault_and_a_verso_is_not(tmp_path):
    hyphen = "the very last line of this page ends in a hyph\u2010"
    on_recto = (
        lines(FULL + [hyphen])
        + '<div class="next">'
        + lines(["enated word, and then the line goes on to its"] + FULL)
        + "</div>"
    )
    report = measure(pdf_of(tmp_path, on_recto))
    assert [(f.kind, f.page) for f in report.faults() if f.kind == "recto-hyphen"] == [("recto-hyphen", 1)]
    on_verso = lines(FULL) + '<div class="next">' + lines(FULL + [hyphen]) + '</div><div class="next">'
    report = measure(
        pdf_of(
            tmp_path,
            on_verso + lines(["enated word, and then the line goes on to its"] + FULL) + "</div>",
            name="verso.pdf",
        )
    )
    assert report.recto_hyphens == []
    assert "recto-hyphen" not in kinds(report)


# --- word spaces -------------------------------------------------------------


@pytest.mark.fast
def test_a_justified_line_with_wide_spaces_is_loose_and_a_last_line_is_not(tmp_path):
    # Three words spread over the measure: the spaces are many times the natural.
    report = measure(pdf_of(tmp_path, lines(FULL * 3 + ["three wide words"]) + "<p>a short last line</p>"))
    assert report.natural_space > 0
    loose = report.loose_lines()
    assert len(loose) == 1 and loose[0][2].startswith("three wide words")
    assert loose[0][1] > 2 * report.natural_space
    assert "loose" in kinds(report)
    # Prose set close to the measure has no loose line; its ragged last line never counts.
    report = measure(
        pdf_of(tmp_path, f"<p>{PROSE * 3}</p><p>end</p>", css="@page { size: 420pt 600pt }", name="even.pdf")
    )
    assert report.justified_lines > 10
    assert report.loose_lines() == [] and "loose" not in kinds(report)


# --- page make-up ------------------------------------------------------------


def chapter(n: int, *pieces: str) -> str:
    return f"<h1>Chapter {n}</h1>" + "".join(pieces)


@pytest.mark.fast
def test_a_page_ending_short_in_mid_chapter_is_a_fault_but_a_chapters_last_page_is_not(tmp_path):
    forced = chapter(1, f"<p>{PROSE * 6}</p>", f'<p class="next">{PROSE * 6}</p>') + chapter(2, f"<p>{PROSE}</p>")
    report = measure(pdf_of(tmp_path, forced))
    # Page 2 ends where the forced break sends the rest on; page 4, the
    # chapter's last before chapter 2 opens on page 5, ends short by design.
    assert report.pages == 5
    assert [page for page, _ in report.short_pages] == [2]
    assert [f.page for f in report.faults() if f.kind == "short-page"] == [2]
    # Parts over chapters: the page before a part's title page ends short by design too.
    parted = "<h1>Part one</h1>" + chapter(1, f"<p>{PROSE * 6}</p>").replace("h1", "h2")
    parted += "<h1>Part two</h1>" + chapter(2, f"<p>{PROSE * 6}</p>").replace("h1", "h2")
    report = measure(pdf_of(tmp_path, parted, css="h2 { break-before: page }", name="parts.pdf"))
    assert report.pages == 6
    assert "short-page" not in kinds(report), report.short_pages
    # A folio and a running head in the body's own size are no part of the text block.
    furniture = "@page { @bottom-center { content: counter(page); font: 10pt/13pt Body } "
    furniture += '@top-center { content: "The running head"; font: 10pt/13pt Body } }'
    report = measure(pdf_of(tmp_path, forced, css=furniture, name="furniture.pdf"))
    assert [page for page, _ in report.short_pages] == [2]
    flowing = chapter(1, f"<p>{PROSE * 12}</p>") + chapter(2, f"<p>{PROSE}</p>")
    report = measure(pdf_of(tmp_path, flowing, name="flowing.pdf"))
    assert "short-page" not in kinds(report), report.short_pages
    report = measure(pdf_of(tmp_path, flowing, css=furniture, name="flowing-furniture.pdf"))
    assert "short-page" not in kinds(report), report.short_pages


@pytest.mark.fast
def test_text_past_the_text_block_overflows_and_past_the_page_or_its_box_is_clipped(tmp_path):
    body = lines(FULL * 3) + '<div style="white-space: nowrap">a line of code that will not wrap and so runs on</div>'
    report = measure(pdf_of(tmp_path, body))
    assert [f.kind for f in report.faults() if f.kind in ("overflow", "clipped")] == ["overflow"]
    body = lines(FULL * 3) + '<div style="margin-left: 200pt; white-space: nowrap">far out past the edge of it</div>'
    report = measure(pdf_of(tmp_path, body, name="clipped.pdf"))
    assert "clipped" in kinds(report)
    # Cut off by its box (overflow: hidden): the words past the box are reported.
    body = (
        lines(FULL * 3)
        + '<pre style="overflow: hidden; width: 100pt; font: inherit">cut off at the box, and then a long tail</pre>'
    )
    report = measure(pdf_of(tmp_path, body, name="hidden.pdf"))
    assert [f.kind for f in report.faults() if f.kind in ("overflow", "clipped")] == ["clipped"]
    assert "tail" in report.clipped[0][1] and "cut" not in report.clipped[0][1]
    wide = png(tmp_path, "wide.png", 1000)
    report = measure(pdf_of(tmp_path, lines(FULL * 3) + f'<img src="{wide}" style="width: 230pt">', name="wide.pdf"))
    assert [f.detail for f in report.faults() if f.kind == "overflow"] == [
        "past the text block: “an image 230 × 230 pt”"
    ]
    report = measure(pdf_of(tmp_path, lines(FULL * 3), name="clean.pdf"))
    assert not {"overflow", "clipped"} & set(kinds(report))


def png(tmp_path: Path, name: str, pixels: int) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (pixels, pixels), (200, 30, 30)).save(buffer, "PNG")
    (tmp_path / name).write_bytes(buffer.getvalue())
    return name


@pytest.mark.fast
def test_an_image_under_300_dpi_at_its_printed_size_is_a_fault(tmp_path):
    coarse = png(tmp_path, "coarse.png", 100)  # an inch wide: 100 dpi
    fine = png(tmp_path, "fine.png", 400)
    report = measure(pdf_of(tmp_path, lines(FULL) + f'<img src="{coarse}" style="width: 72pt; height: 72pt">'))
    assert [round(dpi) for _, dpi in report.images] == [100]
    assert [f.page for f in report.faults() if f.kind == "image-dpi"] == [1]
    report = measure(pdf_of(tmp_path, lines(FULL) + f'<img src="{fine}" style="width: 72pt">', name="fine.pdf"))
    assert [round(dpi) for _, dpi in report.images] == [400]
    assert "image-dpi" not in kinds(report)


@pytest.mark.fast
def test_an_image_printed_into_the_bleed_is_no_fault_but_one_past_it_is_clipped(tmp_path):
    picture = png(tmp_path, "bleeding.png", 1400)
    bleed = "@page { bleed: 9pt }"
    to_the_edge = f'<img src="{picture}" style="display: block; margin-left: -49pt; width: 306pt; height: 100pt">'
    report = measure(pdf_of(tmp_path, lines(FULL) + to_the_edge, css=bleed))
    assert len(report.images) == 1 and report.overflow == [] and report.clipped == []
    past = to_the_edge.replace("-49pt", "-70pt")
    report = measure(pdf_of(tmp_path, lines(FULL) + past, css=bleed, name="past.pdf"))
    assert [f.kind for f in report.faults()] == ["clipped"]


@pytest.mark.fast
def test_a_character_with_no_glyph_and_the_replacement_mark_are_missing_glyphs(tmp_path):
    # No committed font has Egyptian hieroglyphs: WeasyPrint draws .notdef.
    report = measure(pdf_of(tmp_path, lines(FULL) + "<p>a sign \U00013000 and a mark \ufffd here</p>"))
    assert sorted(c for _, c in report.missing_glyphs) == ["\ufffd", "\U00013000"]
    assert all(f.page == 1 for f in report.faults() if f.kind == "missing-glyph")
    report = measure(pdf_of(tmp_path, lines(FULL) + "<p>plain letters and an é</p>", name="covered.pdf"))
    assert report.missing_glyphs == []


# --- the command ---------------------------------------------------------------


@pytest.mark.fast
def test_check_warns_of_faults_and_fails_on_them_with_strict_and_gives_json(tmp_path, capsys):
    from pipeline.cli import main
    from pipeline.errors import Exit

    out = tmp_path / "dist"
    out.mkdir()
    pdf_of(out, chapter(1, lines(FULL * 3 + ["three wide words"])), name="loose.pdf")
    assert main(["check", "-C", str(tmp_path), "-o", str(out), "-q"]) == Exit.OK
    captured = capsys.readouterr()
    assert "Typographic preflight" in captured.out and "1 warning " in captured.out
    assert "loose" in captured.err and "three wide words" in captured.err
    assert main(["check", "-C", str(tmp_path), "-o", str(out), "--strict", "--json"]) == Exit.CHECK
    data = json.loads(capsys.readouterr().out)
    (checks,) = [f["checks"] for f in data["files"] if f["file"] == "loose.pdf"]
    (preflight,) = [c for c in checks if c["check"] == "Typographic preflight"]
    assert preflight["result"] == "failed"
    assert preflight["measures"]["loose_lines"] == 1
    assert [f["kind"] for f in preflight["measures"]["faults"]] == ["loose"]


@pytest.mark.fast
def test_faults_name_the_page_by_its_folio_where_the_pdf_labels_its_pages(tmp_path):
    import pikepdf

    path = pdf_of(tmp_path, lines(FULL) + '<div class="next">' + lines(FULL + ["three wide words"]) + "</div>")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        roman, arabic = pikepdf.Dictionary(S=pikepdf.Name.r), pikepdf.Dictionary(S=pikepdf.Name.D)
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([0, roman, 1, arabic]))
        pdf.save(path)
    report = measure(path)
    assert report.labels == {1: "i", 2: "1"}
    assert [f.where for f in report.faults() if f.kind == "loose"] == ["page 2 (folio 1)"]


@pytest.mark.fast
def test_a_pdf_without_body_text_is_measured_without_faults_of_text(tmp_path):
    picture = png(tmp_path, "cover.png", 900)
    report = measure(pdf_of(tmp_path, f'<img src="{picture}" style="width: 200pt">'))
    assert report.body_lines == 0 and report.hyphenated_share == 0 and report.loose_share() == 0
    assert report.faults() == []


@pytest.mark.fast
def test_a_damaged_pdf_is_reported_not_raised(tmp_path):
    from pipeline.checks import preflight

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot a PDF at all")
    check = preflight(broken, strict=True)
    assert check.passed is False and check.details[0].startswith("unreadable")


# --- the bundled publications ---------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("preflight-dist")
    with source_date_epoch():
        pipeline.build(REPO, [SAMPLE, "pressroom-manual"], formats=("pdf",), out_dir=out)
    return {SAMPLE: out / f"{SAMPLE}.pdf", "manual": out / "pressroom-manual.pdf"}


@pytest.mark.parametrize("name", [SAMPLE, "manual"])
def test_bundled_publications_meet_the_thresholds(bundled, name):
    report = measure(bundled[name])
    limits = Limits()
    assert report.body_lines > 100  # the measure found the body text
    assert report.hyphenated_share <= limits.hyphenated_share
    assert report.longest_run <= limits.run
    assert report.recto_hyphens == []
    assert report.loose_share(limits.loose_factor) < limits.loose_share
    assert [(page, short) for page, short in report.short_pages if limits.too_short(short)] == []
