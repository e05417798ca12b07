"""Arbitrary Markdown, raw HTML included, through the whole pipeline.

Whatever the source, the build either succeeds with a well-formed EPUB and
a PDF, or fails with located errors; never a crash, never an invalid EPUB.
Examples are derandomised so that CI runs the same ones every time.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

import pipeline
from pipeline import BuildError
from conftest import epubcheck, format_messages, make_project, source_date_epoch

TAGS = [
    "p",
    "div",
    "span",
    "em",
    "b",
    "a",
    "img",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "blockquote",
    "pre",
    "code",
    "h2",
    "h7",
    "script",
    "iframe",
    "form",
    "style",
    "svg",
    "math",
    "custom-tag",
    "br",
    "hr",
    "section",
    "aside",
    "sup",
    "figure",
    "figcaption",
    "details",
    "video",
    "ruby",
    "rt",
]
ATTRS = [
    "id",
    "class",
    "href",
    "src",
    "alt",
    "onclick",
    "style",
    "lang",
    "epub:type",
    "role",
    "title",
    "xmlns",
    "data-x",
    "1bad",
    "rel",
]
VALUES = st.sampled_from(
    [
        "x",
        "#top",
        "#nowhere",
        "http://example.com/a",
        "javascript:alert(1)",
        "",
        "fr",
        "a b",
        "file:///etc/passwd",
        '<>&"',
        "url(x)",
        "attachment",
        "1",
    ]
)

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)


@st.composite
def raw_html(draw) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(st.lists(st.tuples(st.sampled_from(ATTRS), VALUES), max_size=3))
    attr_text = "".join(f' {name}="{value}"' for name, value in attrs)
    inner = draw(words)
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</{draw(st.sampled_from(TAGS))}>"]))
    return f"<{tag}{attr_text}>{inner}{closing}"


@st.composite
def blocks(draw) -> str:
    kind = draw(st.sampled_from(["para", "heading", "list", "quote", "html", "code", "note", "table", "link"]))
    text = draw(words)
    if kind == "heading":
        return "#" * draw(st.integers(1, 7)) + " " + text
    if kind == "list":
        return "\n".join(f"{'  ' * draw(st.integers(0, 3))}- {draw(words)}" for _ in range(draw(st.integers(1, 4))))
    if kind == "quote":
        return ">" * draw(st.integers(1, 5)) + " " + text
    if kind == "html":
        return "\n".join(draw(st.lists(raw_html(), min_size=1, max_size=3)))
    if kind == "code":
        return f"```{draw(st.sampled_from(['', 'python', 'nosuchlang']))}\n{text}\n```"
    if kind == "note":
        return f"{text}[^n{draw(st.integers(1, 3))}]\n\n[^n{draw(st.integers(1, 3))}]: {draw(words)}"
    if kind == "table":
        return f"| a | b |\n|---|---|\n| {text} | {draw(words)} |"
    if kind == "link":
        return f"[{text}]({draw(VALUES)})"
    return text + " " + draw(raw_html()) if draw(st.booleans()) else text


documents = st.lists(blocks(), min_size=1, max_size=8).map(lambda bs: "\n\n".join(bs))


def _build(body: str):
    folder = Path(tempfile.mkdtemp(prefix="prop-"))
    project = make_project(folder, {"source/p/a.md": f"---\ntitle: Property\nlang: en\n---\n\n{body}\n"})
    with source_date_epoch():
        try:
            pipeline.build(project, formats=("epub", "pdf"))
        except BuildError as exc:
            errors = [d for d in exc.diagnostics if d.severity == "error"]
            assert errors, "a failed build names at least one error"
            for d in errors:
                assert d.location is not None and d.location.path.startswith("source/p/"), str(d)
            return None
    return project / "dist" / "p.epub", project / "dist" / "p.pdf"


SETTINGS = dict(
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(max_examples=40, **SETTINGS)
@given(documents)
def test_any_markdown_builds_well_formed_editions_or_fails_with_located_errors(body):
    built = _build(body)
    if built is None:
        return
    epub, pdf = built
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                etree.fromstring(z.read(name))  # raises if not well-formed
    assert pdf.read_bytes().startswith(b"%PDF-")


@settings(max_examples=6, **SETTINGS)
@given(documents)
def test_any_markdown_that_builds_gives_an_epub_epubcheck_accepts(body):
    built = _build(body)
    if built is None:
        return
    messages = [m for m in epubcheck(built[0]) if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert messages == [], format_messages(messages)
