"""The contract of each engine piece (pipeline/pdf/engine/) with the installed
WeasyPrint and pydyf: what the piece relies on is still there and still
behaves so. One test per piece; each failure names the piece, its module and
the version that broke it, so that taking a new WeasyPrint is: change the
pins, run this file, fix the pieces it names.

Fast: tiny documents laid out with WeasyPrint directly, no build.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import io
import re
import subprocess
import sys
import traceback
from pathlib import Path

import pydyf
import pytest
import weasyprint
from pypdf import PdfReader
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

REPO = Path(__file__).resolve().parent.parent
ENGINE = REPO / "pipeline" / "pdf" / "engine"
PYDYF_PIECES = {"pagerefs", "pdftree"}


def _fail(module: str, what: str):
    """Fail naming the piece, its module and the version of the library it relies on."""
    found = re.search(r'^PIECE = "(.*)"', (ENGINE / f"{module}.py").read_text(encoding="utf-8"), re.M)
    library, version = (
        ("pydyf", pydyf.__version__) if module in PYDYF_PIECES else ("weasyprint", weasyprint.__version__)
    )
    pytest.fail(
        f"engine piece '{found.group(1) if found else module}' (pipeline/pdf/engine/{module}.py): "
        f"{library} {version} {what}",
        pytrace=False,
    )


def _load(module: str):
    """The piece's module; when it (or another piece loaded with it) cannot
    be imported, the failure names the piece whose import broke."""
    try:
        return importlib.import_module(f"pipeline.pdf.engine.{module}")
    except Exception as exc:  # noqa: BLE001 - reported as the piece's
        frames = [Path(frame.filename) for frame in traceback.extract_tb(exc.__traceback__)]
        culprit = next((f.stem for f in reversed(frames) if f.parent == ENGINE and f.stem != "__init__"), module)
        _fail(culprit, f"no longer gives what the piece imports: {type(exc).__name__}: {exc}")


def _broken(piece, what: str):
    _fail(piece.__name__.rsplit(".", 1)[-1], what)


def _holds(piece, condition, what: str) -> None:
    if not condition:
        _broken(piece, what)


@contextlib.contextmanager
def _relied_on(piece, what: str):
    """What the block does is what the piece relies on: any error in it is the piece's."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - reported as the piece's, with what was raised
        _broken(piece, f"{what}: {type(exc).__name__}: {exc}")


def _signature(piece, function, names: tuple[str, ...], what: str) -> None:
    got = tuple(inspect.signature(function).parameters)
    _holds(piece, got[: len(names)] == names, f"{what} takes {got}, not {names}")


def _render(html: str, **options):
    return HTML(string=f"<html lang='en'><head><title>T</title></head><body>{html}</body></html>").render(**options)


NOTE_CSS = """@page { size: 300px 240px; margin: 20px; @bottom-center { content: counter(page) } }
body { font: 16px/20px serif; margin: 0; orphans: 3; widows: 3; }
p { margin: 0; }
.footnote-body { float: footnote; footnote-policy: line; }
"""


def _with_note(words_before: int = 20, words_in: int = 28, call_at: int = 5) -> str:
    """Three paragraphs on small pages, a note called in the second: WeasyPrint
    sends the note on to the next page without its call (see notes.py)."""
    note = '<span class="footnote-body" id="n1">' + "note " * 10 + "</span>"
    return (
        f"<style>{NOTE_CSS}</style><p id='b1' data-pm='b1'>{'word ' * words_before}</p>"
        f"<p id='b2' data-pm='b2'>{'word ' * call_at}{note}{'word ' * (words_in - call_at)}</p>"
        f"<p id='b3' data-pm='b3'>{'word ' * 30}</p>"
    )


# The documented API (WeasyPrint's and pydyf's "API Reference" pages): all a
# module outside the engine may use. WeasyPrint's logger ("weasyprint") is
# documented too.
PUBLIC = {
    "weasyprint": {
        "HTML",
        "CSS",
        "Attachment",
        "URLFetcher",
        "default_url_fetcher",
        "Document",
        "Page",
        "DEFAULT_OPTIONS",
    },
    "pydyf": {"Object", "Dictionary", "Stream", "String", "Array", "PDF"},
}
INTERNAL_ATTRIBUTES = {"_page_box", "page_references", "make_all_pages", "generate_rdf_metadata"}


