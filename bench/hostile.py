"""Hostile sizes and shapes: how the time of each stage grows with the input.

    .venv/bin/python bench/hostile.py [CASE ...] [--dialect python-markdown]
                                      [--factors 1,2,4] [--stages read,pdf,epub] [--timeout 120]

Each case is a one-file article built at 1x, 2x and 4x its base size; for
each it prints the source's size and the seconds spent reading (Markdown and
the transforms), typesetting the print edition and writing the EPUB, and how
the build ended (ok, the first error, or a crash). Linear growth doubles the
time from one column to the next; quadratic growth quadruples it. Every run
is a fresh process with a time limit, so a case that hangs shows as a
timeout instead of stopping the bench.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _rows(n: int, cols: int) -> str:
    head = "| " + " | ".join(f"h{c}" for c in range(cols)) + " |\n"
    rule = "|" + "---|" * cols + "\n"
    return head + rule + "".join("| " + " | ".join(f"r{r}c{c}" for c in range(cols)) + " |\n" for r in range(n))


# name -> (base size, the source for a size)
CASES = {
    "brackets": (10_000, lambda n: "[" * n + "\n"),
    "bracket-links": (3_000, lambda n: "[a](b) [" * n + "\n"),
    "one-note-many-refs": (500, lambda n: "Text[^a] " * n + "\n\n[^a]: The note.\n"),
    "many-notes": (2_500, lambda n: "".join(f"Text[^n{i}]. " for i in range(n)) + "\n\n"
                   + "".join(f"[^n{i}]: Note {i}.\n" for i in range(n))),
    "long-paragraph": (250_000, lambda n: ("word " * (n // 5)) + "\n"),
    "long-word": (250_000, lambda n: "x" * n + "\n"),
    "headings": (1_000, lambda n: "".join(f"## Heading {i}\n\n" for i in range(n))),
    "same-headings": (5_000, lambda n: "## Same\n\n" * n),
    "links": (25_000, lambda n: "".join(f"[l{i}](https://example.org/{i}) " for i in range(n)) + "\n"),
    "anchor-links": (5_000, lambda n: "## Target\n\n" + "[](#target) " * n + "\n"),
    "table-rows": (2_500, lambda n: _rows(n, 3)),
    "table-columns": (125, lambda n: _rows(3, n)),
    "nested-quotes": (1_250, lambda n: ">" * n + " deep\n"),
    "nested-lists": (60, lambda n: "".join("  " * i + "- item\n" for i in range(n))),
    "nested-emphasis": (500, lambda n: "*a " * n + "b" + " a*" * n + "\n"),
    "emphasis-openers": (25_000, lambda n: "*a " * n + "\n"),
    "nested-divs": (2_500, lambda n: "<div>" * n + "x" + "</div>" * n + "\n"),
    "lt-line": (100_000, lambda n: "<" * n + "\n"),
    "amp-line": (100_000, lambda n: "&" * n + "\n"),
    "images": (300, lambda n: "![a picture](pic.png)\n\n" * n),
    "underscores": (25_000, lambda n: "_a " * n + "\n"),
    "backticks": (25_000, lambda n: "`a " * n + "\n"),
}

CHILD = r"""
import json, sys, time, traceback
from pathlib import Path
from pipeline.errors import Diagnostics
from pipeline.run.task import Task
from pipeline.run.work import read
stages = sys.argv[2].split(",")
project = Path(sys.argv[1])
times, status = {}, "ok"
try:
    diags = Diagnostics(root=project)
    t = time.perf_counter()
    import pipeline.sources, pipeline.document
    loaded = pipeline.sources.load(project / "source" / "hostile", diags)
    pub = pipeline.document.read_publication(loaded, project, diags)
    times["read"] = time.perf_counter() - t
    errors = [d for d in diags.items if d.severity == "error"]
    if errors:
        status = "error: " + errors[0].message[:70]
    else:
        warnings = [d for d in diags.items if d.severity == "warning"]
        if warnings:
            status = f"ok, {len(warnings)} warnings: " + warnings[0].message[:50]
        rendered = None
        if "pdf" in stages or "epub" in stages:
            from pipeline.pdf import render
            t = time.perf_counter()
            rendered = render(pub, project)
            times["pdf"] = time.perf_counter() - t
        if "epub" in stages:
            from pipeline.epub import build_epub
            t = time.perf_counter()
            build_epub(pub, project, {})
            times["epub"] = time.perf_counter() - t
except BaseException as exc:
    status = f"CRASH {type(exc).__name__}: {str(exc)[:60]}"
print(json.dumps({"times": times, "status": status}))
"""


def _project(root: Path, text: str, dialect: str) -> Path:
    folder = root / "source" / "hostile"
    folder.mkdir(parents=True)
    front = f"---\ntitle: Hostile\nlang: en\nmarkdown: {dialect}\n---\n\n"
    (folder / "article.md").write_text(front + text, encoding="utf-8")
    shutil.copy(REPO / "tests" / "data" / "pic.png", folder / "pic.png") \
        if (REPO / "tests" / "data" / "pic.png").exists() else _png(folder / "pic.png")
    return root


def _png(path: Path) -> None:
    from PIL import Image
    Image.new("RGB", (600, 400), "white").save(path, dpi=(300, 300))


def run(case: str, factor: int, dialect: str, stages: str, timeout: float) -> dict:
    base, make = CASES[case]
    text = make(base * factor)
    with tempfile.TemporaryDirectory() as tmp:
        project = _project(Path(tmp), text, dialect)
        start = time.perf_counter()
        try:
            out = subprocess.run([sys.executable, "-c", CHILD, str(project), stages], capture_output=True,
                                 text=True, timeout=timeout, cwd=REPO)
            result = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else \
                {"times": {}, "status": "CRASH " + out.stderr.strip().splitlines()[-1][:70]}
        except subprocess.TimeoutExpired:
            result = {"times": {}, "status": f"TIMEOUT after {timeout:.0f} s"}
        result["wall"] = time.perf_counter() - start
    result["bytes"] = len(text.encode())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=list(CASES))
    parser.add_argument("--dialect", default="commonmark", choices=["commonmark", "python-markdown"])
    parser.add_argument("--factors", default="1,2,4")
    parser.add_argument("--stages", default="read,pdf,epub")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    print(f"{'case':<22}{'x':>3}{'bytes':>10}{'read':>8}{'pdf':>8}{'epub':>8}  status")
    for case in args.cases:
        for factor in (int(f) for f in args.factors.split(",")):
            r = run(case, factor, args.dialect, args.stages, args.timeout)
            t = r["times"]
            cols = "".join(f"{t[s]:8.2f}" if s in t else f"{'-':>8}" for s in ("read", "pdf", "epub"))
            print(f"{case:<22}{factor:>3}{r['bytes']:>10}{cols}  {r['status']}", flush=True)
            if r["status"].startswith("TIMEOUT"):
                break  # a larger input would only take longer


if __name__ == "__main__":
    main()
