"""The Pressroom manual (source/pressroom-manual/), the repository's own book.

It is built once per module, strictly (a warning fails the build), with
SOURCE_DATE_EPOCH set, into a temporary folder; then the editions are read:
EPUBCheck and Ace report nothing, every chapter is in the EPUB's navigation
and the PDF's outline, the images of every kind are in the package with
their media types, and the formulas are MathML with their TeX as alttext.
The Markdown features the manual uses are checked in both editions: in the
EPUB's markup, and in what the PDF draws (text, fonts, fill colours, boxes).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
import yaml
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader

import pipeline
from pipeline.transforms import codelines
from conftest import REPO, Built, NS, epub_files, epubcheck, format_messages, opf_path, source_date_epoch
from test_epub_accessibility import ace_report, check_page_list, violations

SLUG = "pressroom-manual"
FOLDER = REPO / "source" / SLUG
MATHML = "http://www.w3.org/1998/Math/MathML"
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
X = NS["x"]
# The committed faces of the body text, by the name WeasyPrint gives them in the PDF.
TEXT_FACES = {
    "Charis-SIL": "CharisSIL-Regular.ttf",
    "Charis-SIL-Bold": "CharisSIL-Bold.ttf",
    "Charis-SIL-Italic": "CharisSIL-Italic.ttf",
}
FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)")


def manifest_entries() -> list:
    return yaml.safe_load((FOLDER / "publication.yaml").read_text(encoding="utf-8"))["contents"]


def chapter_files() -> list[str]:
    return [entry if isinstance(entry, str) else entry["file"] for entry in manifest_entries()]


def chapter_title(name: str) -> str:
    """The text of the chapter's one '#' heading (its first line starting '# ')."""
    for line in (FOLDER / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return re.sub(r"\s*\{[^}]*\}\s*$", "", line[2:]).strip()
    raise AssertionError(f"{name} has no '#' heading")


@pytest.fixture(scope="module")
def manual(tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp("manual-dist")
    with source_date_epoch():
        result = pipeline.build(REPO, [SLUG], formats=("epub", "pdf"), out_dir=out, strict=True)
    return Built(result, out, SLUG)


@pytest.fixture(scope="module")
def files(manual) -> dict[str, bytes]:
    return epub_files(manual.epub)


@pytest.fixture(scope="module")
def package(manual, files):
    """(the OPF's folder inside the EPUB, the parsed OPF)."""
    name = opf_path(manual.epub)
    return str(PurePosixPath(name).parent), etree.fromstring(files[name])


def _xhtml(files: dict[str, bytes], folder: str, href: str):
    return etree.fromstring(files[str(PurePosixPath(folder) / href)])


def test_the_manual_builds_strictly_without_a_message(manual):
    assert [str(d) for d in manual.result.diagnostics] == []
    assert {o.edition for o in manual.result.outputs} == {"epub", "pdf"}
    assert manual.epub.is_file() and manual.pdf.is_file()


def test_epubcheck_reports_nothing(manual):
    messages = epubcheck(manual.epub)
    assert messages == [], format_messages(messages)


def test_ace_passes_with_no_violation(manual, tmp_path):
    report = ace_report(manual.epub, tmp_path / "ace")
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"


def test_every_chapter_is_in_the_epub_navigation_in_order(files, package):
    folder, opf = package
    nav_item = opf.find(".//opf:manifest/opf:item[@properties='nav']", NS)
    nav = _xhtml(files, folder, nav_item.get("href"))
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    top = toc.findall("x:ol/x:li/x:a", NS)
    expected = [(Path(name).stem, chapter_title(name)) for name in chapter_files()]
    found = [(PurePosixPath(a.get("href").split("#")[0]).stem, " ".join("".join(a.itertext()).split())) for a in top]
    assert found == expected
    # toc-depth: 2, so the chapters' sections are listed under them, and nothing deeper.
    assert len(toc.findall("x:ol/x:li/x:ol/x:li", NS)) >= 3 * len(expected)
    assert toc.findall("x:ol/x:li/x:ol/x:li/x:ol", NS) == []


def test_front_and_back_matter_are_marked_in_the_epub(files, package):
    folder, opf = package
    matter = {"front": "frontmatter", "back": "backmatter"}
    for entry in manifest_entries():
        name, role = (entry, None) if isinstance(entry, str) else (entry["file"], entry.get("role"))
        body = _xhtml(files, folder, f"text/{Path(name).stem}.xhtml").find("x:body", NS)
        assert body.get("{%s}type" % NS["epub"]) == matter.get(role, "bodymatter"), name


def test_every_chapter_is_in_the_pdf_outline_in_order(manual):
    outline = PdfReader(str(manual.pdf)).outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top == [chapter_title(name) for name in chapter_files()]


def test_each_image_kind_is_in_the_manifest_with_its_media_type(files, package):
    folder, opf = package
    items = opf.findall(".//opf:manifest/opf:item", NS)
    images = sorted(p for p in (FOLDER / "images").iterdir() if p.suffix.lower() in MEDIA_TYPES)
    kinds = set()
    for image in images:
        matches = [
            i
            for i in items
            if re.fullmatch(
                rf"images/{re.escape(image.stem)}-[0-9a-f]{{8}}{re.escape(image.suffix.lower())}", i.get("href")
            )
        ]
        assert len(matches) == 1, f"{image.name} is not in the EPUB's manifest once"
        item = matches[0]
        assert item.get("media-type") == MEDIA_TYPES[image.suffix.lower()], image.name
        assert files[str(PurePosixPath(folder) / item.get("href"))] == image.read_bytes()
        kinds.add(item.get("media-type"))
    assert {"image/png", "image/jpeg", "image/svg+xml", "image/gif"} <= kinds


def test_images_have_alternative_text_or_are_decorative(files, package):
    folder, opf = package
    informative, decorative = 0, 0
    for name in chapter_files():
        doc = _xhtml(files, folder, f"text/{Path(name).stem}.xhtml")
        for img in doc.iter("{%s}img" % NS["x"]):
            if img.get("role") == "presentation":
                assert img.get("alt") == ""
                decorative += 1
            else:
                assert len((img.get("alt") or "").split()) >= 5, f"{name}: thin alt text on {img.get('src')}"
                informative += 1
    assert informative >= 4 and decorative >= 1


def test_math_is_mathml_with_its_tex_as_alttext(files, package):
    folder, opf = package
    formulas = []
    for name in chapter_files():
        doc = _xhtml(files, folder, f"text/{Path(name).stem}.xhtml")
        assert not doc.xpath("//*[contains(concat(' ', @class, ' '), ' arithmatex ')]"), name
        formulas += doc.iter("{%s}math" % MATHML)
    assert formulas, "the manual has formulas"
    for math in formulas:
        assert (math.get("alttext") or "").strip(), etree.tostring(math)[:120]
    assert {m.get("display") for m in formulas} >= {"inline", "block"}
    features = {m.text for m in opf.findall(".//opf:meta[@property='schema:accessibilityFeature']", NS)}
    assert "MathML" in features


def test_links_cross_chapters_and_notes_are_in_several_chapters(files, package):
    folder, opf = package
    cross, with_notes = 0, 0
    for name in chapter_files():
        doc = _xhtml(files, folder, f"text/{Path(name).stem}.xhtml")
        for a in doc.iter("{%s}a" % NS["x"]):
            href = a.get("href") or ""
            target, _, fragment = href.partition("#")
            if target.endswith(".xhtml") and target != f"{Path(name).stem}.xhtml" and fragment:
                linked = _xhtml(files, folder, f"text/{target}")
                assert linked.xpath(f"//*[@id='{fragment}']"), f"{name}: {href} leads nowhere"
                cross += 1
        if doc.xpath("//*[@epub:type='footnote']", namespaces=NS):
            with_notes += 1
    assert cross >= 10 and with_notes >= 2


def test_the_page_list_points_at_the_words_each_print_page_begins_with(manual):
    # Tables whose header repeats, code, lists and notes: each page-break
    # marker sits at the word the printed page begins with.
    assert check_page_list(manual.epub, manual.pdf) >= 60


# --- Markdown features in both editions -------------------------------------


def source_lines(name: str) -> list[tuple[str, str | None]]:
    """Each line of a chapter's source with the language of the fenced listing
    it is in (None outside listings, "" for a fence without one). Fences may
    be indented (in an admonition) and longer fences may hold shorter ones."""
    out, fence, lang = [], None, None
    for line in (FOLDER / name).read_text(encoding="utf-8").splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence, lang = match.group(1), match.group(2)
        elif fence is not None and match and match.group(1).startswith(fence) and not match.group(2):
            fence = None
        else:
            out.append((line, lang if fence else None))
            continue
        out.append((line, lang))
    return out


def prose(name: str) -> list[str]:
    """The lines of a chapter's source outside listings, inline code removed."""
    return [re.sub(r"`[^`]*`", "", line) for line, lang in source_lines(name) if lang is None]


def listing_languages(name: str) -> list[str]:
    return [
        m.group(2)
        for line, lang in source_lines(name)
        if lang is not None and (m := FENCE.match(line)) and m.group(2) == lang and lang
    ]


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


@pytest.fixture(scope="module")
def chapters(files, package) -> dict:
    """{source file name: its parsed XHTML document}."""
    folder, _ = package
    return {name: _xhtml(files, folder, f"text/{Path(name).stem}.xhtml") for name in chapter_files()}


@dataclass(frozen=True)
class Run:
    """A piece of text as the PDF draws it."""

    page: int
    text: str
    font: str  # the face, without the subset tag: "Charis-SIL-Bold"
    fill: str  # "#rrggbb"
    x: float
    y: float


@dataclass(frozen=True)
class PdfMarks:
    runs: list[Run]
    shapes: list[tuple[int, str, tuple[float, float, float, float]]]  # page, fill, (x0, y0, x1, y1)
    glyphs: list[tuple[str, list[int]]]  # face, glyph ids of one text-showing operator


def _hex(values) -> str:
    return "#" + "".join(f"{round(float(v) * 255):02x}" for v in values)


def _face(font) -> str:
    return str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]


def _point(cm, x, y) -> tuple[float, float]:
    return cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]


