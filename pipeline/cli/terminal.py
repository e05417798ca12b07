"""What the command prints: problems on stderr (in colour on a terminal,
unless NO_COLOR is set) and tables on stdout."""

from __future__ import annotations

import os
import sys


def stderr(text: str, colour: str | None = None) -> None:
    if colour and not os.environ.get("NO_COLOR") and sys.stderr.isatty():
        text = f"\033[{colour}m{text}\033[0m"
    sys.stderr.write(text + "\n")


def report(diagnostics) -> None:
    for d in diagnostics:
        stderr(str(d), "31" if d.severity == "error" else "33")


def size(n: int) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MiB"


def table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
