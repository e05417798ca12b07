"""A large book in another tool's dialect, as a new user would bring it.

A hundred files with code listings, tables, images and the raw HTML and
template syntax of other tools (MDX components, Hugo shortcodes, Jinja and
Liquid tags, GitBook hints): it must build into a valid EPUB and a complete
PDF, with warnings, not crashes, for what Pressroom cannot use.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

import pipeline
from conftest import epubcheck, format_messages, make_project, source_date_epoch

CHAPTERS = 100


def _png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), (seed * 37 % 256, seed * 91 % 256, 120)).save(out, "PNG")
    return out.getvalue()


def chapter(n: int) -> str:
    other = f"chapter-{(n % CHAPTERS) + 1:03d}.md"
    return f"""# Chapter {n}: On the question {n}

Some prose with *emphasis*, a [link to the next chapter]({other}) and a note.[^a]

<Callout type="warning">An MDX component the reader will not know.</Callout>

{{{{< figure src="/img/shot{n}.png" caption="A Hugo shortcode" >}}}}

{{% include "partials/box.html" %}}

![Screenshot {n}](img/shot{n}.png)

| Option | Default | Meaning |
|--------|---------|---------|
| `width` | 80 | columns of text in the listing, wrapped when longer than the page is wide |
| `lang` | en | the language |

```python
def chapter_{n}(values: list[int]) -> int:
    return sum(value * {n} for value in values if value % 2 == 0)  # a listing line long enough to wrap
```

<details><summary>More</summary><p>Hidden detail {n}.</p></details>

<div class="hint" style="color: red">A GitBook-style hint<br>over two lines</div>

<table><tr><td>raw table cell</td><td>another</td></table>

<font color="red">Old HTML</font> and <center>centred text</center>.

## Section {n}.1

Text.[^b]

[^a]: The first note of chapter {n}.
[^b]: The second note of chapter {n}.
"""


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    files = {}
    for n in range(1, CHAPTERS + 1):
        files[f"source/large/chapter-{n:03d}.md"] = chapter(n)
        files[f"source/large/img/shot{n}.png"] = _png(n)
    files["source/large/publication.yaml"] = "title: A Large Imported Book\nlang: en\n"
    project = make_project(tmp_path_factory.mktemp("large"), files)
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub", "pdf"))
    return project, result


def test_it_builds_with_warnings_for_what_it_cannot_use(large):
    _, result = large
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    assert any("<callout>" in d.message.lower() for d in warnings)
    assert any("<font>" in d.message or "<center>" in d.message for d in warnings)
    assert all(d.location and d.location.line for d in warnings if "not an HTML element" in d.message)


def test_the_epub_has_no_epubcheck_error_or_warning(large):
    project, _ = large
    messages = epubcheck(project / "dist" / "large.epub")
    assert messages == [], "EPUBCheck (with --usage) reported:\n" + format_messages(messages)


def test_the_pdf_is_complete(large):
    project, _ = large
    reader = PdfReader(str(project / "dist" / "large.pdf"))
    assert len(reader.outline) >= CHAPTERS
    text = "".join(page.extract_text() or "" for page in reader.pages[-6:])
    text = text.replace("\u00a0", " ")  # the clean-up holds "Chapter" to its number
    assert f"Chapter {CHAPTERS}" in text or "Section 100.1" in text
