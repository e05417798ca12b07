"""``pressroom styles``: copying house files into a project's styles/,
where they replace the house's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .. import styles
from ..errors import BuildError, Diagnostic, Exit, Location
from .projects import refuse


def copy_styles(project: Path, names: list[str]) -> list[Path]:
    """Copy house files (names inside styles/, or folders such as fonts) into
    the project's styles/, where they replace the house's; all or nothing."""
    house = styles.house_files()
    chosen: dict[str, Path] = {}
    problems = []
    for name in names:
        rel = name.strip().strip("/").removeprefix("styles/")
        found = {r: p for r, p in house.items() if r == rel or r.startswith(rel + "/")} if rel else house
        if not found:
            problems.append(
                Diagnostic(
                    "error",
                    f"'{name}' is not one of the house styles",
                    Location("styles"),
                    "'pressroom styles' lists them",
                )
            )
        chosen.update(found)
    for rel in list(chosen):  # a font travels with its licence
        if rel.startswith("fonts/") and rel.lower().endswith(styles.FONT_SUFFIXES):
            folder = rel.rsplit("/", 1)[0] + "/"
            chosen.update(
                {
                    r: p
                    for r, p in house.items()
                    if r.startswith(folder)
                    and "/" not in r[len(folder) :]
                    and not r.lower().endswith(styles.FONT_SUFFIXES)
                }
            )
    own = project / styles.STYLES
    if os.path.lexists(own) and not Path(os.path.realpath(own)).is_relative_to(os.path.realpath(project)):
        problems.append(
            Diagnostic(
                "error",
                "styles/ is a link to a place outside the project; nothing was copied",
                Location(str(own)),
                "make styles/ a folder of the project",
            )
        )
    for rel in chosen:
        if os.path.lexists(own / rel):
            problems.append(
                Diagnostic(
                    "error",
                    "the project has this file already; it was kept as it is",
                    Location(str(own / rel)),
                    "remove it first to start again from the house's",
                )
            )
    if problems:
        raise BuildError(problems, Exit.USAGE)
    copied = []
    try:
        for rel, path in chosen.items():
            (own / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, own / rel)
            copied.append(own / rel)
    except OSError as exc:
        raise refuse(
            f"the styles could not be copied: {exc.strerror or exc}",
            own,
            "check that the project's folder can be written",
            Exit.ENVIRONMENT,
        ) from None
    return copied
