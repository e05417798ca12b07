"""One check for every file a build reads (pipeline/confine.py).

Each kind of file a publication or the project brings (sheets, fonts,
Markdown, metadata, layout configuration, includes, images, cover, the
bag's extra files) is made a link to a file outside the project holding a
marker; the build refuses it with an error at the file or at the line that
names it, and no byte of the marker is in anything the build leaves behind.
A pipe, a folder or a loop of links under a source's name is refused too,
without waiting.
"""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest
from PIL import Image

import pipeline
from pipeline import BuildError, confine
from pipeline.errors import Diagnostics
from conftest import make_project, source_date_epoch

pytestmark = pytest.mark.fast

MARKER = "OUTSIDE-MARKER-5c1e"
ARTICLE = "---\ntitle: Confined\nlang: en\n{front}---\n\nSome text.\n\n{body}\n"


def _png(extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue() + extra


def _article(body: str = "", front: str = "") -> str:
    return ARTICLE.format(body=body, front=front)


def _outside(tmp_path: Path) -> Path:
    """Files outside the project, each holding the marker."""
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    marked = MARKER.encode()
    (outside / "secret.css").write_bytes(b"p { color: red; } /* " + marked + b" */\n")
    (outside / "secret.md").write_bytes(b"# Secret\n\n" + marked + b"\n")
    (outside / "secret.png").write_bytes(_png(marked))
    (outside / "dir" / "pic.png").write_bytes(_png(marked))
    (outside / "secret.ttf").write_bytes(marked * 10)
    (outside / "secret.yaml").write_bytes(b"title: " + marked + b"\nlang: en\n")
    (outside / "secret.toml").write_bytes(b'[book]\ntitle = "' + marked + b'"\n')
    (outside / "secret.txt").write_bytes(marked)
    return outside


BOOK = "title: Confined\nlang: en\ncontents: [one.md, two.md]\n"
TOML = '[book]\ntitle = "Confined"\nlanguage = "en"\n'
MDBOOK = {"book.toml": TOML, "src/SUMMARY.md": "# Summary\n\n- [One](one.md)\n", "src/one.md": "# One\n\nText.\n"}
MKDOCS = {"mkdocs.yml": "site_name: Confined\nnav:\n  - one.md\n  - two.md\n", "docs/one.md": "# One\n\nText.\n"}

# (id, files of the publication folder, links {name: file outside or absolute path},
#  (where the error is, its line or None), what its message says)
KINDS = [
    ("own-style.css", {"a.md": _article()}, {"style.css": "secret.css"}, ("source/p/style.css", None), "style.css"),
    ("own-epub.css", {"a.md": _article()}, {"epub.css": "secret.css"}, ("source/p/epub.css", None), "epub.css"),
    ("own-print.css", {"a.md": _article()}, {"print.css": "secret.css"}, ("source/p/print.css", None), "print.css"),
    (
        "project-sheet",
        {"a.md": _article()},
        {"../../styles/base.css": "secret.css"},
        ("styles/base.css", None),
        "base.css",
    ),
    (
        "project-font",
        {"a.md": _article()},
        {"../../styles/fonts/extra.ttf": "secret.ttf"},
        ("styles/fonts/extra.ttf", None),
        "extra.ttf",
    ),
    ("article", {}, {"a.md": "secret.md"}, ("source/p/a.md", None), "a.md"),
    (
        "metadata",
        {"one.md": "# One\n\nText.\n"},
        {"publication.yaml": "secret.yaml"},
        ("source/p/publication.yaml", None),
        "publication.yaml",
    ),
    (
        "chapter",
        {"publication.yaml": BOOK, "one.md": "# One\n\nText.\n"},
        {"two.md": "secret.md"},
        ("source/p/publication.yaml", 3),
        "two.md",
    ),
    (
        "collection-piece",
        {
            "publication.yaml": BOOK.replace("lang: en", "lang: en\ntype: collection"),
            "one.md": "---\ntitle: One\n---\n\nText.\n",
        },
        {"two.md": "secret.md"},
        ("source/p/publication.yaml", 4),
        "two.md",
    ),
    ("image", {"a.md": _article("![a picture](pic.png)")}, {"pic.png": "secret.png"}, ("source/p/a.md", 8), "pic.png"),
    (
        "image-folder",
        {"a.md": _article("![a picture](images/pic.png)")},
        {"images": "dir"},
        ("source/p/a.md", 8),
        "images",
    ),
    (
        "cover",
        {"a.md": _article(front="cover-image: cover.png\n")},
        {"cover.png": "secret.png"},
        ("source/p/a.md", 4),
        "cover.png",
    ),
    (
        "book.toml",
        {k: v for k, v in MDBOOK.items() if k != "book.toml"},
        {"book.toml": "secret.toml"},
        ("source/p/book.toml", None),
        "book.toml",
    ),
    (
        "SUMMARY.md",
        {k: v for k, v in MDBOOK.items() if k != "src/SUMMARY.md"},
        {"src/SUMMARY.md": "secret.md"},
        ("source/p/src/SUMMARY.md", None),
        "SUMMARY.md",
    ),
    (
        "include",
        {**MDBOOK, "src/one.md": "# One\n\n```text\n{{#include listing.txt}}\n```\n"},
        {"src/listing.txt": "secret.txt"},
        ("source/p/src/one.md", 4),
        "listing.txt",
    ),
    (
        "mkdocs.yml",
        {"docs/one.md": "# One\n\nText.\n"},
        {"mkdocs.yml": "secret.yaml"},
        ("source/p/mkdocs.yml", None),
        "mkdocs.yml",
    ),
    ("mkdocs-page", MKDOCS, {"docs/two.md": "secret.md"}, ("source/p/mkdocs.yml", 4), "two.md"),
    (
        "archive-extra",
        {"a.md": _article(front="archive:\n  extra: [notes.txt]\n")},
        {"notes.txt": "secret.txt"},
        ("source/p/a.md", 5),
        "notes.txt",
    ),
    ("device", {}, {"a.md": "/dev/zero"}, ("source/p/a.md", None), "/dev/zero"),
    ("loop", {"b.md": _article()}, {"a.md": "LOOP"}, ("source/p/a.md", None), "loop of links"),
]


def _make(tmp_path: Path, files: dict, links: dict) -> Path:
    outside = _outside(tmp_path)
    project = make_project(tmp_path / "project", {f"source/p/{k}": v for k, v in files.items()})
    folder = project / "source" / "p"
    for name, target in links.items():
        link = folder / name
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.exists():
            link.unlink()
        link.symlink_to(link if target == "LOOP" else outside / target)
    return project


def _no_marker_left(project: Path) -> None:
    """Nothing the build wrote (editions, bag, cache, staging) holds the marker,
    inside an archive or not."""
    for where in (project / "dist", project / ".cache"):
        for path in where.rglob("*") if where.is_dir() else []:
            if path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as z:
                    data += b"".join(z.read(n) for n in z.namelist())
            if path.suffix == ".tar":
                with tarfile.open(path) as tar:
                    data += b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
            assert MARKER.encode() not in data, path


@pytest.mark.parametrize("files,links,where,named", [k[1:] for k in KINDS], ids=[k[0] for k in KINDS])
def test_a_file_of_each_kind_leading_out_of_the_project_is_a_located_error(tmp_path, files, links, where, named):
    project = _make(tmp_path, files, links)
    with source_date_epoch(), pytest.raises(BuildError) as caught:
        pipeline.build(project, use_cache=True)
    errors = [d for d in caught.value.diagnostics if d.severity == "error"]
    path, line = where
    found = [d for d in errors if d.location and d.location.path == path and named in d.message]
    assert found, "\n".join(map(str, errors))
    if line is not None:
        assert found[0].location.line == line, found[0]
    assert all(d.location is not None for d in errors), errors
    assert all(d.hint for d in found), found
    assert caught.value.exit_code == 1
    _no_marker_left(project)


@pytest.mark.parametrize("kind", ["pipe", "folder"])
def test_a_pipe_or_a_folder_named_like_a_chapter_is_refused_without_waiting(tmp_path, kind):
    project = make_project(tmp_path, {"source/p/a.md": _article()})
    odd = project / "source" / "p" / "chapter.md"
    os.mkfifo(odd) if kind == "pipe" else odd.mkdir()
    with source_date_epoch(), pytest.raises(BuildError) as caught:
        pipeline.build(project, formats=("epub",))
    errors = [d for d in caught.value.diagnostics if d.severity == "error"]
    assert [d.location.path for d in errors] == ["source/p/chapter.md"], errors
    assert ("named pipe" if kind == "pipe" else "folder") in errors[0].message


def test_a_publication_folder_leading_out_of_the_project_is_named_and_not_read(tmp_path):
    outside = _outside(tmp_path)
    (outside / "pub").mkdir()
    (outside / "pub" / "a.md").write_text(_article(MARKER), encoding="utf-8")
    project = make_project(tmp_path / "project", {"source/good/a.md": _article()})
    (project / "source" / "evil").symlink_to(outside / "pub")
    with source_date_epoch():
        result = pipeline.build(project, formats=("epub",))
    assert [o.publication for o in result.outputs] == ["good"]
    warned = [d for d in result.diagnostics if d.location and d.location.path == "source/evil"]
    assert warned and str(outside / "pub") in warned[0].message
    _no_marker_left(project)


# --- the check itself ---------------------------------------------------------


def test_check_gives_the_real_path_of_a_plain_file_inside_even_through_a_link(tmp_path):
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    assert confine.check(tmp_path / "b.md", tmp_path) == (tmp_path / "a.md").resolve()
    assert confine.read_bytes(tmp_path / "b.md", tmp_path) == b"x"


@pytest.mark.parametrize(
    "case,reason",
    [
        ("missing", "does not exist"),
        ("dangling", "which does not exist"),
        ("dotdot", "is outside"),
        ("link-out", "leads outside"),
        ("folder-link-out", "leads outside"),
        ("loop", "loop of links"),
        ("folder", "is a folder"),
        ("pipe", "is a named pipe"),
        ("nul", "not a possible file name"),
    ],
)
def test_check_refuses_and_says_why(tmp_path, case, reason):
    inside = tmp_path / "inside"
    inside.mkdir()
    (tmp_path / "secret.txt").write_text(MARKER)
    path = inside / "x.md"
    if case == "dangling":
        path.symlink_to(inside / "gone.md")
    elif case == "dotdot":
        path = inside / ".." / "secret.txt"
    elif case == "link-out":
        path.symlink_to(tmp_path / "secret.txt")
    elif case == "folder-link-out":
        (inside / "sub").symlink_to(tmp_path)
        path = inside / "sub" / "secret.txt"
    elif case == "loop":
        path.symlink_to(path)
    elif case == "folder":
        path.mkdir()
    elif case == "pipe":
        os.mkfifo(path)
    elif case == "nul":
        path = inside / "x\0.md"
    refusal = confine.check(path, inside)
    assert isinstance(refusal, confine.Refusal) and reason in refusal.reason, refusal
    assert refusal.hint
    with pytest.raises(confine.Refused):
        confine.read_bytes(path, inside)
    diags = Diagnostics(root=tmp_path)
    assert confine.confined(path, diags, inside, what="image 'x'", at=inside / "a.md", line=3) is None
    assert diags.errors[0].message.startswith("image 'x' ") and diags.errors[0].location.line == 3


def test_a_file_that_cannot_be_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_text("x")
    real_open = os.open

    def denied(name, *args, **kwargs):
        if Path(name) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)  # the tests may run as root, whom chmod does not stop
    refusal = confine.check(path, tmp_path)
    assert isinstance(refusal, confine.Refusal) and "permission denied" in refusal.reason


