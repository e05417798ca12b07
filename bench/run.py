"""Benchmarks: Pressroom beside pandoc on the same sources, in one run.

    .venv/bin/python bench/run.py [--quick] [--features] [--rounds 5] [--feature-rounds 2]
    .venv/bin/python bench/run.py --book FOLDER

Prints wall time and peak memory for each build, pandoc's beside it, and at
the end every target of issue 15 with its measured figure and PASS/MISS.
pandoc comes from the pypandoc-binary package (the `bench` extra); its PDF
is made through WeasyPrint, as ours is, from the publication's files
concatenated in book order. Every build is a fresh process (a cold start,
--no-cache unless the cache is what is measured), and Pressroom is called
as a user calls it (`pressroom build --jobs 2 ...`), so the figures show
what the command does today. The workloads:

- the sample article, over several rounds (--rounds), Pressroom and pandoc
  in turn, the best time of each compared; and its unchanged rebuild;
- the generated 500-page book (bench/make_book.py): EPUB + PDF, PDF only,
  EPUB only, and one chapter edited then rebuilt from the cache;
- the 100-file code-heavy mdBook (bench/make_codebook.py), the real-world
  book class: EPUB only, PDF only, EPUB + PDF, and their peak memory;
- 200 one-page articles, --jobs 1 against the default, then --jobs 2
  against a two-worker local Dask cluster with the bytes sent per
  publication (bench/cluster.py);
- the feature-cost table and profile of the 500-page book's print edition
  (bench/features.py); `--features` runs that alone.

--quick makes the books smaller (100 pages, 30 files) for trying the bench out.
--book times one book of your own (a publication folder, or an mdBook's with
its book.toml) the same way, beside pandoc, and nothing else.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cluster import catalogue_on_cluster, write_articles  # noqa: E402 - the checkout first
from bench.measure import (  # noqa: E402 - the checkout first, then its modules
    PYTHON,
    REPO,
    Targets,
    best,
    both,
    measure,
    pandoc_input,
    pandoc_path,
    pressroom,
    row,
)

HEADER = f"{'build':44} {'pressroom':>21}   {'pandoc':>20}   ratio"


def project_with(folder: Path, name: str, source: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder / "source" / name)
    return folder


def reading_times(publication: Path, rounds: int = 3) -> dict[str, float]:
    """Seconds to read every file of a publication into trees, by dialect (best of rounds)."""
    from time import perf_counter

    from pipeline.readers import reader_for

    texts = [Path(p).read_text(encoding="utf-8") for p in pandoc_input(publication, publication.parent).files]
    times = {}
    for dialect in ("commonmark", "python-markdown"):
        best_time = None
        for _ in range(rounds):
            reader = reader_for(dialect)
            start = perf_counter()
            for text in texts:
                reader.read(text)
            took = perf_counter() - start
            best_time = took if best_time is None else min(best_time, took)
        times[dialect] = best_time
    return times


def article(work: Path, pandoc: str, rounds: int, targets: Targets) -> None:
    source = REPO / "source" / "mali-mass-protests-and-coup"
    project = project_with(work / "article", "pub", source)
    given = pandoc_input(source, work)
    print("-- sample article (best of", rounds, "rounds)")
    # Short builds are taken at their best of several, turn about, so that a
    # busy moment of the machine does not decide the ratio.
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(pressroom(project, "--no-cache", "--format", "epub,pdf"))
        theirs.append(
            both(given.run(pandoc, work / "p.epub"), given.run(pandoc, work / "p.pdf", "--pdf-engine=weasyprint"))
        )
    row("EPUB + PDF, cold start", best(ours), best(theirs))
    targets.ratio(
        "sample article, EPUB + PDF cold, to pandoc's two runs", best(ours)["wall"], best(theirs)["wall"], 0.8
    )
    pressroom(project, "--format", "epub,pdf")  # fills the cache
    again = best([pressroom(project, "--format", "epub,pdf") for _ in range(3)])
    row("unchanged rebuild", again)
    targets.below("sample article, unchanged rebuild", again["wall"], 0.5, "s")


def generated_book(work: Path, pandoc: str, quick: bool, targets: Targets) -> None:
    source = work / "book-source"
    subprocess.run(
        [PYTHON, str(REPO / "bench" / "make_book.py"), str(source), "--chapters", "13" if quick else "64"], check=True
    )
    project = project_with(work / "book", "pub", source)
    given = pandoc_input(source, work)
    print(f"-- generated book ({'100' if quick else '500'} pages)")
    times = reading_times(source)
    size = sum(Path(p).stat().st_size for p in given.files) / 1048576
    print(
        f"{'reading the Markdown (' + format(size, '.1f') + ' MiB)':44} "
        + ", ".join(f"{d} {t:.2f} s" for d, t in times.items())
        + f"   ratio {times['commonmark'] / times['python-markdown']:.2f} (speed issue's target <= 1.0)"
    )
    p_epub = given.run(pandoc, work / "p.epub")
    p_pdf = given.run(pandoc, work / "p.pdf", "--pdf-engine=weasyprint")
    ours_both = pressroom(project, "--no-cache", "--jobs", "2", "--format", "epub,pdf")
    row("EPUB + PDF, cold, --jobs 2", ours_both, both(p_epub, p_pdf))
    ours_pdf = pressroom(project, "--no-cache", "--jobs", "2", "--format", "pdf")
    row("PDF only, cold, --jobs 2", ours_pdf, p_pdf)
    ours_epub = pressroom(project, "--no-cache", "--jobs", "2", "--format", "epub")
    row("EPUB only, cold, --jobs 2", ours_epub, p_epub)
    # One chapter edited: the cache is filled by a print build, a word
    # changed in a chapter in the middle (its page count stays), and the print
    # edition built again; then a paragraph added (its pages may change, and
    # with them the first page of every chapter after it).
    filled = pressroom(project, "--no-cache", "--jobs", "2", "--format", "pdf")
    row("PDF, cold, filling the cache", filled)
    middle = sorted((project / "source" / "pub").glob("chapter-*.md"))[len(given.files) // 2]
    text = middle.read_text(encoding="utf-8")
    word = next(w for w in text.split() if w.isalpha() and len(w) > 4)
    middle.write_text(text.replace(word, word.upper(), 1), encoding="utf-8")
    edited = pressroom(project, "--jobs", "2", "--format", "pdf")
    row(f"PDF after a word changed in {middle.name}", edited)
    with middle.open("a", encoding="utf-8") as chapter:
        chapter.write("\nA paragraph added since the last build, to see what one edit costs.\n")
    added = pressroom(project, "--jobs", "2", "--format", "pdf")
    row(f"PDF after a paragraph added to {middle.name}", added)
    unchanged = pressroom(project, "--jobs", "2", "--format", "pdf")
    row("PDF, nothing changed", unchanged)
    label = "500-page book" if not quick else "100-page book (--quick)"
    targets.ratio(f"{label}, PDF only, to pandoc's PDF", ours_pdf["wall"], p_pdf["wall"], 0.9)
    targets.ratio(f"{label}, EPUB + PDF, to pandoc's two runs", ours_both["wall"], p_epub["wall"] + p_pdf["wall"], 0.9)
    targets.ratio(f"{label}, EPUB only, to pandoc's EPUB", ours_epub["wall"], p_epub["wall"], 0.5)
    targets.ratio(f"{label}, one chapter edited, PDF rebuild to a cold one", edited["wall"], filled["wall"], 0.2)


def code_book(work: Path, pandoc: str, quick: bool, targets: Targets) -> None:
    source = work / "codebook-source"
    subprocess.run(
        [PYTHON, str(REPO / "bench" / "make_codebook.py"), str(source), *(["--chapters", "5"] if quick else [])],
        check=True,
    )
    book(work, pandoc, source, "code-heavy mdBook" + (" (--quick)" if quick else ""), targets)


def book(work: Path, pandoc: str, source: Path, label: str, targets: Targets) -> None:
    """A book's editions beside pandoc's: a generated one, or one of the writer's (--book)."""
    project = project_with(work / "book-project", "book", source)
    given = pandoc_input(source, work)
    words = sum(len(Path(p).read_text(encoding="utf-8").split()) for p in given.files)
    print(f"-- {label}: {len(given.files)} files, {words // 1000}k words")
    p_epub = given.run(pandoc, work / "p.epub")
    p_pdf = given.run(pandoc, work / "p.pdf", "--pdf-engine=weasyprint")
    ours_epub = pressroom(project, "--no-cache", "--jobs", "2", "--format", "epub")
    row("EPUB only, cold, --jobs 2", ours_epub, p_epub)
    ours_pdf = pressroom(project, "--no-cache", "--jobs", "2", "--format", "pdf")
    row("PDF only, cold, --jobs 2", ours_pdf, p_pdf)
    ours_both = pressroom(project, "--no-cache", "--jobs", "2", "--format", "epub,pdf")
    row("EPUB + PDF, cold, --jobs 2", ours_both, both(p_epub, p_pdf))
    targets.ratio(f"{label}, EPUB only, to pandoc's EPUB", ours_epub["wall"], p_epub["wall"], 0.5)
    for edition, result in (("EPUB only", ours_epub), ("PDF only", ours_pdf), ("EPUB + PDF", ours_both)):
        targets.below(f"{label}, {edition}, peak memory", result["rss_kib"] / 1024, 600, "MiB")