def test_no_module_outside_the_engine_uses_weasyprint_or_pydyf_internals():
    engine = REPO / "pipeline" / "pdf" / "engine"
    found = []
    for path in sorted((REPO / "pipeline").rglob("*.py")):
        if path.is_relative_to(engine):
            continue
        where = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [
                    f"{where}:{node.lineno} imports {a.name}"
                    for a in node.names
                    if a.name.split(".")[0] in PUBLIC and a.name not in PUBLIC
                ]
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PUBLIC:
                if node.module not in PUBLIC:
                    found.append(f"{where}:{node.lineno} imports from {node.module}")
                else:
                    found += [
                        f"{where}:{node.lineno} imports {node.module}.{a.name}"
                        for a in node.names
                        if a.name not in PUBLIC[node.module]
                    ]
            elif isinstance(node, ast.Attribute):
                if node.attr in INTERNAL_ATTRIBUTES or (
                    isinstance(node.value, ast.Name)
                    and node.value.id in PUBLIC
                    and node.attr not in PUBLIC[node.value.id]
                    and node.attr != "__version__"
                ):
                    found.append(f"{where}:{node.lineno} reads .{node.attr}")
    assert found == [], "WeasyPrint or pydyf internals outside pipeline/pdf/engine/: " + "; ".join(found)


def test_every_piece_is_tested_here():
    """A piece added to the engine gets a contract test in this file."""
    from pipeline.pdf.engine import PIECES

    source = Path(__file__).read_text(encoding="utf-8")
    for module in PIECES.values():
        assert f"def test_piece_{module}_" in source, f"no contract test for engine/{module}.py"


def test_piece_boxes_page_boxes():
    piece = boxes = _load("boxes")
    _holds(piece, all(hasattr(boxes, kind) for kind in boxes.__all__), "no longer has every box kind it imports")
    document = _render(
        "<style>@page { @bottom-center { content: 'folio' } }</style>"
        "<p id='p'>Hello world<span class='footnote-body' style='float: footnote'>A note</span></p>"
        "<table><thead><tr><th>Head</th></tr></thead><tbody><tr><td>Cell</td></tr></tbody></table>"
        "<img alt='dot' style='width: 10px' src='data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"
        "CAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='>"
    )
    page = document.pages[0]
    _holds(piece, hasattr(page, "_page_box"), "no longer gives Page._page_box")
    root = boxes.page_box(page)
    with _relied_on(piece, "no longer lays out a page's boxes as it did"):
        _holds(
            piece,
            callable(root.content_box_x) and callable(root.content_box_y),
            "no longer gives the page box content_box_x() and content_box_y()",
        )
        kinds = {type(child) for child in root.children}
        _holds(
            piece,
            boxes.MarginBox in kinds and boxes.FootnoteAreaBox in kinds,
            "no longer puts margin boxes and the footnote area among the page box's children",
        )
        margin = next(c for c in root.children if isinstance(c, boxes.MarginBox))
        _holds(piece, margin.at_keyword == "@bottom-center", "no longer names a margin box by at_keyword")
        flow = [box for box, _ in boxes.in_flow(root)]
        for box in flow:
            for name in boxes.BOX_ATTRIBUTES:
                _holds(piece, hasattr(box, name), f"no longer gives a {type(box).__name__} '{name}'")
            for name in boxes.BOX_METHODS:
                _holds(piece, callable(getattr(box, name, None)), f"no longer gives a {type(box).__name__} {name}()")
        texts = [b for b in flow if isinstance(b, boxes.TextBox)]
        _holds(piece, "Hello world" in [b.text for b in texts], "no longer gives a text box its text")
        line = next(b for b in flow if isinstance(b, boxes.LineBox))
        _holds(piece, isinstance(line, boxes.ParentBox) and line.children, "no longer nests text in line boxes")
        _holds(
            piece,
            any(getattr(b, "footnote", None) is not None and b.element_tag.endswith("::footnote-call") for b in flow),
            "no longer links a note call's box to its note (box.footnote)",
        )
        _holds(
            piece,
            all(b.element.get("id") == "p" for b in texts if b.text == "Hello world") and texts[0].element_tag == "p",
            "no longer gives a box its element and element_tag",
        )
        image = next(b for b in flow if isinstance(b, boxes.ReplacedBox))
        _holds(
            piece,
            image.replacement.width == 1 and hasattr(image.replacement, "ratio"),
            "no longer gives an image box its replacement's width and ratio",
        )
        _holds(
            piece,
            any(getattr(b, "is_header", False) for b in flow),
            "no longer marks a table's head row group with is_header",
        )
        _holds(
            piece,
            texts[0].style["overflow"] == "visible" and texts[0].position_y >= root.content_box_y(),
            "no longer gives a box its computed style and position",
        )


