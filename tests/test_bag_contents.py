"""What the bag holds of a publication: the files it is made from and the
extra files it lists (archive: {extra: [...]}), not its notes and drafts;
and ``pressroom verify`` names a file added at the top of a bag.

Publications are read, not typeset: the payload is decided by reading.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from pipeline.archive import bag, tarball, used
from pipeline.cli import main
from pipeline.document import read_publication
from pipeline.errors import Diagnostics, Exit
from pipeline.sources import load
from conftest import make_project


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def _read(project: Path, slug: str):
    diags = Diagnostics(root=project)
    loaded = load(project / "source" / slug, diags)
    pub = read_publication(loaded, project, diags) if loaded is not None else None
    return pub, diags


BOOK = """\
title: A Book
lang: en
cover-image: images/cover.png
contents: [one.md, two.md]
archive:
  extra: [notes/README.txt, "data/*.csv", sheets]
"""

FOLDER = {
    "publication.yaml": BOOK,
    "one.md": "# One\n\n![a map](images/map.png)\n\n![shared](../../shared/logo.png)\n",
    "two.md": "# Two\n\nText.\n",
    "draft.md": "# A draft\n\nNot in the book yet.\n",
    "style.css": "p { color: black; }\n",
    "images/map.png": _png(),
    "images/cover.png": _png(),
    "images/unused.png": _png(),
    "notes/README.txt": "How the book was made.\n",
    "notes/private.txt": "Not for the archive.\n",
    "data/a.csv": "1,2\n",
    "data/b.csv": "3,4\n",
    "data/b.tsv": "3\t4\n",
    "data/.hidden.csv": "5,6\n",
    "sheets/one.txt": "1\n",
    "sheets/inner/two.txt": "2\n",
}


def test_the_bag_holds_what_the_publication_uses_and_lists_not_its_notes_and_drafts(tmp_path):
    project = make_project(tmp_path, {**{f"source/b/{k}": v for k, v in FOLDER.items()}, "shared/logo.png": _png()})
    pub, diags = _read(project, "b")
    assert not diags.errors, diags.errors
    names = set(used.payload_names(pub, project))
    assert names == {
        f"source/b/{n}"
        for n in (
            "publication.yaml",
            "one.md",
            "two.md",
            "style.css",
            "images/map.png",
            "images/cover.png",
            "notes/README.txt",
            "data/a.csv",
            "data/b.csv",
            "sheets/one.txt",
            "sheets/inner/two.txt",
        )
    } | {"shared/logo.png"}


def test_an_article_bags_its_markdown_and_images_only(tmp_path):
    project = make_project(
        tmp_path,
        {
            "source/a/a.md": "---\ntitle: A\nlang: en\n---\n\n![x](x.png)\n",
            "source/a/x.png": _png(),
            "source/a/todo.txt": "private\n",
        },
    )
    pub, _ = _read(project, "a")
    assert set(used.payload_names(pub, project)) == {"source/a/a.md", "source/a/x.png"}


@pytest.mark.parametrize(
    "extra,says",
    [
        ("[notes/missing.txt]", "no file of the publication's folder matches 'notes/missing.txt'"),
        ("['data/*.json']", "no file of the publication's folder matches 'data/*.json'"),
        ("[/etc/passwd]", "'/etc/passwd' is not a path inside the publication's folder"),
        ("['../other/x.md']", "'../other/x.md' is not a path inside the publication's folder"),
        ("[3]", "'archive.extra' must be a list of file names"),
        ("{notes: 1}", "'archive.extra' must be a list of file names"),
    ],
)
def test_a_wrong_extra_file_is_an_error_at_its_line(tmp_path, extra, says):
    meta = f"title: A\nlang: en\narchive:\n  extra: {extra}\n"
    project = make_project(
        tmp_path, {"source/a/publication.yaml": meta, "source/a/a.md": "Text.\n", "source/a/data/a.csv": "1\n"}
    )
    _, diags = _read(project, "a")
    found = [d for d in diags.errors if says in d.message]
    assert found, diags.errors
    assert (found[0].location.path, found[0].location.line) == ("source/a/publication.yaml", 4)


def test_an_unknown_archive_option_is_named(tmp_path):
    project = make_project(
        tmp_path,
        {"source/a/publication.yaml": "title: A\nlang: en\narchive: {extras: [x]}\n", "source/a/a.md": "Text.\n"},
    )
    _, diags = _read(project, "a")
    assert any("unknown option 'extras' in 'archive'" in d.message and d.location.line == 3 for d in diags.errors)


def test_verify_names_a_file_added_at_the_top_of_a_bag(tmp_path, capsys):
    project = make_project(tmp_path / "p", {"source/a/a.md": "---\ntitle: A\nlang: en\n---\n\nText.\n"})
    pub, _ = _read(project, "a")
    pub.modified = "2023-11-14T22:13:20Z"
    packed = tmp_path / "a.bag.tar"
    packed.write_bytes(bag.make(pub, {"a.txt": b"x\n"}, pub.modified, 1700000000))
    root = tarball.unpack(packed, tmp_path / "unpacked")
    assert main(["verify", str(root)]) == Exit.OK
    (root / "notes.txt").write_text("added\n")
    (root / "more").mkdir()
    assert main(["verify", str(root)]) == Exit.CHECK
    err = capsys.readouterr().err
    assert "notes.txt: not part of the bag" in err and "more: not part of the bag" in err, err
    # Packed again, the archive is checked the same way.
    shutil.make_archive(str(tmp_path / "again"), "tar", root.parent, root.name)
    assert main(["verify", str(tmp_path / "again.tar")]) == Exit.CHECK
    assert "again.tar: notes.txt: not part of the bag" in capsys.readouterr().err
