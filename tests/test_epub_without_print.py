"""An EPUB built alone (-f epub) is made without typesetting the print
edition: its page-list comes from a print layout of the same sources kept in
the cache, or from one typeset for it with --page-list, or it has none and
claims none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import (
    NS,
    REPO,
    SAMPLE,
    epub_files,
    epub_xml,
    epubcheck,
    format_messages,
    make_project,
    opf_path,
    source_date_epoch,
)
from pipeline.cli import main
from pipeline.errors import Exit
from pipeline.run import pagelists
from test_epub_accessibility import ace_report, violations

EPUB = f"{SAMPLE}.epub"


def _project(where: Path) -> Path:
    """A project holding the sample article alone, in the house styles."""
    shutil.copytree(REPO / "source" / SAMPLE, where / "source" / SAMPLE)
    return where


def _build(project: Path, out: Path, *options: str) -> int:
    """pressroom build in this process (so that a patched render is the one called)."""
    with source_date_epoch():
        return main(["build", "-C", str(project), "-o", str(out), "-j", "1", *options])


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The publications typeset from now on, by slug (each typesetting still happens)."""
    from pipeline.run import make as making

    called: list[str] = []
    real = making.render

    def render(pub, project, **options):
        called.append(pub.slug)
        return real(pub, project, **options)

    monkeypatch.setattr(making, "render", render)
    return called


@pytest.fixture
def no_typesetting(monkeypatch) -> None:
    """Any typesetting of the print edition fails the test."""
    from pipeline.run import make as making

    def render(*args, **kwargs):
        raise AssertionError("the print edition was typeset")

    monkeypatch.setattr(making, "render", render)


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    """A project after a full build (every edition) with the cache: its
    editions in PROJECT/full, its print layout's page-list in the cache."""
    project = _project(tmp_path_factory.mktemp("full"))
    assert _build(project, project / "full", "-q") == Exit.OK
    assert pagelists.path_of(project, SAMPLE).is_file()
    return project


@pytest.fixture
def after_full(full, tmp_path) -> Path:
    """A copy of the fully built project, for a test to change."""
    shutil.copytree(full, tmp_path / "project")
    return tmp_path / "project"


def _page_list(epub: Path) -> list[str]:
    """The labels of the EPUB's page-list, [] when it has none."""
    nav = epub_xml(epub, "EPUB/text/nav.xhtml")
    found = nav.find(".//x:nav[@epub:type='page-list']", NS)
    return [] if found is None else [a.text for a in found.iter("{%s}a" % NS["x"])]


def _package_metadata(epub: Path) -> dict[str, list[str]]:
    opf = epub_xml(epub, opf_path(epub))
    out: dict[str, list[str]] = {}
    for meta in opf.iterfind(".//opf:metadata/opf:meta[@property]", NS):
        out.setdefault(meta.get("property"), []).append(meta.text or "")
    return out


def _said(capsys) -> str:
    return capsys.readouterr().err


def test_a_cold_epub_alone_is_not_typeset_and_has_no_page_list_nor_claims_one(tmp_path, no_typesetting, capsys):
    project = _project(tmp_path / "project")
    out = tmp_path / "out"
    assert _build(project, out, "-f", "epub") == Exit.OK
    assert f"{SAMPLE}: 1 file written; no page-list (ask for one with --page-list)" in _said(capsys)
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", EPUB]
    epub = out / EPUB
    assert _page_list(epub) == []
    text = b"".join(epub_files(epub).values())
    assert b"doc-pagebreak" not in text and b'epub:type="pagebreak"' not in text
    meta = _package_metadata(epub)
    assert "pageBreakSource" not in meta
    features = meta["schema:accessibilityFeature"]
    assert "printPageNumbers" not in features and "pageBreakMarkers" not in features
    assert "tableOfContents" in features, "the rest of the claims stay"
    assert not any("page" in s.lower() for s in meta["schema:accessibilitySummary"])
    assert not pagelists.path_of(project, SAMPLE).exists(), "no print layout, nothing kept"
    messages = epubcheck(epub)
    assert messages == [], format_messages(messages)
    report = ace_report(epub, tmp_path / "ace")
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"


def test_after_a_full_build_an_epub_alone_is_the_same_epub_without_typesetting(
    full, after_full, tmp_path, no_typesetting, capsys
):
    out = tmp_path / "out"
    assert _build(after_full, out, "-f", "epub") == Exit.OK
    assert f"{SAMPLE}: 1 file written; page-list from the cached print layout" in _said(capsys)
    assert len(_page_list(out / EPUB)) >= 5
    assert (out / EPUB).read_bytes() == (full / "full" / EPUB).read_bytes()
    assert _build(after_full, out, "-f", "epub") == Exit.OK
    assert f"{SAMPLE}: up to date" in _said(capsys)


def test_the_kept_page_list_serves_builds_without_the_cache_of_editions_too(tmp_path, monkeypatch):
    """The library's default build keeps no editions, but an EPUB alone after
    it is still the EPUB of the full build: the page-list is what typesetting
    the same sources gives, not an edition kept."""
    import pipeline

    project = _project(tmp_path / "project")
    with source_date_epoch():
        pipeline.build(project, formats=("epub", "pdf"), out_dir=tmp_path / "full", jobs=1)
    from pipeline.run import make as making

    monkeypatch.setattr(making, "render", None)  # not to be called
    with source_date_epoch():
        pipeline.build(project, formats=("epub",), out_dir=tmp_path / "alone", jobs=1)
    assert (tmp_path / "alone" / EPUB).read_bytes() == (tmp_path / "full" / EPUB).read_bytes()
    assert _build(project, tmp_path / "no-cache", "-f", "epub", "--no-cache", "-q") == Exit.OK
    assert (tmp_path / "no-cache" / EPUB).read_bytes() == (tmp_path / "full" / EPUB).read_bytes()