def test_piece_pageloop_page_loop():
    piece = pageloop = _load("pageloop")
    boxes = _load("boxes")
    _holds(
        piece,
        pageloop.SUPPORTED,
        "is not the version the loop was written for (SUPPORTED: 70): check the "
        "loop against its page.make_all_pages and update SUPPORTED",
    )
    from weasyprint import layout as weasy_layout
    from weasyprint.layout import page as weasy_page

    _holds(piece, hasattr(weasy_layout, "make_all_pages"), "no longer has layout.make_all_pages")
    _holds(
        piece,
        "make_all_pages(" in inspect.getsource(weasy_layout.layout_document),
        "no longer calls make_all_pages from layout.layout_document",
    )
    _signature(piece, weasy_page.make_all_pages, ("context", "root_box", "html", "pages"), "make_all_pages")
    _signature(piece, weasy_page.remake_page, ("index", "context", "root_box", "html"), "remake_page")
    source = inspect.getsource(weasy_page.make_all_pages)
    for name in pageloop.REMAKE_STATE + pageloop.CONTEXT_NOTES[1:] + ("page_maker", "rendered_notes"):
        _holds(piece, name in source, f"no longer uses '{name}' in make_all_pages as the loop does")
    html = _with_note()
    own = _render(html)
    seen = []
    counted: list[int] = []

    def looking():
        def revise(page, reported, root_box, *_):
            seen.append((page, list(reported or ())))
            return None

        return revise

    with (
        _relied_on(piece, "no longer lays out the same pages through the replaced loop"),
        pageloop.pages_revised(looking, counted.append),
    ):
        same = _render(html)
    _holds(
        piece,
        [p.anchors for p in same.pages] == [p.anchors for p in own.pages] and len(seen) >= len(own.pages),
        "lays out other pages through the replaced loop than through its own",
    )
    _holds(
        piece,
        counted == list(range(1, len(own.pages) + 1)),
        f"no longer counts each page once as it is laid out: {counted}",
    )
    _holds(
        piece,
        any(reported for _, reported in seen),
        "no longer reports the note it sends on (context.reported_footnotes)",
    )

    def breaking():
        def revise(page, reported, root_box, *_):
            target = next(
                (b for b, _ in boxes.walk(root_box) if b.element is not None and b.element.get("id") == "b2"), None
            )
            if reported and target is not None and target.style["break_before"] != "page":
                pageloop.break_before(target)
                return target.element
            return None

        return revise

    with _relied_on(piece, "no longer makes pages again after a page break is given"), pageloop.pages_revised(breaking):
        moved = _render(html)
    first = next(n for n, p in enumerate(moved.pages) if "b2" in p.anchors)
    _holds(
        piece,
        first > next(n for n, p in enumerate(own.pages) if "b2" in p.anchors),
        "no longer moves a block given break_before to a new page when the pages are made again",
    )
    _holds(
        piece,
        "b3" not in moved.pages[first - 1].anchors and "b1" in moved.pages[0].anchors,
        "no longer keeps the pages made before the break",
    )