@pytest.fixture(scope="module")
def marks(manual) -> PdfMarks:
    """Text runs with their face and fill colour, filled rectangles, and glyph
    ids, read from the content streams. WeasyPrint sets fill colours with
    'rg' and embeds every face as Identity-H with its original glyph ids."""
    runs, shapes, glyphs = [], [], []
    for number, page in enumerate(PdfReader(str(manual.pdf)).pages):
        fonts = page["/Resources"].get("/Font", {})
        state, saved, rects = {"fill": "#000000", "font": ""}, [], []

        def before(op, args, cm, tm):
            if op == b"q":
                saved.append(dict(state))
            elif op == b"Q" and saved:
                state.update(saved.pop())
            elif op in (b"rg", b"sc", b"scn") and len(args) == 3:
                state["fill"] = _hex(args)
            elif op == b"g":
                state["fill"] = _hex(list(args) * 3)
            elif op == b"Tf":
                state["font"] = _face(fonts[args[0]].get_object())
            elif op in (b"TJ", b"Tj"):
                items = args[0] if op == b"TJ" else args
                data = b"".join(getattr(i, "original_bytes", i) for i in items if isinstance(i, (bytes, str)))
                ids = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
                glyphs.append((state["font"], ids))
            elif op == b"re":
                x, y, w, h = (float(a) for a in args)
                rects.append(_point(cm, x, y) + _point(cm, x + w, y + h))
            elif op in (b"f", b"f*", b"F", b"B", b"B*"):
                if rects:
                    xs = [r[0] for r in rects] + [r[2] for r in rects]
                    ys = [r[1] for r in rects] + [r[3] for r in rects]
                    shapes.append((number, state["fill"], (min(xs), min(ys), max(xs), max(ys))))
                rects.clear()
            elif op in (b"n", b"S", b"s"):
                rects.clear()

        def text(t, cm, tm, font, size):
            if t.strip():
                x, y = _point(cm, tm[4], tm[5])
                runs.append(Run(number, t.strip(), _face(font) if font else "", state["fill"], x, y))

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return PdfMarks(runs, shapes, glyphs)


