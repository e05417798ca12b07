"""A CommonMark article with GitHub's and pandoc's extensions, built into
both editions: every construct arrives as what it is, the EPUB passes
EPUBCheck and Ace, and the print PDF shows the code as typed."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree
from PIL import Image

import pipeline
from conftest import epubcheck, format_messages, make_project, pdf_text_by_page, source_date_epoch
from test_epub_accessibility import ace_report, violations

SLUG = "field-notes"

ARTICLE = """---
title: Field Notes
lang: en-GB
---

A paragraph with a note[^n] and an inline one.^[Said in passing.] The
formula $E = mc^2$ costs less than $5 or $10. H~2~O, 2^10^ and ~~gone~~.
See [the section][sec]<!-- ignore --> in the next part, and
www.example.org.

[^n]: The note, with `code`.

[sec]: #the-tasks

## The tasks {#the-tasks}

- [ ] print the leaflets
- [x] book the hall
  - nested two spaces deep

```rust,ignore
fn longest<'a, T>(x: &'a str, y: &'a str) -> &'a str {
    #[allow(unused)]
    let t: Option<T> = None;
    x
}
```

> [!WARNING]
> Mind the police lines.

::: {.aside}
A fenced div, kept as a block.
:::

| Year | Strikes |
|-----:|--------:|
| 2019 |      12 |
| 2020 |      31 |

Table: Strikes by year.

![A hand-drawn map of the district](map.png){#fig-map}

Term
: Its definition.

<Listing number="1-1" file-name="src/main.rs" caption="A first `main`">

```rust
fn main() {}
```

</Listing>

Last line with a break\\
after a backslash.
"""


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1800, 1200), (200, 220, 240)).save(buffer, "PNG", dpi=(300, 300))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(
        tmp_path_factory.mktemp("cm"),
        {
            f"source/{SLUG}/article.md": ARTICLE.replace(
                "title: Field Notes\n",
                "title: Field Notes\nhtml-elements:\n  Listing: {as: figure, caption: 'Listing {number}: {caption}'}\n",
            ),
            f"source/{SLUG}/map.png": _png(),
        },
    )
    out = project / "dist"
    with source_date_epoch():
        result = pipeline.build(project, [SLUG], formats=("epub", "pdf"), out_dir=out)
    return result, out


def _epub_text(epub) -> str:
    with zipfile.ZipFile(epub) as z:
        return "".join(z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("EPUB/text/"))


def _code_blocks(epub) -> list[str]:
    with zipfile.ZipFile(epub) as z:
        docs = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.startswith("EPUB/text/")]
    return ["".join(pre.itertext()) for doc in docs for pre in doc.iter("{http://www.w3.org/1999/xhtml}pre")]


def test_every_construct_reaches_the_epub_as_what_it_is(built):
    _, out = built
    epub = out / f"{SLUG}.epub"
    xhtml = _epub_text(epub)
    assert _code_blocks(epub) == [
        "fn longest<'a, T>(x: &'a str, y: &'a str) -> &'a str {\n    #[allow(unused)]\n"
        "    let t: Option<T> = None;\n    x\n}\n",
        "fn main() {}\n",
    ]
    assert "```" not in xhtml and "[ ]" not in xhtml and "[x]" not in xhtml
    assert re.search(r'<code class="[^"]*\blanguage-rust\b', xhtml)
    assert "in the next part" in xhtml
    assert "<sub>2</sub>" in xhtml and "<sup>10</sup>" in xhtml and "<s>gone</s>" in xhtml
    assert "costs less than $5 or $10." in xhtml
    assert "<math" in xhtml
    assert 'class="admonition warning"' in xhtml and ">Warning<" in xhtml
    assert re.search(r">Figure\s1\.<", xhtml) and re.search(r">Table\s1\.<", xhtml)
    assert "Listing 1-1: A first <code>main</code>" in xhtml
    assert "<dt>Term</dt>" in xhtml
    assert "with a break<br/>" in xhtml


def test_what_was_left_out_is_reported_once_at_its_line(built):
    result, _ = built
    said = [str(d) for d in result.diagnostics]
    assert (
        f"source/{SLUG}/article.md:10: warning: this HTML comment is left out of the editions "
        "(nothing to do if it was a note to yourself)" in said
    ), said
    assert not [s for s in said if "listing" in s.lower()], said


def test_the_epub_passes_epubcheck_with_no_message(built):
    _, out = built
    messages = epubcheck(out / f"{SLUG}.epub")
    assert messages == [], format_messages(messages)


def test_the_epub_passes_ace_with_no_violation(built, tmp_path):
    _, out = built
    report = ace_report(out / f"{SLUG}.epub", tmp_path / "ace")
    assert violations(report) == []


def test_the_pdf_prints_the_code_as_typed_and_no_fence(built):
    _, out = built
    text = "\n".join(pdf_text_by_page(out / f"{SLUG}.pdf"))
    assert "```" not in text
    assert "fn longest<'a, T>(x: &'a str, y: &'a str) -> &'a str {" in text
    assert "let t: Option<T> = None;" in text
    assert "\u2610" in text and "\u2611" in text
    assert "in the next part" in text
