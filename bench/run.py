"""Benchmarks: Pressroom beside pandoc on the same sources, in one run.

    .venv/bin/python bench/run.py [--quick]

Prints wall time and peak memory for each build and their ratios against
the targets of the speed issue. pandoc comes from the pypandoc-binary
package (the `bench` extra); its PDF is made through WeasyPrint, as ours is.
Every build is a fresh process (a cold start), measured by a small wrapper
process so that peak memory covers exactly that build. The sample article,
a build of about a second, is measured over several rounds (--rounds),
Pressroom and pandoc in turn, and the best time of each is compared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent

# Runs a command and prints its wall time and the peak RSS of its process tree (KiB).
MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode\n"
    "wall = time.perf_counter() - t\n"
    "print(json.dumps({'wall': wall, 'rss_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 'code': code}))\n"
)


def measure(command: list[str], cwd: Path) -> dict:
    out = subprocess.run([PYTHON, "-c", MEASURE, *command], cwd=cwd, capture_output=True, text=True,
                         env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"})
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{out.stderr}")
    return result


def pandoc() -> str:
    try:
        import pypandoc
    except ImportError:
        raise SystemExit("pandoc is missing: .venv/bin/pip install -e '.[bench]' (pypandoc-binary)") from None
    return pypandoc.get_pandoc_path()


def project_with(folder: Path, publications: dict[str, Path]) -> Path:
    for name, source in publications.items():
        shutil.copytree(source, folder / "source" / name)
    return folder


def files_in_order(publication: Path) -> list[Path]:
    manifest = publication / "publication.yaml"
    if manifest.is_file():
        import yaml
        contents = yaml.safe_load(manifest.read_text(encoding="utf-8")).get("contents") or []
        return [publication / (c["file"] if isinstance(c, dict) else c) for c in contents]
    return sorted(publication.glob("*.md"))


def best(runs: list[dict]) -> dict:
    """The fastest wall time and the highest peak memory of several runs."""
    return {"wall": min(r["wall"] for r in runs), "rss_kib": max(r["rss_kib"] for r in runs)}


def row(label: str, ours: dict, theirs: dict | None, target: float | None = None) -> None:
    ratio = f"{ours['wall'] / theirs['wall']:.2f}" if theirs else "-"
    verdict = "" if target is None or not theirs else ("  meets target" if ours["wall"] / theirs["wall"] <= target
                                                       else f"  MISSES target {target}")
    theirs_text = f"{theirs['wall']:7.2f} s {theirs['rss_kib'] / 1024:7.0f} MiB" if theirs else " " * 20
    print(f"{label:44} {ours['wall']:7.2f} s {ours['rss_kib'] / 1024:7.0f} MiB   {theirs_text}   {ratio}{verdict}")


def reading_times(publication: Path, rounds: int = 3) -> dict[str, float]:
    """Seconds to read every file of a publication into trees, by dialect (best of rounds)."""
    from time import perf_counter

    from pipeline.readers import reader_for

    texts = [p.read_text(encoding="utf-8") for p in files_in_order(publication)]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 100-page book instead of 500 pages")
    parser.add_argument("--rounds", type=int, default=5, help="runs of the sample article, best taken (default 5)")
    args = parser.parse_args()
    pandoc_bin = pandoc()
    work = Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
    book = work / "book-source"
    subprocess.run([PYTHON, str(REPO / "bench" / "make_book.py"), str(book),
                    "--chapters", "13" if args.quick else "64"], check=True)
    inputs = {"sample article": REPO / "source" / "mali-mass-protests-and-coup",
              "generated book": book}
    if (REPO / "source" / "pressroom-manual").is_dir():
        inputs["manual"] = REPO / "source" / "pressroom-manual"
    print(f"{'build':44} {'pressroom':>21}   {'pandoc':>20}   ratio")
    for label, source in inputs.items():
        project = project_with(work / label.replace(" ", "-"), {"pub": source})
        files = [str(p) for p in files_in_order(source)]
        print(f"-- {label}")
        if label == "generated book":
            times = reading_times(source)
            size = sum(p.stat().st_size for p in files_in_order(source)) / 1048576
            print(f"{'reading the Markdown (' + format(size, '.1f') + ' MiB)':44} "
                  + ", ".join(f"{d} {t:.2f} s" for d, t in times.items())
                  + f"   ratio {times['commonmark'] / times['python-markdown']:.2f} (target <= 1.0)")
        # Short builds are taken at their best of several, turn about, so that a
        # busy moment of the machine does not decide the ratio.
        rounds = args.rounds if label == "sample article" else 1
        ours_runs, theirs_runs = [], []
        for _ in range(rounds):
            ours_runs.append(measure([str(BIN / "pressroom"), "build", "-q", "--no-cache", "--format", "epub,pdf"],
                                     project))
            p_epub = measure([pandoc_bin, *files, "-o", str(work / "p.epub")], source)
            p_pdf = measure([pandoc_bin, *files, "-o", str(work / "p.pdf"), "--pdf-engine=weasyprint"], source)
            theirs_runs.append({"wall": p_epub["wall"] + p_pdf["wall"],
                                "rss_kib": max(p_epub["rss_kib"], p_pdf["rss_kib"])})
        ours_both, both = best(ours_runs), best(theirs_runs)
        measure([str(BIN / "pressroom"), "build", "-q", "--format", "epub,pdf"], project)  # fills the cache
        row("EPUB + PDF, cold start", ours_both, both, 1.0 if label == "sample article" else None)
        # Straight after the same build, so the cache holds exactly these editions.
        again = measure([str(BIN / "pressroom"), "build", "-q", "--format", "epub,pdf"], project)
        print(f"{'unchanged rebuild (target < 0.5 s)':44} {again['wall']:7.2f} s "
              f"{again['rss_kib'] / 1024:7.0f} MiB")
        ours_pdf = measure([str(BIN / "pressroom"), "build", "-q", "--format", "pdf"], project)
        row("PDF only", ours_pdf, p_pdf, 0.75 if label == "generated book" else None)
        if label == "generated book" and ours_pdf["rss_kib"] > 1024 * 1024:
            print(f"{'':44} peak memory over 1 GiB: MISSES target")
    catalogue = work / "catalogue"
    (catalogue / "source").mkdir(parents=True)
    for i in range(200):
        folder = catalogue / "source" / f"article-{i:03d}"
        folder.mkdir()
        (folder / "a.md").write_text(f"---\ntitle: Article {i}\nlang: en\n---\n\n"
                                     + "\n\n".join(["Some text of an article, sentence after sentence."] * 12))
    help_text = subprocess.run([str(BIN / "pressroom"), "build", "--help"], capture_output=True, text=True).stdout
    if "--jobs" in help_text:
        one = measure([str(BIN / "pressroom"), "build", "-q", "--format", "epub,pdf", "--jobs", "1",
                       "-o", str(work / "c1")], catalogue)
        many = measure([str(BIN / "pressroom"), "build", "-q", "--format", "epub,pdf", "-o", str(work / "c2")],
                       catalogue)
        speedup = one["wall"] / many["wall"]
        print(f"-- 200 articles: --jobs 1 {one['wall']:.1f} s, default {many['wall']:.1f} s, "
              f"speed-up {speedup:.2f} (target >= 1.7)")
    else:
        one = measure([str(BIN / "pressroom"), "build", "-q", "--format", "epub,pdf"], catalogue)
        print(f"-- 200 articles, one process: {one['wall']:.1f} s (no --jobs yet)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