def test_page_list_typesets_for_it_without_writing_the_print_edition(full, tmp_path, renders, capsys):
    project = _project(tmp_path / "project")
    out = tmp_path / "out"
    assert _build(project, out, "-f", "epub", "--page-list") == Exit.OK
    assert renders == [SAMPLE]
    assert f"{SAMPLE}: 1 file written; print edition typeset for the page-list" in _said(capsys)
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", EPUB]
    assert (out / EPUB).read_bytes() == (full / "full" / EPUB).read_bytes()
    # The layout typeset for it is kept too: an EPUB alone in another folder needs none.
    assert _build(project, tmp_path / "again", "-f", "epub", "--page-list") == Exit.OK
    assert renders == [SAMPLE]
    assert f"{SAMPLE}: 1 file written; page-list from the cached print layout" in _said(capsys)


def test_an_epub_made_without_a_page_list_is_made_again_once_a_print_layout_is_kept(tmp_path, renders, capsys):
    project = _project(tmp_path / "project")
    out = tmp_path / "out"
    assert _build(project, out, "-f", "epub") == Exit.OK
    assert _page_list(out / EPUB) == [] and renders == []
    assert _build(project, tmp_path / "print", "-f", "pdf") == Exit.OK  # elsewhere: the EPUB's entry stays
    assert renders == [SAMPLE]
    _said(capsys)
    assert _build(project, out, "-f", "epub") == Exit.OK
    assert f"{SAMPLE}: 1 file written; page-list from the cached print layout" in _said(capsys)
    assert renders == [SAMPLE] and len(_page_list(out / EPUB)) >= 5


def test_the_page_list_of_changed_sources_is_not_taken(after_full, tmp_path, no_typesetting, capsys):
    article = after_full / "source" / SAMPLE / "article.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added later.\n", encoding="utf-8")
    assert _build(after_full, tmp_path / "out", "-f", "epub") == Exit.OK
    assert f"{SAMPLE}: 1 file written; no page-list" in _said(capsys)
    assert _page_list(tmp_path / "out" / EPUB) == []


def test_what_typesetting_finds_is_said_with_the_print_edition_only(tmp_path, renders, capsys):
    """An EPUB alone says the same whether its page-list was typeset now or
    kept: a low-resolution image is the print edition's warning."""
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(png, "PNG")
    project = make_project(
        tmp_path / "project",
        {
            "source/box/article.md": "---\ntitle: Box\nlang: en\n---\n\n![A blue box](box.png)\n",
            "source/box/box.png": png.getvalue(),
        },
    )
    assert _build(project, tmp_path / "epub", "-f", "epub", "--page-list", "--strict") == Exit.OK
    assert renders == ["box"] and "prints at" not in _said(capsys)
    assert _build(project, tmp_path / "pdf", "-f", "pdf") == Exit.OK
    assert "source/box/article.md:6: warning: image 'box.png' prints at" in _said(capsys)


def _garbled(entry: dict) -> dict:
    return {**entry, "pages": [["pm-c9-0", "1"]] + entry["pages"]}  # a chapter the publication does not have


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda text, entry: text[: len(text) // 2],
        lambda text, entry: "\0\1 not json",
        lambda text, entry: json.dumps({**entry, "pages": {"pm-c1-0": 1}}),
        lambda text, entry: json.dumps({**entry, "inputs": ["a list"]}),
        lambda text, entry: json.dumps([entry]),
        lambda text, entry: json.dumps(_garbled(entry)),
    ],
    ids=["truncated", "not-json", "wrong-types", "wrong-inputs", "not-an-object", "foreign-places"],
)
def test_a_corrupt_page_list_entry_is_ignored(after_full, tmp_path, no_typesetting, capsys, corrupt):
    path = pagelists.path_of(after_full, SAMPLE)
    text = path.read_text(encoding="utf-8")
    path.write_text(corrupt(text, json.loads(text)), encoding="utf-8")
    assert _build(after_full, tmp_path / "out", "-f", "epub", "--strict") == Exit.OK
    err = _said(capsys)
    assert f"{SAMPLE}: 1 file written; no page-list" in err and "Traceback" not in err, err
    assert _page_list(tmp_path / "out" / EPUB) == []


# --- the store alone ---------------------------------------------------------


@pytest.mark.fast
def test_a_kept_page_list_comes_back_in_page_order_under_its_key_only(tmp_path):
    pages = {"titlepage": "i", "contents": "iii", "pm-c1-0@0": "1", "pm-c1-7@12": "2"}
    pagelists.save(tmp_path, "book", "k1", pages, [])
    assert list(pagelists.load(tmp_path, "book", "k1").items()) == list(pages.items())
    assert pagelists.load(tmp_path, "book", "k2") is None
    assert pagelists.load(tmp_path, "other", "k1") is None


@pytest.mark.fast
def test_a_kept_page_list_is_not_taken_once_a_shared_file_it_used_changed(tmp_path):
    shared = tmp_path / "images" / "map.png"
    shared.parent.mkdir()
    shared.write_bytes(b"one")
    pagelists.save(tmp_path, "book", "k", {"pm-c1-0@0": "1"}, [shared])
    assert pagelists.load(tmp_path, "book", "k") == {"pm-c1-0@0": "1"}
    shared.write_bytes(b"two")
    assert pagelists.load(tmp_path, "book", "k") is None
    shared.unlink()
    assert pagelists.load(tmp_path, "book", "k") is None