def test_piece_pagerefs_page_references():
    piece = pagerefs = _load("pagerefs")
    prop = inspect.getattr_static(pydyf.PDF, "page_references", None)
    _holds(piece, isinstance(prop, property), "no longer has PDF.page_references as a property")
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    kids = pdf.pages["Kids"]
    _holds(
        piece,
        len(kids) == 9 and list(kids[1::3]) == [0] * 3 and list(kids[2::3]) == ["R"] * 3,
        "no longer lists each page in pages['Kids'] as (number, 0, 'R')",
    )
    _holds(
        piece,
        pdf.page_references == tuple(f"{n} 0 R".encode() for n in kids[::3]),
        "no longer gives page_references as the tuple of b'N 0 R' of pages['Kids']",
    )
    with pagerefs.page_references_kept():
        first = pdf.page_references
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        _holds(piece, len(pdf.page_references) == 4 and len(first) == 3, "keeps page references after a page is added")
    _holds(piece, inspect.getattr_static(pydyf.PDF, "page_references") is prop, "leaves page_references replaced")
    document = _render("".join(f"<h1>Part {n}</h1><p>{'Text that fills a page. ' * 120}</p>" for n in range(3)))
    plain = document.write_pdf(pdf_tags=True, pdf_identifier=b"x")
    with pagerefs.page_references_kept():
        kept = document.write_pdf(pdf_tags=True, pdf_identifier=b"x")
    _holds(piece, kept == plain, "writes other bytes with the page references kept")


def test_piece_libraries_library_search():
    """In a new interpreter: WeasyPrint still asks ctypes.util.find_library
    for its libraries (or the piece does nothing), and loads them all with
    the quick search in place."""
    piece = libraries = _load("libraries")
    script = (
        "import ctypes.util, sys\n"
        "asked = []\nfind = ctypes.util.find_library\n"
        "ctypes.util.find_library = lambda name: asked.append(name) or find(name)\n"
        "from pipeline.pdf.engine.libraries import quick_library_search\n"
        "with quick_library_search():\n"
        "    import weasyprint.text.ffi as ffi\n"
        "print(len(asked), bool(ffi.pango and ffi.harfbuzz and ffi.fontconfig and ffi.gobject))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    _holds(piece, done.returncode == 0, f"no longer loads its libraries with the quick search: {done.stderr[-400:]}")
    asked, loaded = done.stdout.split()
    _holds(piece, loaded == "True", "no longer loads Pango, HarfBuzz, Fontconfig and GObject")
    if libraries._listed() is not None:
        _holds(piece, int(asked) > 0, "no longer asks ctypes.util.find_library for its libraries: the piece can go")


def test_piece_metadata_xmp_metadata():
    piece = metadata = _load("metadata")
    from weasyprint.pdf.metadata import NS, DocumentMetadata

    for prefix in ("rdf", "dc", "xmpMM", "pdfuaid"):
        _holds(piece, prefix in NS, f"no longer names the namespace '{prefix}' in pdf.metadata.NS")
    _signature(
        piece,
        DocumentMetadata.generate_rdf_metadata,
        ("self", "variant", "version", "conformance"),
        "DocumentMetadata.generate_rdf_metadata",
    )
    _holds(
        piece,
        "self.generate_rdf_metadata(" in inspect.getsource(DocumentMetadata),
        "no longer writes the XMP through DocumentMetadata.generate_rdf_metadata",
    )
    calls = []

    def amend(rdf, variant):
        calls.append((variant, [el.text for el in rdf.iter(f"{{{NS['xmpMM']}}}DocumentID")]))
        el = rdf.makeelement(f"{{{NS['dc']}}}publisher", {})
        el.text = "Probe Press"
        rdf.append(el)

    document = _render("<p>Text</p>")
    with _relied_on(piece, "no longer takes a DocumentMetadata made from vars() of its own"):
        metadata.amend_xmp(document, amend)
        ua = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, uncompressed_pdf=True)
        x = document.write_pdf(pdf_variant="pdf/x-4", uncompressed_pdf=True)
    _holds(piece, b"Probe Press" in ua and b"Probe Press" in x, "no longer writes the amended RDF into the XMP")
    _holds(
        piece,
        [v for v, _ in calls] == ["ua", "x"],
        f"calls generate_rdf_metadata with the variants {[v for v, _ in calls]}, not 'ua' and 'x'",
    )
    _holds(piece, len(calls[1][1]) == 1, "no longer writes one xmpMM:DocumentID for PDF/X")


