"""The extra files a publication's metadata lists for its archive
(``archive: {extra: [notes/README.txt, data/*.csv]}``), found and checked
when the publication is read, whatever is built: a wrong name is an error
of the sources, not of the archive.

Only the standard library and the confinement check are imported.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

from . import confine
from .confine import printable
from .errors import Diagnostics

WILDCARDS = ("*", "?", "[")
MAX_REFUSED = 10  # per pattern: data/* through a link to / would name every file there
HINT = "give paths inside the publication's folder: archive: {extra: [notes/README.txt, data/*.csv]}"


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _files_under(folder: Path) -> list[Path]:
    """The files of a folder named in the list, hidden ones left out, links to folders not followed."""
    found = []
    for here, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(here) / n for n in sorted(names) if not n.startswith(".")]
    return found


def extra_files(folder: Path, patterns: list[str], where: Path, line: int | None, diags: Diagnostics) -> list[Path]:
    """The real paths of the files ``patterns`` name, each checked by
    confine.py; each problem is an error at the metadata's ``archive`` line."""
    found: list[Path] = []
    root = Path(os.path.realpath(folder))
    for pattern in patterns:
        shown = printable(pattern)
        parts = PurePosixPath(pattern).parts
        if pattern.startswith("/") or "\\" in pattern or PureWindowsPath(pattern).drive or ".." in parts:
            diags.error(
                f"'archive.extra': '{shown}' is not a path inside the publication's folder", where, line, hint=HINT
            )
            continue
        if any(w in pattern for w in WILDCARDS):
            try:
                matches = sorted(folder.glob(pattern))
            except (ValueError, OSError) as exc:
                diags.error(f"'archive.extra': '{shown}' is not a pattern: {exc}", where, line, hint=HINT)
                continue
            # A pattern takes hidden files only when it names them (.config/*).
            if not any(p.startswith(".") for p in parts):
                matches = [m for m in matches if not _hidden(m, folder)]
        else:
            matches = [folder / pattern] if os.path.lexists(folder / pattern) else []
        if not matches:
            diags.error(
                f"'archive.extra': no file of the publication's folder matches '{shown}'",
                where,
                line,
                hint="check the name; paths are relative to the publication's folder",
            )
            continue
        refused = Diagnostics(diags.root)
        for match in matches:
            real = confine.real_path(match)
            if real is not None and real.is_relative_to(root) and real.is_dir():
                candidates = _files_under(match)
            elif real is not None and real.is_dir() and any(w in pattern for w in WILDCARDS):
                continue  # a folder a pattern happens to match; its files are not asked for
            else:
                candidates = [match]
            for candidate in candidates:
                name = candidate.relative_to(folder).as_posix()
                path = confine.confined(
                    candidate, refused, folder, confine.FOLDER, what=f"'archive.extra': '{name}'", at=where, line=line
                )
                if path is not None:
                    found.append(path)
        for diagnostic in refused.items[:MAX_REFUSED]:
            diags.error(diagnostic.message, where, line, hint=diagnostic.hint)
        if len(refused.items) > MAX_REFUSED:
            diags.error(
                f"'archive.extra': '{shown}': {len(refused.items) - MAX_REFUSED} more files refused",
                where,
                line,
                hint=HINT,
            )
    return list(dict.fromkeys(found))
