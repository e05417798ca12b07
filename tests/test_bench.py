"""The bench's own pieces: the code-heavy mdBook it generates is a book the
reader takes without a complaint, pandoc is given the same files in the
same order, and each feature switch of bench/features.py changes the print
edition. No timings here: bench/run.py prints those."""

from __future__ import annotations

import hashlib
import io
import random
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline import document, sources
from pipeline.errors import Diagnostics

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import cluster, features, make_codebook  # noqa: E402 - the bench is not a package of its own
from bench.measure import pandoc_input  # noqa: E402


def _codebook(folder: Path, *options: str) -> Path:
    subprocess.run([sys.executable, str(REPO / "bench" / "make_codebook.py"), str(folder), *options], check=True)
    return folder


def _digest(folder: Path) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return hashlib.sha256(
        b"".join(p.relative_to(folder).as_posix().encode() + p.read_bytes() for p in files)
    ).hexdigest()


@pytest.mark.fast
def test_the_code_book_at_its_defaults_has_the_real_world_size():
    book = make_codebook.Book(Path("unused"), 20, 4, 1400, random.Random(1953))
    files = 1 + len(book.plan()) + 4  # the foreword, the chapters and sections, the appendices
    assert files >= 100


@pytest.mark.fast
def test_the_code_book_is_the_same_every_time_and_read_without_a_complaint(tmp_path):
    options = ("--chapters", "3", "--sections", "2", "--words", "300")
    first = _codebook(tmp_path / "one" / "source" / "codebook", *options)
    second = _codebook(tmp_path / "two" / "source" / "codebook", *options)
    assert _digest(first) == _digest(second)
    diags = Diagnostics(root=tmp_path / "one")
    loaded = sources.load(first, diags)
    assert loaded is not None
    pub = document.read_publication(loaded, tmp_path / "one", diags)
    assert [(d.severity, d.message) for d in diags.items] == []  # every link, include and image found
    html = "".join(document_text(ch) for ch in pub.chapters)
    import re

    assert "language-rust" in html and len(set(re.findall(r"language-(\w+)", html))) >= 3
    assert "<table" in html and "footnote" in html and "<img" in html
    assert "{{#" not in html  # the listings were taken in


def document_text(chapter) -> str:
    from lxml import etree

    return etree.tostring(chapter.body, encoding="unicode")


@pytest.mark.fast
def test_pandoc_is_given_the_summary_order_with_the_includes_expanded(tmp_path):
    book = _codebook(tmp_path / "book", "--chapters", "3", "--sections", "2", "--words", "300")
    given = pandoc_input(book, tmp_path)
    summary = (book / "src" / "SUMMARY.md").read_text(encoding="utf-8")
    named = [line.split("](")[1].rstrip(")") for line in summary.splitlines() if "](" in line]
    assert [Path(f).relative_to(given.cwd / "src").as_posix() for f in given.files] == named
    assert not any("{{#" in Path(f).read_text(encoding="utf-8") for f in given.files)
    assert (book / "src").is_dir()  # the book itself is left as it was: pandoc reads a copy
    assert any("{{#rustdoc_include" in p.read_text(encoding="utf-8") for p in (book / "src").rglob("*.md"))


@pytest.mark.fast
def test_profile_entries_are_grouped_by_whose_code_they_are():
    site = "/venv/lib/python3.11/site-packages"
    assert features.group(f"{site}/weasyprint/layout/block.py") == "WeasyPrint layout"
    assert features.group(f"{site}/weasyprint/pdf/fonts.py") == "WeasyPrint drawing/PDF writing"
    assert features.group(f"{site}/weasyprint/document.py", "write_pdf") == "WeasyPrint drawing/PDF writing"
    assert features.group(f"{site}/weasyprint/document.py", "_render") == "WeasyPrint layout"
    assert features.group(f"{site}/weasyprint/document.py", "paint") == "WeasyPrint drawing/PDF writing"
    assert features.group("/checkout/pipeline/pdf/notes.py") == "Pressroom's own code"
    assert features.group(f"{site}/lxml/html/__init__.py") == "other"


def test_each_feature_switched_off_changes_the_print_edition(tmp_path):
    book = tmp_path / "book-source"
    subprocess.run([sys.executable, str(REPO / "bench" / "make_book.py"), str(book), "--chapters", "2"], check=True)
    made = {}
    for feature in ["none", *features.FEATURES]:
        project = tmp_path / f"p{len(made)}"
        (project / "source").mkdir(parents=True)
        subprocess.run(["cp", "-r", str(book), str(project / "source" / "book")], check=True)
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "features.py"), str(project), feature], check=True, cwd=REPO
        )
        made[feature] = (project / "dist" / "book.pdf").read_bytes()
    for feature in features.FEATURES:
        assert made[feature] != made["none"], feature
    assert len(made["tagging (PDF/UA structure tree)"]) < len(made["none"])
    tagged = [
        "/StructTreeRoot" in PdfReader(io.BytesIO(made[f])).trailer["/Root"]
        for f in ("none", "tagging (PDF/UA structure tree)")
    ]
    assert tagged == [True, False]


@pytest.mark.fast
def test_the_bytes_sent_to_a_cluster_count_each_distinct_file_once(tmp_path):
    project = cluster.write_articles(tmp_path / "project", 3)
    sent = cluster.sent_to_cluster(project)
    assert sent == sum(len(p.read_bytes()) for p in (project / "source").rglob("*.md")) > 0
    (project / "source/article-003").mkdir()
    (project / "source/article-003/a.md").write_bytes((project / "source/article-000/a.md").read_bytes())
    assert cluster.sent_to_cluster(project) == sent, "the same bytes are sent once"
