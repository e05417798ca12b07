"""The bench's measuring: a build in a fresh process, its wall time and peak
memory, pandoc's inputs in book order, and the targets' verdicts.

Every command runs under a small wrapper process, so that the peak memory
(the largest resident set of the process tree's processes) covers exactly
that build. Pressroom runs from this checkout (PYTHONPATH), whatever the
environment's installed copy is, from bytecode as an installed copy does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PRESSROOM = [str(BIN / "pressroom")]

# Runs a command and prints its wall time and the peak RSS of its process tree (KiB).
MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "wall = time.perf_counter() - t\n"
    "print(json.dumps({'wall': wall, 'rss_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    " 'code': done.returncode, 'err': done.stderr.decode(errors='replace')[-2000:]}))\n"
)


def environment() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    # Bytecode is written and used, as for an installed copy (pip compiles it):
    # without it a cold start of one article compiles Pressroom's modules, 0.06 s.
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        **inherited,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO) + (os.pathsep + path if path else ""),
    }


def measure(command: list[str], cwd: Path) -> dict:
    out = subprocess.run([PYTHON, "-c", MEASURE, *command], cwd=cwd, capture_output=True, text=True, env=environment())
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result['err']}{out.stderr}")
    return result


def pressroom(project: Path, *options: str) -> dict:
    """One `pressroom build` as a user types it, in the project folder. With
    --no-cache, a cold build: the layouts kept in .cache/ go first too."""
    if "--no-cache" in options:
        shutil.rmtree(project / ".cache", ignore_errors=True)
    return measure([*PRESSROOM, "build", "-q", *options], project)


def pandoc_path() -> str:
    try:
        import pypandoc
    except ImportError:
        raise SystemExit("pandoc is missing: .venv/bin/pip install -e '.[bench]' (pypandoc-binary)") from None
    return pypandoc.get_pandoc_path()


@dataclass
class PandocInput:
    """pandoc's view of a publication: its files concatenated in book order, from a folder."""

    files: list[str]
    cwd: Path
    options: list[str] = field(default_factory=list)

    def run(self, pandoc: str, out: Path, *extra: str) -> dict:
        return measure([pandoc, *self.files, *self.options, "-o", str(out), *extra], self.cwd)


def pandoc_input(publication: Path, work: Path) -> PandocInput:
    """The files of a publication in book order: publication.yaml's contents,
    an mdBook's SUMMARY.md (its includes expanded, as mdBook's preprocessor
    does, into a copy beside each file), or the Markdown files by name."""
    manifest = publication / "publication.yaml"
    if manifest.is_file():
        import yaml

        contents = yaml.safe_load(manifest.read_text(encoding="utf-8")).get("contents") or []
        return PandocInput(
            [str(publication / (c["file"] if isinstance(c, dict) else c)) for c in contents], publication
        )
    if (publication / "book.toml").is_file():
        return _mdbook_input(publication, work)
    return PandocInput([str(p) for p in sorted(publication.glob("*.md"))], publication)


def _mdbook_input(book: Path, work: Path) -> PandocInput:
    from pipeline.errors import Diagnostics
    from pipeline.layouts import includes, mdbook

    copy = work / f"pandoc-{book.name}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(book, copy)
    diags = Diagnostics(root=copy)
    layout = mdbook.load(copy / "book.toml", diags)
    assert layout is not None, diags.items
    files, folders = [], []
    for path, placement in layout.entries:
        if placement.role == "part":
            continue
        text = path.read_text(encoding="utf-8")
        path.write_text(includes.expand(path, text, 1, copy, diags).text, encoding="utf-8")
        files.append(str(path))
        if path.parent not in folders:
            folders.append(path.parent)
    # Images are named relative to each chapter's own file: pandoc looks for them from each folder.
    return PandocInput(files, copy, [f"--resource-path={os.pathsep.join(str(f) for f in folders)}"])


@dataclass
class Targets:
    """The issue's targets, each with its measured figure and verdict, printed together at the end."""

    rows: list[tuple[str, str, bool | None]] = field(default_factory=list)

    def ratio(self, label: str, ours: float, theirs: float, limit: float) -> None:
        self.rows.append((f"{label} (at most {limit})", f"{ours / theirs:.2f}", ours / theirs <= limit))

    def below(self, label: str, value: float, limit: float, unit: str) -> None:
        self.rows.append((f"{label} (under {limit:g} {unit})", f"{value:.2f} {unit}", value < limit))

    def at_least(self, label: str, value: float, limit: float) -> None:
        self.rows.append((f"{label} (at least {limit})", f"{value:.2f}", value >= limit))

    def print(self) -> None:
        print("\n== Targets of issue 15 (and the speed issue's, kept)")
        for label, figure, verdict in self.rows:
            print(f"{label:84} {figure:>12}   {'PASS' if verdict else 'MISS'}")


def row(label: str, ours: dict, theirs: dict | None = None) -> None:
    ratio = f"{ours['wall'] / theirs['wall']:.2f}" if theirs else "-"
    theirs_text = f"{theirs['wall']:7.2f} s {theirs['rss_kib'] / 1024:7.0f} MiB" if theirs else " " * 20
    print(f"{label:44} {ours['wall']:7.2f} s {ours['rss_kib'] / 1024:7.0f} MiB   {theirs_text}   {ratio}", flush=True)


def both(first: dict, second: dict) -> dict:
    """Two runs one after the other: their times added, the larger peak."""
    return {"wall": first["wall"] + second["wall"], "rss_kib": max(first["rss_kib"], second["rss_kib"])}


def best(runs: list[dict]) -> dict:
    """The fastest wall time and the highest peak memory of several runs."""
    return {"wall": min(r["wall"] for r in runs), "rss_kib": max(r["rss_kib"] for r in runs)}