def test_a_link_loop_is_named_at_its_own_place_in_messages(tmp_path):
    diags = Diagnostics(root=tmp_path)
    loop = tmp_path / "source" / "loop.md"
    loop.parent.mkdir()
    loop.symlink_to(loop)
    diags.error("x", loop, 1)
    assert diags.errors[0].location.path == "source/loop.md"


def test_a_source_folder_leading_out_of_the_project_is_an_error(tmp_path):
    outside = _outside(tmp_path)
    (outside / "pubs" / "a").mkdir(parents=True)
    (outside / "pubs" / "a" / "a.md").write_text(_article(MARKER), encoding="utf-8")
    project = make_project(tmp_path / "project", {})
    (project / "source").rmdir()
    (project / "source").symlink_to(outside / "pubs")
    with source_date_epoch(), pytest.raises(BuildError) as caught:
        pipeline.build(project, formats=("epub",))
    assert [(d.location.path, d.severity) for d in caught.value.diagnostics] == [("source", "error")]
    _no_marker_left(project)


def test_a_link_to_a_loop_of_links_or_to_an_impossible_name_is_only_broken(tmp_path):
    from pipeline.document import read_publication
    from pipeline.sources import load

    project = make_project(
        tmp_path,
        {
            "source/b/publication.yaml": "title: B\nlang: en\ncontents: [a.md]\n",
            "source/b/a.md": "# A\n\n[x](loop.md) and [y](a%00b.md)\n",
        },
    )
    (project / "source" / "b" / "loop.md").symlink_to(project / "source" / "b" / "loop.md")
    diags = Diagnostics(root=project)
    read_publication(load(project / "source" / "b", diags), project, diags)
    assert not diags.errors
    assert [(d.location.path, d.location.line) for d in diags.warnings] == [("source/b/a.md", 3)] * 2


def test_a_publication_folder_that_cannot_be_listed_is_a_located_error(tmp_path, monkeypatch):
    from pipeline.sources import load

    project = make_project(tmp_path, {"source/a/a.md": _article()})
    folder = project / "source" / "a"
    listing = Path.iterdir

    def denied(self):
        if self == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return listing(self)

    monkeypatch.setattr(Path, "iterdir", denied)  # the tests may run as root, whom chmod does not stop
    diags = Diagnostics(root=project)
    assert load(folder, diags) is None
    assert [(d.location.path, d.message) for d in diags.errors] == [
        ("source/a", "the folder cannot be read: Permission denied")
    ]


def test_an_editors_lock_file_beside_an_article_is_not_taken_for_a_chapter(tmp_path):
    from pipeline.sources import load

    project = make_project(tmp_path, {"source/a/a.md": _article()})
    (project / "source" / "a" / ".#a.md").symlink_to("someone@host.1234:1700000000")  # as Emacs makes it
    diags = Diagnostics(root=project)
    loaded = load(project / "source" / "a", diags)
    assert not diags.errors and [f.path.name for f in loaded.files] == ["a.md"]
