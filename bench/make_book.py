"""Generate a long book for benchmarks: chapters with footnotes, tables and code.

    python bench/make_book.py OUT_FOLDER [--chapters 64]

About 64 chapters make some 500 A5 pages. The text is deterministic (a
seeded generator), so every run benchmarks the same book.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = ("movement strike union council assembly worker peasant capital state crisis programme "
         "struggle party demand wage land reform army election power class history question "
         "independence colonial market debt organisation solidarity strategy tactic alliance").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 24))]
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", ";"]).replace(";", ".")


def paragraph(rng: random.Random, note: int | None = None) -> str:
    text = " ".join(sentence(rng) for _ in range(rng.randint(4, 8)))
    return text + (f"[^{note}]" if note else "")


def chapter(number: int, rng: random.Random) -> str:
    parts = [f"# Chapter {number}: The {rng.choice(WORDS)} and the {rng.choice(WORDS)}\n"]
    notes = []
    for section in range(1, 5):
        parts.append(f"## Section {number}.{section}\n")
        for _ in range(6):
            note = len(notes) + 1 if rng.random() < 0.3 else None
            if note:
                notes.append(f"[^{note}]: {sentence(rng)} {sentence(rng)}")
            parts.append(paragraph(rng, note) + "\n")
        if section == 2:
            rows = "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(10, 9999)} | {rng.randint(1, 99)}% |"
                             for _ in range(8))
            parts.append(f"| Item | Count | Share |\n|---|---:|---:|\n{rows}\n")
        if section == 3:
            parts.append("```python\ndef tally(rows):\n    return sum(row.count for row in rows"
                         " if row.share > 0.5)  # a long line that must wrap in print\n```\n")
    return "\n".join(parts + notes) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chapters", type=int, default=64)
    args = parser.parse_args()
    rng = random.Random(1917)
    folder = args.out
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for number in range(1, args.chapters + 1):
        name = f"chapter-{number:03d}.md"
        (folder / name).write_text(chapter(number, rng), encoding="utf-8")
        names.append(name)
    (folder / "publication.yaml").write_text(
        "title: A Long Book for Benchmarks\nlang: en\ntype: book\ncontents:\n"
        + "".join(f"  - {n}\n" for n in names), encoding="utf-8")


if __name__ == "__main__":
    main()
