"""Hostile inputs: one small publication each, built together as a catalogue
by tests/test_hostile.py.

Each case is what a careless or malicious author could hand Pressroom. The
test asks the same of every one: a located message or a clean build, never a
traceback; nothing read from outside the project; nothing unsafe or remote in
an edition; and, when it is built, editions that pass their validators.

A case's files are relative to its publication folder. ``Link(target)`` makes
a symbolic link; a target starting with ``OUTSIDE/`` points into a folder
beside the project whose files all carry MARKER.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field

MARKER = "PRESSROOM-OUTSIDE-7F3A"


@dataclass(frozen=True)
class Link:
    target: str


@dataclass
class Case:
    files: dict
    # "fail": the publication must be refused; "build": it must be built;
    # "any": either, as long as the general promises hold.
    expect: str = "any"
    says: str | None = None  # a pattern its diagnostics must contain
    notes: str = field(default="")


def png(width: int = 4, height: int = 4, extra: bytes = b"") -> bytes:
    """A valid RGB PNG, built by hand so that its header can claim any size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # Rows of black pixels, compressed: a huge image stays a few kilobytes.
    raw = zlib.compressobj(9)
    body = b""
    row = b"\0" + b"\0" * (3 * width)
    for _ in range(height):
        body += raw.compress(row)
    body += raw.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def big_png(side: int) -> bytes:
    """A PNG that claims side x side pixels; its data is a valid stream of
    one row repeated, so a decoder must allocate the whole image."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # greyscale
    comp = zlib.compressobj(9)
    row = b"\0" * (side + 1)
    body = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


def article(body: str, meta: str = "title: Hostile\nlang: en") -> str:
    return f"---\n{meta}\n---\n\n# A heading\n\n{body}\n"


OUTSIDE_FILES = {
    "secret.txt": f"{MARKER}\n",
    "secret.md": f"# Secret\n\n{MARKER}\n",
    "secret.css": f"body {{ color: red; }} /* {MARKER} */\n",
    "secret.svg": f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>{MARKER}</title></svg>',
    "secret.yaml": f"title: {MARKER}\n",
    "dir/chapter.md": f"# Outside\n\n{MARKER}\n",
}


def outside_png() -> bytes:
    text = b"Comment\0" + MARKER.encode()
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text))
    return png(extra=chunk)


XSS_MARKDOWN = """\
[a link](javascript:alert(1)) and [another](JaVaScRiPt:alert(2)) and
[encoded](java&#x09;script:alert(3)) and [data](data:text/html;base64,PHNjcmlwdD4=)
and <a href="vbscript:msgbox(1)">vb</a> and <a href=" javascript:alert(4)">spaced</a>.

<script>alert(5)</script>

<img src="x" onerror="alert(6)" alt="x"> <iframe src="http://tracker.invalid/"></iframe>

<object data="http://tracker.invalid/x.swf"></object><embed src="http://tracker.invalid/e">

<form action="http://tracker.invalid/"><input name="q"></form>

<base href="http://tracker.invalid/"> <meta http-equiv="refresh" content="0;url=http://tracker.invalid/">

<link rel="stylesheet" href="http://tracker.invalid/s.css">

<p style="background:url(http://tracker.invalid/p.png)" onclick="alert(7)">styled</p>

<div style="background-image: \\75 rl(http://tracker.invalid/esc.png)">escaped</div>

<style>@import "http://tracker.invalid/i.css"; p { background: url(http://tracker.invalid/s.png) }</style>

<video poster="http://tracker.invalid/v.png" src="http://tracker.invalid/v.mp4"></video>

<img srcset="http://tracker.invalid/a.png 2x" src="pic.png" alt="pic">

<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(8)">
<script>alert(9)</script>
<a href="javascript:alert(10)"><rect width="5" height="5"/></a>
<animate attributeName="href" values="javascript:alert(11)"/>
<set attributeName="href" to="javascript:alert(12)"/>
<image href="http://tracker.invalid/i.png" width="1" height="1"/>
<foreignObject><iframe src="http://tracker.invalid/f"></iframe></foreignObject>
</svg>

The text around it all stays.
"""

HOSTILE_SVG = """<?xml version="1.0"?>
<?xml-stylesheet href="http://tracker.invalid/s.css"?>
<!DOCTYPE svg [<!ENTITY x "xx"><!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="100" height="100" onload="alert(1)">
  <style>@import url(http://tracker.invalid/i.css); rect { fill: url(http://tracker.invalid/f#g) }</style>
  <script>alert(2)</script>
  <script xlink:href="http://tracker.invalid/x.js"/>
  <a xlink:href="javascript:alert(3)"><rect width="10" height="10" onclick="alert(4)"/></a>
  <image xlink:href="http://tracker.invalid/remote.png" width="5" height="5"/>
  <image href="file:///etc/hostname" width="5" height="5"/>
  <use href="http://tracker.invalid/u.svg#a"/>
  <animate attributeName="href" values="javascript:alert(5)"/>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><script>alert(6)</script></div></foreignObject>
  <text x="1" y="20">&y; kept text</text>
</svg>
"""

LAUGHS_SVG = """<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&g;</text></svg>
"""

XXE_SVG = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY leak SYSTEM "OUTSIDE_PATH">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xi="http://www.w3.org/2001/XInclude" width="10" height="10">
  <text>&leak;</text>
  <xi:include href="OUTSIDE_PATH" parse="text"/>
</svg>
"""


def cases() -> dict[str, Case]:
    c: dict[str, Case] = {}

    # --- reading outside the project --------------------------------------
    c["link-stylesheet"] = Case(
        {"article.md": article("Text."), "style.css": Link("OUTSIDE/secret.css")}, expect="fail"
    )
    c["link-epub-stylesheet"] = Case(
        {"article.md": article("Text."), "epub.css": Link("OUTSIDE/secret.css")}, expect="fail"
    )
    c["link-markdown"] = Case({"article.md": Link("OUTSIDE/secret.md")}, expect="fail")
    c["link-chapter-folder"] = Case(
        {"publication.yaml": "title: Book\nlang: en\n", "01.md": "# One\n\nText.\n", "more": Link("OUTSIDE/dir")}
    )
    c["link-image"] = Case(
        {"article.md": article("![pic](pic.png)"), "pic.png": Link("OUTSIDE/secret.png")}, expect="fail"
    )
    c["link-image-folder"] = Case(
        {"article.md": article("![pic](images/secret.png)"), "images": Link("OUTSIDE")}, expect="fail"
    )
    c["link-cover"] = Case(
        {
            "article.md": article("Text.", "title: Cover\nlang: en\ncover-image: cover.png"),
            "cover.png": Link("OUTSIDE/secret.png"),
        },
        expect="fail",
    )
    c["contents-outside"] = Case(
        {
            "publication.yaml": "title: Contents\nlang: en\ncontents:\n  - one.md\n"
            "  - ../../../outside/dir/chapter.md\n  - /etc/hostname\n",
            "one.md": "# One\n\nText.\n",
        },
        expect="fail",
    )
    c["link-metadata"] = Case(
        {"article.md": article("Text."), "publication.yaml": Link("OUTSIDE/secret.yaml")}, expect="fail"
    )
    c["link-svg"] = Case(
        {"article.md": article("![pic](pic.svg)"), "pic.svg": Link("OUTSIDE/secret.svg")}, expect="fail"
    )
    c["image-traversal"] = Case(
        {
            "article.md": article(
                "![a](../../../outside/secret.png) ![b](%2e%2e/%2e%2e/%2e%2e/outside/secret.png) "
                "![c](file:///etc/hostname) ![d](/etc/hostname) ![e](..\\..\\..\\outside\\secret.png)"
            )
        }
    )
    c["raw-image-traversal"] = Case(
        {
            "article.md": article(
                '<img src="../../../outside/secret.png" alt="a"> <img src="file:///etc/hostname" alt="b">'
            )
        }
    )
    c["css-local-escape"] = Case(
        {
            "article.md": article("Text."),
            "style.css": "@import '../../../outside/secret.css';\n"
            "body { background: url(../../../outside/secret.png) }\n"
            "@font-face { font-family: X; src: url(/etc/hostname) }\n",
        }
    )
    c["svg-xxe"] = Case({"article.md": article("![pic](pic.svg)"), "pic.svg": XXE_SVG})
    c["inline-svg-xxe"] = Case(
        {
            "article.md": article(
                '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xi="http://www.w3.org/2001/XInclude">'
                '<xi:include href="OUTSIDE_PATH" parse="text"/></svg>'
            )
        }
    )
    c["mdbook-include-outside"] = Case(
        {
            "book.toml": '[book]\ntitle = "Includes"\nlanguage = "en"\n',
            "src/SUMMARY.md": "# Summary\n\n- [One](one.md)\n",
            "src/one.md": "# One\n\n{{#include ../../../outside/secret.txt}}\n\n{{#include /etc/hostname}}\n\n"
            "{{#rustdoc_include ../../../outside/secret.txt}}\n",
        },
        expect="fail",
    )
    c["mkdocs-docs-dir-outside"] = Case(
        {"mkdocs.yml": "site_name: Docs\ndocs_dir: ../../../outside/dir\n"}, expect="fail"
    )
    c["mkdocs-nav-outside"] = Case(
        {
            "mkdocs.yml": "site_name: Docs\nnav:\n  - One: ../../../outside/dir/chapter.md\n",
            "docs/index.md": "# Home\n\nText.\n",
        },
        expect="fail",
    )

    # --- unsafe content ---------------------------------------------------
    c["xss-commonmark"] = Case({"article.md": article(XSS_MARKDOWN), "pic.png": png()})
    c["xss-python-markdown"] = Case(
        {
            "article.md": article(
                XSS_MARKDOWN + '\n# Head {: onclick="alert(1)" }\n', "title: PM\nlang: en\nmarkdown: python-markdown"
            ),
            "pic.png": png(),
        }
    )
    c["xss-attributes"] = Case(
        {
            "article.md": article(
                '[x](https://example.org){onclick="alert(1)" style="background:url(http://tracker.invalid/a)"}\n\n'
                '## Heading {#h onmouseover="alert(2)"}\n\n'
                '::: {.note onclick="alert(3)" href="javascript:alert(4)"}\nText in a div.\n:::\n\n'
                "[span]{style=\"background:image-set('http://tracker.invalid/x.png' 1x)\"}\n"
            )
        }
    )
    c["hostile-math"] = Case(
        {
            "article.md": article(
                r"$\href{javascript:alert(1)}{x}$ and $\text{<script>alert(2)</script>}$ and "
                r"$\style{background:url(http://tracker.invalid/m.png)}{y}$ and $\href{http://tracker.invalid}{z}$ and "
                r"$\class{x onclick=alert(3)}{w}$ and $\unicode{x1F600}$."
                "\n\n"
                "$$\n\\href{data:text/html,<script>alert(5)</script>}{v}\n$$\n"
            )
        }
    )
    c["raw-mathml"] = Case(
        {
            "article.md": article(
                '<math><mi href="javascript:alert(1)">x</mi><mo>+</mo><mn>1</mn>'
                "<mtext><script>alert(2)</script>text</mtext>"
                '<semantics><mi>y</mi><annotation-xml encoding="text/html"><iframe src="http://tracker.invalid"></iframe>'
                '</annotation-xml></semantics><maction actiontype="statusline"><mi>z</mi><mtext>s</mtext></maction></math>'
                "\n\nAfter the formula."
            )
        }
    )
    c["hostile-svg-file"] = Case({"article.md": article("![drawing](pic.svg)"), "pic.svg": HOSTILE_SVG})
    c["svg-laughs"] = Case({"article.md": article("![drawing](pic.svg)"), "pic.svg": LAUGHS_SVG})
    c["css-bypasses"] = Case(
        {
            "article.md": article("Text."),
            "style.css": "p { background: \\75 rl(http://tracker.invalid/a.png) }\n"
            "p { background: u\\rl(http://tracker.invalid/b.png) }\n"
            'h1 { background-image: image-set("http://tracker.invalid/c.png" 1x) }\n'
            "@font-face { font-family: Evil; src: url(http://tracker.invalid/f.woff2) }\n"
            "@\\69mport 'http://tracker.invalid/d.css';\n"
            "div { behavior: url(http://tracker.invalid/x.htc); width: expression(alert(1)) }\n"
            "@import url(http://tracker.invalid/e.css)",
        }
    )

    # --- broken and odd files --------------------------------------------
    c["empty-file"] = Case({"article.md": ""})
    c["whitespace-file"] = Case({"article.md": "\n \n\t\n"})
    c["no-heading"] = Case({"article.md": "---\ntitle: No heading\nlang: en\n---\n\nJust a paragraph.\n"})
    c["only-front-matter"] = Case({"article.md": "---\ntitle: Nothing\nlang: en\n---\n"})
    c["unclosed-front-matter"] = Case({"article.md": "---\ntitle: Open\n\n# Heading\n\nText.\n"})
    c["yaml-python-tag"] = Case(
        {"article.md": article("Text.", "title: !!python/object/apply:os.system ['true']")}, expect="fail"
    )
    c["yaml-non-string-keys"] = Case(
        {
            "publication.yaml": "1: one\n? [a, b]\n: c\nnull: x\ntrue: y\ntitle: Keys\n",
            "article.md": "# Keys\n\nText.\n",
        }
    )
    c["yaml-duplicate-keys"] = Case(
        {"article.md": article("Text.", "title: First\ntitle: Second\nlang: en")}, says="title"
    )
    c["yaml-deep"] = Case(
        {"publication.yaml": "title: " + "[" * 5000 + "]" * 5000 + "\n", "article.md": "# Deep\n\nText.\n"},
        expect="fail",
    )
    c["yaml-laughs"] = Case(
        {
            "publication.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\ntitle: *g\n",
            "article.md": "# Laughs\n\nText.\n",
        },
        expect="fail",
    )
    c["yaml-wrong-types"] = Case(
        {
            "publication.yaml": "title: {a: b}\nauthor: 42\ndate: 2026-02-30\nlang: [en]\n"
            "identifier: []\nsubject: {x: 1}\ndescription: 3.5\n",
            "article.md": "# Types\n\nText.\n",
        },
        expect="fail",
    )
    c["bad-isbn"] = Case(
        {
            "article.md": article(
                "Text.", "title: ISBN\nlang: en\nidentifier:\n  scheme: ISBN-13\n  text: 978-0-306-40615-8"
            )
        },
        expect="fail",
    )
    c["bad-lang"] = Case({"article.md": article("Text.", "title: Lang\nlang: not a language!")})
    c["latin1"] = Case(
        {"article.md": "---\ntitle: Caf\xe9\nlang: fr\n---\n\n# Caf\xe9\n\nD\xe9j\xe0 vu.\n".encode("latin-1")}
    )
    c["utf16"] = Case({"article.md": "\ufeff---\ntitle: Wide\nlang: en\n---\n\n# Wide\n\nText.\n".encode("utf-16")})
    c["bom"] = Case({"article.md": "\ufeff---\ntitle: BOM\nlang: en\n---\n\n# BOM\n\nText.\n"})
    c["control-characters"] = Case(
        {
            "article.md": article(
                "Form\x0cfeed, bell\x07, escape\x1b[31m, null\x00, nonchars \ufffe\uffff, C1 \x85\x9b, "
                "bidi \u202eevil\u202c, words kept."
            )
        }
    )
    c["binary-markdown"] = Case({"article.md": bytes(range(256)) * 8})
    c["image-not-an-image"] = Case({"article.md": article("![pic](pic.png)"), "pic.png": b"not a png at all"})
    c["image-truncated"] = Case({"article.md": article("![pic](pic.png)"), "pic.png": png()[:40]})
    c["image-png-named-jpg"] = Case({"article.md": article("![pic](pic.jpg)"), "pic.jpg": png()})
    c["image-jpeg-named-png"] = Case({"article.md": article("![pic](pic.png)"), "pic.png": jpeg()})
    c["image-huge"] = Case({"article.md": article("![pic](pic.png)"), "pic.png": big_png(30000)}, expect="fail")
    c["image-empty"] = Case({"article.md": article("![pic](pic.png)"), "pic.png": b""})
    c["image-missing"] = Case({"article.md": article("![pic](nowhere.png) ![](also-nowhere.gif)")}, expect="fail")
    c["cover-not-image"] = Case(
        {
            "article.md": article("Text.", "title: Cover\nlang: en\ncover-image: cover.png"),
            "cover.png": b"GIF89a but not really",
        }
    )
    c["odd-file-names"] = Case(
        {
            "publication.yaml": "title: Names\nlang: en\n",
            "01 chapter with spaces.md": "# Spaces\n\nText.\n",
            "02-#%?.md": "# Symbols\n\nText.\n",
            "03-\u00e9t\u00e9.md": "# \u00c9t\u00e9\n\nText.\n",
            "-04.md": "# Dash\n\nText.\n",
        }
    )
    c["chapter-is-folder"] = Case(
        {"publication.yaml": "title: Folder\nlang: en\n", "01.md/readme": "x", "02.md": "# Two\n\nText.\n"}
    )
    c["link-loop"] = Case(
        {"publication.yaml": "title: Loop\nlang: en\n", "01.md": "# One\n\nText.\n", "02.md": Link("02.md")}
    )
    c["link-dangling"] = Case(
        {"publication.yaml": "title: Dangling\nlang: en\n", "01.md": "# One\n\nText.\n", "02.md": Link("nowhere.md")}
    )

    # --- sizes and shapes -------------------------------------------------
    c["nested-lists"] = Case({"article.md": article("".join("  " * i + "- item\n" for i in range(400)))})
    c["nested-emphasis"] = Case({"article.md": article("*" * 3000 + "text" + "*" * 3000)})
    c["nested-quotes"] = Case({"article.md": article(">" * 3000 + " deep")})
    c["nested-brackets"] = Case({"article.md": article("[" * 20000 + "x" + "](y)" * 20000)})
    c["nested-divs"] = Case({"article.md": article("<div>" * 3000 + "deep" + "</div>" * 3000)})
    c["wide-table"] = Case(
        {
            "article.md": article(
                "| "
                + " | ".join(f"Column{i}" for i in range(12))
                + " |\n|"
                + "---|" * 12
                + "\n| "
                + " | ".join(f"value{i}" for i in range(12))
                + " |"
            )
        }
    )
    c["long-heading"] = Case(
        {
            "article.md": "---\ntitle: Long\nlang: en\n---\n\n# "
            + " ".join(f"word{i}" for i in range(1500))
            + "\n\nText.\n"
        }
    )
    c["long-word"] = Case({"article.md": article("x" * 20000 + " and https://example.org/" + "a" * 3000)})
    c["many-notes"] = Case({"article.md": article(" ".join("Text[^n]." for _ in range(2000)) + "\n\n[^n]: The note.")})
    c["huge-title"] = Case({"article.md": article("Text.", "title: " + "T" * 30000 + "\nlang: en")})
    return c
