"""Nothing outside the project gets into an edition, and nothing is fetched.

Each route a source could use to read a file or an address is tried with a
secret file outside the project, /etc/passwd and an http:// address: the
build either refuses with a located error, or removes the reference with a
warning; in no case does the secret reach the EPUB or the PDF, and no
connection is attempted.
"""

from __future__ import annotations

import io
import socket
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

import pipeline
from pipeline import BuildError
from conftest import make_project, source_date_epoch

TOKEN = "SECRET-TOKEN-7f3a9"


def _png(text: str = "") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue() + text.encode()


def _article(body: str, front: str = "") -> str:
    return f"---\ntitle: Confined\nlang: en\n{front}---\n\nSome text.\n\n{body}\n"


# (id, files in the publication folder, True when the build must fail)
ROUTES = [
    ("image-absolute", {"a.md": _article("![a secret](/etc/passwd)")}, True),
    ("image-dotdot", {"a.md": _article("![a secret](../../../secret.png)")}, True),
    ("image-http", {"a.md": _article("![remote](http://example.com/a.png)")}, True),
    # A link that cannot be followed is set as its text, with a warning.
    ("link-file-url", {"a.md": _article("[passwd](file:///etc/passwd)")}, False),
    ("link-dotdot", {"a.md": _article("[secret](../../../secret.txt)")}, False),
    ("raw-img", {"a.md": _article('<img src="file:///etc/passwd" alt="x">')}, True),
    ("raw-attachment", {"a.md": _article('<a rel="attachment" href="file:///etc/passwd">x</a>')}, False),
    ("raw-attachment-http", {"a.md": _article('<p><a rel="attachment" href="http://example.com/x">x</a></p>')}, False),
    ("style-attribute", {"a.md": _article('<p style="background: url(file:///etc/passwd)">x</p>')}, False),
    (
        "raw-iframe",
        {
            "a.md": _article(
                '<iframe src="file:///etc/passwd"></iframe>\n\n<object data="http://example.com/x"></object>'
            )
        },
        False,
    ),
    (
        "svg-image",
        {
            "a.md": _article(
                '<svg width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/></svg>'
            )
        },
        False,
    ),
    (
        "own-stylesheet",
        {
            "a.md": _article("Styled."),
            "style.css": "@import url(file:///etc/passwd);\nbody { background: url(http://example.com/x.png); }\n"
            "p { background-image: url(../../../secret.png); }\n",
        },
        False,
    ),
    ("cover-image", {"a.md": _article("Text.", "cover-image: ../../../secret.png\n")}, True),
    ("manifest-contents", {"publication.yaml": "title: Confined\ncontents:\n  - ../../../secret.md\n"}, True),
    ("symlinked-source", {"a.md": "LINK:secret.md"}, True),
    ("symlinked-image", {"a.md": _article("![linked](pic.png)"), "pic.png": "LINK:secret.png"}, True),
]


def _every_byte_of(epub: Path, pdf: Path) -> bytes:
    data = b""
    with zipfile.ZipFile(epub) as z:
        data += b"".join(z.read(n) for n in z.namelist())
    reader = PdfReader(str(pdf))
    data += "".join(page.extract_text() or "" for page in reader.pages).encode()
    for number in range(1, len(reader.xref_objStm) + 1000):
        try:
            obj = reader.get_object(IndirectObject(number, 0, reader))
        except Exception:  # noqa: BLE001 - past the last object
            continue
        if isinstance(obj, StreamObject):
            data += obj.get_data()
    assert not reader.attachments, f"the PDF has attachments: {list(reader.attachments)}"
    return data


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("the test forbids network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.parametrize("files,must_fail", [(f, m) for _, f, m in ROUTES], ids=[r[0] for r in ROUTES])
def test_nothing_outside_the_project_reaches_an_edition(files, must_fail, tmp_path, no_network):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(TOKEN)
    (outside / "secret.md").write_text(f"# Secret\n\n{TOKEN}\n")
    (outside / "secret.png").write_bytes(_png(TOKEN))
    project = make_project(tmp_path / "deep" / "er" / "project", {})
    folder = project / "source" / "confined"
    folder.mkdir(parents=True)
    for name, content in files.items():
        if content.startswith("LINK:"):
            (folder / name).symlink_to(outside / content.removeprefix("LINK:"))
        else:
            (folder / name).write_text(content, encoding="utf-8")
    # The secrets sit exactly where the sources' ../../../ point.
    for name in ("secret.txt", "secret.md", "secret.png"):
        (project / ".." / name).resolve().write_bytes((outside / name).read_bytes())

    with source_date_epoch():
        if must_fail:
            with pytest.raises(BuildError) as caught:
                pipeline.build(project)
            errors = [d for d in caught.value.diagnostics if d.severity == "error"]
            assert errors and all(d.location is not None for d in errors), errors
            assert not (project / "dist" / "confined.epub").exists()
            return
        result = pipeline.build(project)
    assert any(d.severity == "warning" for d in result.diagnostics), "the removal is reported"
    everything = _every_byte_of(project / "dist" / "confined.epub", project / "dist" / "confined.pdf")
    assert TOKEN.encode() not in everything
    assert b"root:x:0:0" not in everything
    if "<a " not in files.get("a.md", ""):  # an external link may stay a link; nothing else may
        assert b"example.com" not in everything
    assert no_network == []


def test_strict_refuses_what_it_would_otherwise_remove(tmp_path):
    project = make_project(tmp_path, {"source/s/a.md": _article('<script>alert(1)</script>\n\n<p onclick="x()">x</p>')})
    with source_date_epoch(), pytest.raises(BuildError) as caught:
        pipeline.build(project, strict=True)
    messages = [d.message for d in caught.value.diagnostics if d.severity == "error"]
    assert any("<script>" in m for m in messages) and any("onclick" in m for m in messages)


def test_the_renderers_fetcher_reads_only_data_and_files_inside_the_project(tmp_path):
    from pipeline.pdf.fetcher import ProjectFetcher

    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)
    inside = project / "styles" / "ok.css"
    inside.write_text("p {}")
    (tmp_path / "secret.txt").write_text(TOKEN)
    (project / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetcher = ProjectFetcher(project)
    assert fetcher.fetch(inside.as_uri()) is not None
    assert fetcher.fetch("data:text/plain,hello") is not None
    for url in (
        "file:///etc/passwd",
        (tmp_path / "secret.txt").as_uri(),
        (project / "link.txt").as_uri(),
        (project / "styles" / ".." / ".." / "secret.txt").as_uri(),
        "http://example.com/x",
        "https://example.com/x",
        "ftp://example.com/x",
        "file://otherhost/etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8