def catalogue(work: Path, targets: Targets) -> None:
    folder = write_articles(work / "catalogue", 200)
    one = pressroom(folder, "--no-cache", "--format", "epub,pdf", "--jobs", "1", "-o", str(work / "c1"))
    many = pressroom(folder, "--no-cache", "--format", "epub,pdf", "-o", str(work / "c2"))
    print(f"-- 200 articles: --jobs 1 {one['wall']:.1f} s, default {many['wall']:.1f} s")
    targets.at_least("200 articles, speed-up of the default --jobs over --jobs 1", one["wall"] / many["wall"], 1.7)
    catalogue_on_cluster(work, 200)


def features(work: Path, source: Path, label: str, names: list[str], rounds: int, profile: bool) -> None:
    """The print edition of a book with each feature off alone, and a profile of one build."""
    from bench.features import profile_table

    print(f"\n-- where the print edition's time goes ({label}, --jobs 1, each feature off alone, a fresh process each)")

    def run(feature: str, *extra: str) -> dict:
        project = project_with(work / "features", "pub", source)
        return measure([PYTHON, str(REPO / "bench" / "features.py"), str(project), feature, *extra], project)

    # Rounds in turn, each configuration's best taken: a busy moment of the
    # machine would otherwise give a feature the cost of whatever else ran.
    runs: dict[str, list[dict]] = {name: [] for name in ("none", *names)}
    for _ in range(rounds):
        for name in runs:
            runs[name].append(run(name))
    on = best(runs["none"])
    print(f"{'everything on':44} {on['wall']:7.2f} s {on['rss_kib'] / 1024:7.0f} MiB   (best of {rounds})")
    print(f"{'feature switched off':44} {'time':>9} {'memory':>11}   {'cost (on - off)':>15}")
    for feature in names:
        off = best(runs[feature])
        cost = on["wall"] - off["wall"]
        print(
            f"{feature:44} {off['wall']:7.2f} s {off['rss_kib'] / 1024:7.0f} MiB   {cost:+8.2f} s "
            f"({100 * cost / on['wall']:+.0f}%)",
            flush=True,
        )
    if profile:
        path = work / "print.prof"
        run("none", "--profile", str(path))
        print(f"\n-- profile of one print build of the {label} (cProfile, top 15 by cumulative time)")
        for line in profile_table(path):
            print(line)