def test_piece_fonts_font_configuration():
    piece = fonts = _load("fonts")
    face = REPO / "styles" / "fonts" / "charis" / "CharisSIL-Regular.ttf"
    # A family of the machine's, asked for by name before the committed font.
    try:
        family = subprocess.run(
            ["fc-match", "-f", "%{family[0]}", "sans-serif"], capture_output=True, text=True, timeout=60
        ).stdout.strip()
    except OSError:
        family = ""
    family = family or "DejaVu Sans"
    css = f"@font-face {{ font-family: Probe; src: url({face.as_uri()}) }} p {{ font-family: '{family}', Probe }}"

    def used(font_config) -> list[str]:
        sheet = CSS(string=css, font_config=font_config)
        pdf = _render("<p>Hello</p>", stylesheets=[sheet], font_config=font_config).write_pdf()
        used_fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
        return [str(f["/BaseFont"]).split("+")[-1] for f in used_fonts]

    machine = used(FontConfiguration())
    assert machine and not machine[0].startswith("Probe"), (
        f"this machine has no font '{family}' of its own: the test would prove nothing ({machine})"
    )
    with _relied_on(piece, "no longer makes a font configuration with the committed fonts only"):
        committed = used(fonts.committed_only())
    _holds(
        piece,
        committed and all(name.startswith("Probe") for name in committed),
        f"still takes the machine's fonts ({committed}) when FontConfiguration is made under an empty FONTCONFIG_FILE",
    )


def test_piece_pdftree_pdf_objects():
    """A PDF/X-4 of two pages, as press.py's finisher sees it."""
    piece = pdftree = _load("pdftree")
    from pipeline.pdf import press

    profiles: dict = {}
    seen = {}

    def finisher(document, pdf):
        seen["intents"] = pdftree.output_intents(pdf)

    with _relied_on(piece, "no longer gives a finisher the PDF's output intents as press.py reads them"):
        sheets = [CSS(string=press.sheet(REPO), color_profiles=profiles)]
        document = _render(
            "<p style='break-after: page'>One</p><p>Two</p>", stylesheets=sheets, color_profiles=profiles
        )
        document.write_pdf(pdf_variant=press.VARIANT, finisher=finisher)
    _holds(
        piece,
        seen["intents"] and all(isinstance(i, dict) and i.get("S") for i in seen["intents"]),
        "no longer lists a PDF/X output intent as a dictionary in the catalog's OutputIntents",
    )


def test_piece_icc_srgb_profile():
    piece = icc = _load("icc")
    with _relied_on(piece, f"no longer ships {icc.NAME} in {icc.PACKAGE}"):
        profile = icc.srgb_profile()
    _holds(
        piece,
        profile[36:40] == b"acsp" and profile[16:20] == b"RGB ",
        f"ships a {icc.NAME} that is not an RGB ICC profile",
    )


def test_piece_structlang_structure_languages():
    """A tagged document with a German article: its structure element, and its
    note's at the foot of the page (which carries its own lang, as
    pdf/assemble.py writes it), say so; the English ones say nothing."""
    piece = structlang = _load("structlang")
    html = (
        "<style>.note { float: footnote }</style><p>Englisch.</p>"
        "<article lang='de'><p>Ein Absatz.<span class='note' lang='de'>Eine Anmerkung.</span></p></article>"
    )
    with _relied_on(piece, "no longer writes the structure tree the piece pairs with the page's boxes"):
        document = _render(html)
        data = document.write_pdf(pdf_tags=True, finisher=structlang.finish)
    reader = PdfReader(io.BytesIO(data))
    langs: list[tuple[str, str | None]] = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                langs.append((node["/S"], node.get("/Lang")))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    _holds(
        piece,
        ("/Art", "de") in langs,
        f"no longer pairs a page's top structure elements with its boxes in "
        f"order: the German article's element has no /Lang (found {langs})",
    )
    _holds(
        piece,
        sum(1 for _, lang in langs if lang == "de") >= 2,
        f"no longer makes one structure element per note in the footnote area (found {langs})",
    )
    _holds(piece, all(lang in (None, "de") for _, lang in langs), f"gave a /Lang to an English element ({langs})")


