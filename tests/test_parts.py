"""A book set in parts (pipeline/pdf/parts.py): each chapter laid out on its
own, in worker processes, and joined. The joined PDF must be the book a
whole-book layout gives, page for page; the same bytes from run to run,
from a cold build and from one that laid out only the chapter that changed;
and the same on a Dask cluster, where the chapters are tasks of their own.
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

import pipeline
from conftest import make_project, source_date_epoch
from pipeline.errors import Diagnostics
from pipeline.pdf import parts, render
from pipeline.pdf.part import lay_out as lay_out_part
from pipeline.run.spread import Local
from pipeline.run.task import Task
from pipeline.run.work import read

REPO = Path(__file__).resolve().parent.parent
SLUG = "parted"
WORDS = "council strike union assembly wage land reform army election power class history question".split()


def _text(n: int, seed: int) -> str:
    return " ".join(WORDS[(i * 7 + seed) % len(WORDS)] for i in range(n)).capitalize() + "."


def _chapter(k: int, paragraphs: int) -> str:
    body = "\n\n".join(_text(60 + (p * 13) % 50, k + p) for p in range(paragraphs))
    return (
        f"# Chapter {k}\n\n{body}\n\nA claim of chapter {k}.[^n{k}]\n\n"
        f"## Section {k}.1 {{#s{k}}}\n\n{body}\n\n"
        f"See [section {(k % 4) + 1}.1](#s{(k % 4) + 1}){{.page}} and [the next chapter](ch{(k % 4) + 1}.md).\n\n"
        f"[^n{k}]: The note of chapter {k}, at the foot of its page.\n"
    )


def book_files(paragraphs=(9, 4, 14, 6)) -> dict[str, str]:
    folder = f"source/{SLUG}"
    names = [f"ch{k}.md" for k in range(1, len(paragraphs) + 1)]
    files = {
        f"{folder}/publication.yaml": (
            "title: A Book in Parts\nauthor: Test Author\nlang: en\nidentifier: urn:uuid:0f4c1d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f\n"
            "date: 2024-01-01\ncontents:\n" + "".join(f"  - {n}\n" for n in names)
        )
    }
    for k, (name, count) in enumerate(zip(names, paragraphs), 1):
        files[f"{folder}/{name}"] = _chapter(k, count)
    return files


def _publication(project: Path):
    folder = project / "source" / SLUG
    diags = Diagnostics(root=project)
    pub = read(Task(project, folder, ("pdf",)), diags)
    assert pub is not None and not diags.errors, diags.items
    return pub


def _whole(pub, project, monkeypatch):
    """The book laid out as one document, as a book of one chapter would be."""
    with monkeypatch.context() as m:
        m.setattr(parts, "splits", lambda pub: False)
        return render(pub, project)


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _outline(data: bytes) -> list:
    reader = PdfReader(io.BytesIO(data))

    def walk(items):
        return [walk(i) if isinstance(i, list) else (i.title, reader.get_destination_page_number(i)) for i in items]

    return walk(reader.outline)


def _structure(data: bytes) -> Counter:
    """How many structure elements of each type, and how many carry a page."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found: Counter = Counter()
        stack = [pdf.Root.StructTreeRoot.K[0]]
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                found[str(element.S)] += 1
                kids = element.get("/K")
                stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        return found