def feature_tables(work: Path, quick: bool, rounds: int) -> None:
    from bench.features import FEATURES

    book = work / "book-source"
    if not book.is_dir():
        subprocess.run(
            [PYTHON, str(REPO / "bench" / "make_book.py"), str(book), "--chapters", "13" if quick else "64"],
            check=True,
        )
    features(work, book, f"{'100' if quick else '500'}-page book", list(FEATURES), rounds, profile=True)
    code = work / "codebook-source"
    if not code.is_dir():
        subprocess.run(
            [PYTHON, str(REPO / "bench" / "make_codebook.py"), str(code), *(["--chapters", "5"] if quick else [])],
            check=True,
        )
    features(work, code, "code-heavy mdBook", ["code highlighting"], 1, profile=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller books (100 pages, 30 files)")
    parser.add_argument("--features", action="store_true", help="only the feature-cost table and the profile")
    parser.add_argument("--rounds", type=int, default=5, help="runs of the sample article, best taken (default 5)")
    parser.add_argument("--feature-rounds", type=int, default=2, help="runs of each feature's build, best taken")
    parser.add_argument(
        "--book", type=Path, metavar="FOLDER", help="only this book (a publication or mdBook folder) beside pandoc"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
    try:
        if args.book:
            targets = Targets()
            print(HEADER)
            book(work, pandoc_path(), args.book.resolve(), args.book.resolve().name, targets)
            targets.print()
            return
        if args.features:
            feature_tables(work, args.quick, args.feature_rounds)
            return
        pandoc = pandoc_path()
        targets = Targets()
        print(HEADER)
        article(work, pandoc, args.rounds, targets)
        generated_book(work, pandoc, args.quick, targets)
        code_book(work, pandoc, args.quick, targets)
        if (REPO / "source" / "pressroom-manual").is_dir():
            manual = project_with(work / "manual", "manual", REPO / "source" / "pressroom-manual")
            given = pandoc_input(REPO / "source" / "pressroom-manual", work)
            print("-- manual")
            row(
                "EPUB + PDF, cold, --jobs 2",
                pressroom(manual, "--no-cache", "--jobs", "2", "--format", "epub,pdf"),
                both(given.run(pandoc, work / "p.epub"), given.run(pandoc, work / "p.pdf", "--pdf-engine=weasyprint")),
            )
        catalogue(work, targets)
        feature_tables(work, args.quick, args.feature_rounds)
        targets.print()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