def test_piece_folios_late_folios():
    """A three-page document whose folios are asked for once its pages are
    made: they count from the page given, in every page's margin box, while
    a document laid out at the same time in another thread keeps its own."""
    import threading

    piece = folios = _load("folios")
    css = CSS(string="@page { size: 200px 200px; margin: 30px; @bottom-center { content: counter(page) } }")
    html = "<p style='break-after: page'>a</p><p style='break-after: page'>b</p><p>c</p>"
    asked: list[int] = []
    plain: list = []

    def first_page(count):
        asked.append(count)
        other = threading.Thread(target=lambda: plain.append(_render(html, stylesheets=[css])))
        other.start()
        other.join()
        return 41

    with _relied_on(piece, "no longer makes the page-margin boxes through layout.make_margin_boxes"):
        with folios.folios_from(first_page):
            document = _render(html, stylesheets=[css])

    def printed(doc):
        return [
            "".join(b.text for b in box.descendants() if hasattr(b, "text")).strip()
            for page in doc.pages
            for box in page._page_box.children
            if getattr(box, "at_keyword", None) == "@bottom-center"
        ]

    _holds(piece, asked == [3], f"asked for the first page with {asked}, not once with the page count 3")
    _holds(piece, printed(document) == ["41", "42", "43"], f"printed folios {printed(document)}, not 41 to 43")
    _holds(piece, printed(plain[0]) == ["1", "2", "3"], f"changed another thread's folios: {printed(plain[0])}")


def test_piece_paragraphs_paragraph_lines():
    """Two justified paragraphs in a narrow column: the piece reads each
    one's lines (stretched spaces, hyphens, the page's last line), a style
    given to one element before the layout is applied, a galley of one
    paragraph sets it as the document did."""
    piece = paragraphs = _load("paragraphs")
    css = CSS(
        string="@page { size: 260px 400px; margin: 20px } body { font: 12px/15px serif; margin: 0 }"
        " p { text-align: justify; hyphens: auto; margin: 0 }"
    )
    text = "The government announced that the evident result was significantly different from the estimates. " * 3
    source = f"<html lang='en'><body><p>{text}</p><p>{text}</p></body></html>"

    def laid(styles=None, keep=None):
        html = HTML(string=source)
        with _relied_on(piece, "no longer gives an HTML object's tree as etree_element"):
            index = paragraphs.elements(html)
            paragraphs.restyle(html, styles or {})
            if keep is not None:
                paragraphs.galley(html, keep)
        document = html.render(stylesheets=[css])
        with _relied_on(piece, "no longer gives the line boxes, their text and justification spacing"):
            return paragraphs.lines(document, index), index

    found, index = laid()
    firsts = sorted({line.paragraph for line in found})
    _holds(piece, len(firsts) == 2, f"read the lines of {len(firsts)} paragraphs, not 2")
    _holds(piece, any(line.stretch > 0 for line in found), "found no justification spacing on justified lines")
    _holds(piece, any(line.hyphen for line in found), "found no hyphenated line in a narrow justified column")
    _holds(piece, sum(line.foot for line in found) == 1, "did not find the page's last line of text")
    loose, _ = laid({firsts[0]: "letter-spacing: 0.1em"})
    before = [line for line in found if line.paragraph == firsts[0]]
    _holds(piece, len([line for line in loose if line.paragraph == firsts[0]]) > len(before), "restyle had no effect")
    alone, _ = laid(keep={firsts[1]})
    _holds(
        piece,
        [(line.hyphen, round(line.stretch, 3)) for line in alone]
        == [(line.hyphen, round(line.stretch, 3)) for line in found if line.paragraph == firsts[1]],
        "a galley of one paragraph did not set it as the document did",
    )