@pytest.fixture(scope="module")
def pdf_text(manual) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(str(manual.pdf)).pages)


def test_definition_lists_are_bold_terms_over_indented_definitions(chapters, marks):
    glossary = chapters["glossary.md"]
    [dl] = glossary.iter(f"{{{X}}}dl")
    assert [etree.QName(c).localname for c in dl] == ["dt", "dd"] * (len(dl) // 2)
    lines = prose("glossary.md")
    terms = [line for line, after in zip(lines, lines[1:]) if after.startswith(":   ")]
    assert [_text(dt) for dt in dl.findall("x:dt", NS)] == terms and len(terms) >= 20
    # The commands' options are a definition list too, each term a piece of code.
    [options, *_] = chapters["commands.md"].iter(f"{{{X}}}dl")
    assert all(dt.find("x:code", NS) is not None for dt in options.findall("x:dt", NS))

    # In print, each term is set in bold and its definition starts under it, indented.
    def text_after(i):
        # The next run in the text face: past the folio when the term ends a page.
        return next((r for r in marks.runs[i + 1 : i + 6] if r.font == "Charis-SIL" and not r.text.isdigit()), None)

    offsets = []
    for dt in dl.findall("x:dt", NS):
        first_word = _text(dt.getnext()).split()[0]
        pairs = [
            (run, text_after(i))
            for i, run in enumerate(marks.runs)
            if run.text == _text(dt) and run.font == "Charis-SIL-Bold"
        ]
        pairs = [(term, after) for term, after in pairs if after and after.text.startswith(first_word)]
        assert len(pairs) == 1, f"the term {_text(dt)!r} and its definition in the PDF"
        term, definition = pairs[0]
        if definition.page == term.page:
            assert definition.y < term.y
            offsets.append(definition.x - term.x)
    assert min(offsets) > 8 and max(offsets) - min(offsets) < 0.5, offsets


def test_abbreviations_carry_their_expansion_and_print_in_small_capitals(chapters, marks, pdf_text):
    defined = {}
    for name in chapter_files():
        for line in prose(name):
            if match := re.fullmatch(r"\*\[([^\]]+)\]:\s*(.+)", line.strip()):
                defined.setdefault(name, {})[match.group(1)] = match.group(2)
    assert sum(len(d) for d in defined.values()) >= 4
    in_epub = Counter()
    for name, doc in chapters.items():
        abbrs = list(doc.iter(f"{{{X}}}abbr"))
        assert {a.text: a.get("title") for a in abbrs} == defined.get(name, {}), name
        in_epub.update(a.text for a in abbrs)
        # The definitions themselves are not text of the chapter.
        assert not any(f"*[{short}]" in _text(doc) for short in defined.get(name, {}))
    # In print the abbreviations are set in the text face's small-capital
    # glyphs (e.sc, p.sc...), as many times as the EPUB marks them.
    names = {
        face: TTFont(REPO / "styles" / "fonts" / "charis" / file).getGlyphOrder() for face, file in TEXT_FACES.items()
    }
    in_small_caps = Counter()
    for face, ids in marks.glyphs:
        if face in names:
            word = ""
            for glyph in [names[face][i] for i in ids] + [""]:
                if glyph.endswith(".sc"):
                    word += glyph.split(".")[0].upper()
                elif word:
                    in_small_caps[word], word = in_small_caps[word] + 1, ""
    assert {short: in_small_caps[short] for short in in_epub} == dict(in_epub)
    assert not any(f"*[{short}]" in pdf_text for short in in_epub)
    # Copied or read aloud, an abbreviation is one case throughout: a
    # small-capital glyph stands for one letter in the PDF ("epuB" is wrong).
    for short in in_epub:
        mixed = {w for w in re.findall(rf"\b{re.escape(short)}\b", pdf_text, re.I)} - {short, short.lower()}
        assert not mixed, f"{short} reads as {sorted(mixed)} in the PDF's text"


def test_admonitions_are_titled_boxes_in_both_editions(chapters, marks):
    found = 0
    for name, doc in chapters.items():
        said = [m.groups() for line in prose(name) if (m := re.match(r'\s*!!! (\w+) "([^"]+)"', line))]
        boxes = [div for div in doc.iter(f"{{{X}}}div") if "admonition" in _classes(div)]
        assert [(sorted(_classes(b) - {"admonition"}), _text(b[0])) for b in boxes] == [
            ([kind], title) for kind, title in said
        ], name
        for box in boxes:
            assert "admonition-title" in _classes(box[0]) and len(box) >= 2
        for _kind, title in said:
            # In print: the title in bold, inside the box its border draws
            # (the manual's own style sheet colours each kind's border).
            heads = [r for r in marks.runs if r.text == title and r.font == "Charis-SIL-Bold"]
            assert heads, title
            for head in heads:
                assert any(
                    page == head.page and x0 < head.x < x1 and y0 < head.y < y1
                    for page, fill, (x0, y0, x1, y1) in marks.shapes
                ), title
        found += len(said)
    assert found >= 4


def test_code_is_highlighted_in_both_editions(chapters, marks):
    styles = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r"\.highlight \.([\w-]+) \{([^}]*)\}", (REPO / "styles" / "highlight.css").read_text(encoding="utf-8")
        )
    }
    spans = {}
    for name, doc in chapters.items():
        listings = [div for div in doc.iter(f"{{{X}}}div") if "highlight" in _classes(div)]
        languages = listing_languages(name)
        assert len(listings) == len(languages), name
        for lang, listing in zip(languages, listings):
            lines = {codelines.CLASS, codelines.FIRST, codelines.LAST}  # a line's block, not a token
            tokens = {c for span in listing.iter(f"{{{X}}}span") for c in _classes(span)} - lines
            if lang == "text":
                assert not tokens, f"{name}: a text listing is not highlighted"
            elif lang in ("yaml", "css", "html"):
                assert tokens - {"w"}, f"{name}: a {lang} listing has no highlighted token"
            for span in listing.iter(f"{{{X}}}span"):
                for c in _classes(span):
                    spans.setdefault(c, []).append(span.text)
    # In print, YAML's keys (Name.Tag) and the shell's comments (Comment.Single)
    # take their colour, weight or slant from highlight.css.
    code = [r for r in marks.runs if r.font.startswith("DejaVu-Sans-Mono")]
    for token, look in (("nt", "Bold"), ("c1", "Italic")):
        assert look.lower() in styles[token]
        colour = re.search(r"color: (#[0-9a-f]{6})", styles[token]).group(1)
        drawn = [r for r in code if r.text in spans[token] and r.fill == colour]
        assert drawn and all(look in r.font for r in drawn), token
    assert len({r.fill for r in code}) >= 3