def _links(data: bytes) -> list[tuple[int, str]]:
    """(page, named destination) of each internal link, and every destination resolves."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = pdf.Root.Names.Dests.Names
        dests = {str(n) for n in names[::2]}
        found = []
        for number, page in enumerate(pdf.pages):
            for annotation in page.obj.get("/Annots", ()):
                if "/Dest" in annotation:
                    assert str(annotation.Dest) in dests, f"link to a missing destination {annotation.Dest}"
                    found.append((number, str(annotation.Dest)))
                else:
                    assert not str(annotation.A.URI).startswith(parts.ELSEWHERE)
        return found


@pytest.fixture(scope="module")
def manual(tmp_path_factory):
    """The bundled manual (notes, page references, links, images, code) in parts and whole."""
    project = tmp_path_factory.mktemp("manual")
    shutil.copytree(REPO / "source" / "pressroom-manual", project / "source" / "pressroom-manual")
    pub = _publication_of(project, "pressroom-manual")
    spread = Local(2, None)
    try:
        with source_date_epoch():
            in_parts = render(pub, project, spread=spread)
    finally:
        spread.close()
    with source_date_epoch(), pytest.MonkeyPatch.context() as m:
        whole = _whole(pub, project, m)
    return in_parts, whole


def _publication_of(project: Path, name: str):
    diags = Diagnostics(root=project)
    pub = read(Task(project, project / "source" / name, ("pdf",)), diags)
    assert pub is not None
    return pub


def test_a_book_of_several_chapters_is_set_in_parts():
    pub = _publication_of(REPO, "pressroom-manual")
    assert parts.splits(pub)
    article = _publication_of(REPO, "mali-mass-protests-and-coup")
    assert not parts.splits(article)


def test_the_parts_joined_are_the_whole_book_page_for_page(manual):
    in_parts, whole = manual
    assert in_parts.page_count == whole.page_count
    assert _pages(in_parts.pdf) == _pages(whole.pdf)
    assert in_parts.folios == whole.folios
    assert in_parts.anchors == whole.anchors
    assert in_parts.positions == whole.positions


def test_bookmarks_destinations_links_and_structure_are_whole(manual):
    in_parts, whole = manual
    assert _outline(in_parts.pdf) == _outline(whole.pdf)
    assert sorted(_links(in_parts.pdf)) == sorted(_links(whole.pdf))
    assert _structure(in_parts.pdf) == _structure(whole.pdf)
    with pikepdf.open(io.BytesIO(in_parts.pdf)) as joined, pikepdf.open(io.BytesIO(whole.pdf)) as one:
        assert sorted(map(str, joined.Root.Names.Dests.Names[::2])) == sorted(map(str, one.Root.Names.Dests.Names[::2]))
        # The parent tree: pages first, in order, then the links' annotations.
        nums = joined.Root.StructTreeRoot.ParentTree.Nums
        keys = [int(k) for k in nums[::2]]
        assert keys == list(range(len(keys)))
        assert [int(p.obj.StructParents) for p in joined.pages] == list(range(len(joined.pages)))
        annotations = [a for p in joined.pages for a in p.obj.get("/Annots", ()) if "/StructParent" in a]
        assert sorted(int(a.StructParent) for a in annotations) == keys[len(joined.pages) :]
        assert joined.Root.Lang == one.Root.Lang and joined.Root.MarkInfo.Marked
        assert joined.open_metadata()["pdfuaid:part"] == "1"


def test_the_archival_variant_is_joined_from_the_same_layouts(manual):
    in_parts, _ = manual
    assert in_parts.rewrite is None  # not asked for: the parts wrote the print variant alone


def test_a_part_that_fails_stops_the_book_with_its_error(tmp_path, monkeypatch):
    project = make_project(tmp_path, book_files())
    pub = _publication(project)

    def broken(job):
        if job.index == 2:
            raise RuntimeError("a part broke")
        return lay_out_part(job)

    monkeypatch.setattr(parts, "lay_out", broken)
    with pytest.raises(RuntimeError, match="a part broke"):
        render(pub, project)


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """Every edition, the chapters laid out on two worker processes."""
    project = make_project(tmp_path_factory.mktemp("parted"), book_files())
    with source_date_epoch():
        pipeline.build(project, jobs=2)
    return project, (project / "dist" / f"{SLUG}.pdf").read_bytes()


def test_the_same_sources_give_the_same_bytes_from_run_to_run(cold, tmp_path):
    """Again, here, one part after another: which worker laid out which part changes no byte."""
    project, _ = cold
    again = tmp_path / "again"
    shutil.copytree(project / "source", again / "source")
    with source_date_epoch():
        pipeline.build(again, jobs=1)
    assert (again / "dist" / "SHA256SUMS").read_text() == (project / "dist" / "SHA256SUMS").read_text()


def test_one_chapter_changed_is_the_one_laid_out_and_the_bytes_are_a_cold_builds(cold, tmp_path, monkeypatch):
    project, _ = cold
    edited = tmp_path / "edited"
    shutil.copytree(project, edited)
    chapter = edited / "source" / SLUG / "ch3.md"
    chapter.write_text(chapter.read_text().replace("A claim of chapter 3.", "A bolder claim of chapter 3."))
    laid: list[int] = []

    def counted(job):
        laid.append(job.index)
        return lay_out_part(job)

    monkeypatch.setattr(parts, "lay_out", counted)
    with source_date_epoch():
        pipeline.build(edited, formats=["pdf"], jobs=1)
    assert laid == [2], f"laid out again: parts {laid}"
    incremental = (edited / "dist" / f"{SLUG}.pdf").read_bytes()
    fresh = tmp_path / "fresh"
    shutil.copytree(edited / "source", fresh / "source")
    with source_date_epoch():
        pipeline.build(fresh, formats=["pdf"], jobs=1)
    assert incremental == (fresh / "dist" / f"{SLUG}.pdf").read_bytes()


def test_a_kept_part_that_was_damaged_is_laid_out_again(cold, tmp_path):
    project, first = cold
    damaged = tmp_path / "damaged"
    shutil.copytree(project, damaged)
    (damaged / "dist").rename(damaged / "old")
    for kept in (damaged / ".cache" / "pressroom" / "parts" / SLUG).glob("*.pdf"):
        kept.write_bytes(b"not a PDF")
    for kept in (damaged / ".cache" / "pressroom" / "parts" / SLUG).glob("*.json"):
        kept.write_text("{")
    with source_date_epoch():
        pipeline.build(damaged, formats=["pdf"], jobs=1)
    assert (damaged / "dist" / f"{SLUG}.pdf").read_bytes() == first


def test_on_a_dask_cluster_the_chapters_are_tasks_and_the_bytes_the_same(cold, tmp_path):
    distributed = pytest.importorskip("distributed")
    project, first = cold
    there = tmp_path / "dask"
    shutil.copytree(project / "source", there / "source")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client, distributed.get_task_stream(client=client) as stream:
            with source_date_epoch():
                pipeline.build(there, formats=["pdf"], executor="dask", scheduler=cluster.scheduler_address)
    assert (there / "dist" / f"{SLUG}.pdf").read_bytes() == first
    keys = [str(task["key"]) for task in stream.data]
    assert sum(key.startswith("pressroom-") and "-part-" in key for key in keys) >= 4, keys  # a task a chapter


def test_a_book_alone_out_of_memory_in_its_chapters_workers_is_a_located_error(tmp_path, capsys):
    """The memory limit holds in the processes that lay the chapters out too:
    a 13-chapter book (a chapter lays out in some 120 MiB) under 60 MiB."""
    import subprocess
    import sys

    from pipeline.cli import main
    from pipeline.errors import Exit
    from pipeline.limits import OutOfMemory

    project = tmp_path / "project"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "make_book.py"), str(project / "source" / "huge"), "--chapters", "13"],
        check=True,
        capture_output=True,
    )
    pub = _publication_of(project, "huge")
    spread = Local(2, 60)
    try:
        with pytest.raises(OutOfMemory):
            render(pub, project, spread=spread)  # this process has no limit: the workers do
    finally:
        spread.close()
    status = main(["build", "-C", str(project), "--jobs", "2", "--memory-limit", "60", "-q", "--format", "pdf"])
    err = capsys.readouterr().err
    assert status == Exit.ENVIRONMENT, err
    assert "Traceback" not in err
    assert "source/huge: error: ran out of memory building 'huge'" in err, err
    assert not (project / "dist" / "huge.pdf").exists()


@pytest.mark.fast
def test_bookmarks_nest_by_level_across_parts_as_in_a_whole_book():
    from pipeline.pdf.join import depths

    # A part title (1), then in the next part a chapter (2) and its sections (3).
    assert depths([1, 2, 3, 3, 2]) == [1, 2, 3, 3, 2]
    # A level skipped counts for nothing: an h3 under an h1 is its child.
    assert depths([1, 3, 3, 1]) == [1, 2, 2, 1]
    assert depths([2, 1, 2]) == [1, 1, 2]


def test_the_running_title_reaches_every_part_whatever_its_characters(tmp_path, monkeypatch):
    files = book_files((6, 6, 6))
    manifest = f"source/{SLUG}/publication.yaml"
    files[manifest] = files[manifest].replace(
        "title: A Book in Parts", 'title: "Parts & <Pieces> \\"quoted\\" \\\\ back"'
    )
    project = make_project(tmp_path, files)
    pub = _publication(project)
    with source_date_epoch():
        in_parts = render(pub, project)
        whole = _whole(pub, project, monkeypatch)
    pages = _pages(in_parts.pdf)
    assert pages == _pages(whole.pdf)
    assert sum('Parts & <Pieces> "quoted" \\ back' in page for page in pages) >= 3, pages


def test_the_joined_pages_look_the_same_and_each_font_is_embedded_once(manual):
    """Every page drawn from the joined PDF is the whole layout's, pixel for
    pixel; each font is one program holding every part's glyphs."""
    import pypdfium2 as pdfium

    in_parts, whole = manual
    joined, one = pdfium.PdfDocument(in_parts.pdf), pdfium.PdfDocument(whole.pdf)
    differing = [
        n + 1
        for n in range(len(one))
        if joined[n].render(scale=0.75).to_pil().tobytes() != one[n].render(scale=0.75).to_pil().tobytes()
    ]
    assert not differing, f"pages drawn otherwise: {differing}"
    with pikepdf.open(io.BytesIO(in_parts.pdf)) as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.obj.Resources.Font.values():
                fonts.setdefault(str(font.BaseFont), set()).add(font.objgen)
        assert all(len(objects) == 1 for objects in fonts.values()), fonts
    assert len(in_parts.pdf) < 1.1 * len(whole.pdf)