def test_piece_patterns_hyphenation_patterns():
    """A narrow column of "evident": pyphen's "en" (British) breaks it
    "evid-ent"; given the American patterns it never does, a passage marked
    en-GB keeps the British ones, and the document's language stays "en"."""
    piece = patterns = _load("patterns")
    narrow = CSS(string="@page { size: 120px 400px; margin: 10px } p { hyphens: auto; font: 12px serif }")
    source = "<html lang='en'><body><p>" + "evident " * 12 + "<span lang='en-GB'>" + "evident " * 12 + "</span></p>"

    def ends(choose: bool):
        html = HTML(string=source)
        if choose:
            with _relied_on(piece, "no longer gives an HTML object's tree as etree_element"):
                patterns.hyphenate_as(html)
        document = html.render(stylesheets=[narrow])
        found = [
            (b.text.strip(), b.style["lang"])
            for page in document.pages
            for b in page._page_box.descendants()
            if hasattr(b, "text") and b.text
        ]
        return {text.split()[-1] for text, lang in found if lang != "en-GB"}, found, document

    plain, _, _ = ends(False)
    chosen, found, document = ends(True)
    _holds(
        piece, "evid\u2010" in plain, f"pyphen's 'en' no longer breaks 'evid-ent' (the piece may be unneeded): {plain}"
    )
    _holds(piece, "evid\u2010" not in chosen, f"-weasy-lang no longer picks the patterns: {chosen}")
    _holds(piece, any(lang == "en-GB" and "evid\u2010" in text for text, lang in found), "en-GB lost its patterns")
    _holds(piece, document.metadata.lang == "en", f"the document's language became {document.metadata.lang}")


# Page make-up (pipeline/pdf/makeup.py): the page loop says where the next
# page begins, and a box moved later among its parent's children is laid
# out there when the page is made again.
def test_piece_pageloop_page_loop_defers_a_box():
    piece = pageloop = _load("pageloop")
    css = (
        "@page { size: 300px 240px; margin: 20px } body { font: 16px/20px serif; margin: 0 }"
        " p { margin: 0 } div { height: 150px; break-inside: avoid }"
    )
    html = f"<style>{css}</style><p id='a'>{'word ' * 20}</p><div id='fig'></div><p id='b'>{'word ' * 10}</p>"
    starts: list = []

    def start():
        def revise(page, reported, root_box, following, index):
            box = following[0] if following else None
            starts.append(box.element.get("id") if box is not None and box.element is not None else None)
            if starts[-1] == "fig" and "b" not in starts:
                ancestors = following[1]
                siblings = ancestors[-1].children
                pageloop.move_after(box, ancestors, siblings[siblings.index(box) + 1])
                starts.append("b")
                return index
            return None

        return revise

    own = _render(html)
    with _relied_on(piece, "no longer makes a page again after a box is moved"), pageloop.pages_revised(start):
        deferred = _render(html)
    _holds(piece, "fig" in own.pages[1].anchors, "no longer sends a block that does not fit to the next page")
    _holds(piece, "fig" in starts, f"no longer tells where the next page begins (resume_at's path): {starts}")
    _holds(
        piece,
        "b" in deferred.pages[0].anchors and "fig" in deferred.pages[1].anchors,
        "no longer lays out a box moved among its parent's children where it was moved",
    )
    boxes = _load("boxes")
    block = next(b for b, _ in boxes.in_flow(boxes.page_box(own.pages[0])) if b.element_tag == "p")
    line = next(b for b, _ in boxes.walk(block) if isinstance(b, boxes.LineBox))
    tops = (block.position_y, line.position_y)
    with _relied_on(piece, "no longer moves a laid-out box down the page (Box.translate)"):
        pageloop.shift(block, 5)
    _holds(
        piece,
        (block.position_y, line.position_y) == (tops[0] + 5, tops[1] + 5),
        "no longer moves a laid-out box and the lines inside it together (Box.translate)",
    )