SMART = [  # (source file, as typed, as set): every one outside code
    ("writing.md", '"The Refusal Front"', "\u201cThe Refusal Front\u201d"),
    ("metadata.md", "'author'", "\u2018author\u2019"),
    ("books.md", "the chapter's title", "the chapter\u2019s title"),
    ("writing.md", "> --- Karl Marx", "\u2014 Karl Marx"),
    ("writing.md", "`danger`...)", "danger\u2026)"),
    ("writing.md", "en dash \u2013 like this \u2013", "en dash \u2013 like this \u2013"),  # typed finished: kept
]


def test_smart_typography_gives_unicode_characters_outside_code_only(chapters, files, package, pdf_text):
    folder, _ = package
    for name, typed, shown in SMART:
        assert typed in (FOLDER / name).read_text(encoding="utf-8"), (name, typed)
        assert shown in _text(chapters[name]), (name, shown)
        assert shown in pdf_text, shown
    for name, doc in chapters.items():
        raw = files[str(PurePosixPath(folder) / f"text/{Path(name).stem}.xhtml")]
        assert not re.search(rb"&(#8\d{3}|[lr][sd]quo|[nm]dash|hellip);", raw), f"{name}: an entity, not a character"
        words = "".join(_prose_text(doc.find("x:body", NS)))
        for ascii_form in ('"', "'", "--", "...", "<<", ">>"):
            assert ascii_form not in words, f"{name}: {ascii_form} left as typed"
    # Inside code, what was typed is shown: the table of what you type.
    rows = chapters["writing.md"].findall(".//x:figure[@id='table-smart']//x:tbody/x:tr", NS)
    typed = [_text(row.find("x:td/x:code", NS)) for row in rows]
    assert {'"quoted"', "'quoted'", "1990--1995", "a pause---like this", "and so on..."} <= set(typed)
    assert all(t in pdf_text for t in typed)


def _prose_text(el):
    """The text of an element, leaving out code and formulas."""
    if not isinstance(el.tag, str) or etree.QName(el).localname in ("code", "pre", "kbd", "samp", "math"):
        return
    yield el.text or ""
    for child in el:
        yield from _prose_text(child)
        yield child.tail or ""
