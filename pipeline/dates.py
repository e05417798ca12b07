"""Reproducible timestamps: one place decides what 'now' means for a build.

SOURCE_DATE_EPOCH wins when set; then the last commit that touched the
publication's folder; then the publication's own date; then the newest
source file. Never the clock, so the same sources give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
from pathlib import Path


def _git_time(folder: Path) -> int | None:
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if not out.isdigit():
        return None
    # Uncommitted changes mean the commit time no longer describes the sources.
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", "."], cwd=folder, capture_output=True, text=True, timeout=10, check=False
    ).stdout
    return None if status.strip() else int(out)


def fixed_time(folder: Path) -> tuple[str, int] | None:
    """What decides the build time before any source is read: ("epoch",
    seconds) from SOURCE_DATE_EPOCH, or ("commit", seconds) from the last
    commit of a folder without changes; None when the sources decide (the
    publication's date, else the newest file's time). The cache keys on it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return "epoch", int(epoch)
    commit = _git_time(folder)
    if commit is not None:
        return "commit", commit
    return None


def build_time(folder: Path, date: str | None, files: list[Path]) -> dt.datetime:
    fixed = fixed_time(folder)
    if fixed is not None:
        return dt.datetime.fromtimestamp(fixed[1], dt.UTC)
    if date:
        parts = [int(p) for p in date.split("-")] + [1, 1]
        return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC)
    newest = max((int(p.stat().st_mtime) for p in files if p.exists()), default=0)
    return dt.datetime.fromtimestamp(newest, dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextlib.contextmanager
def source_date_epoch(value: str | None):
    """Set (or with None, unset) SOURCE_DATE_EPOCH for a block: a worker takes
    on the build time of the process that sent it the work."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def in_words(date: str, lang: str) -> str:
    """A W3C date (YYYY, YYYY-MM or YYYY-MM-DD, already validated) as the
    publication's language writes it: "18 August 2020", "18. August 2020",
    "August 2020". Unchanged when the language has no locale data."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return date  # a year is written the same everywhere: no need to load Babel
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date, format_skeleton

    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return date
    if len(parts) == 2:
        return format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=locale)
    return format_date(dt.date(*parts), format="long", locale=locale)
