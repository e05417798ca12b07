"""Errors as data: located diagnostics, collected before a build fails.

The library never prints or exits; it raises :class:`BuildError` carrying
every problem found (and, when some publications were built and others
failed, the result of the build), and the CLI decides how to show them.
"""

from __future__ import annotations

import enum
import os
import re
from dataclasses import dataclass, field
from pathlib import Path


class Exit(enum.IntEnum):
    """Exit statuses, one per kind of failure, so scripts can tell them apart."""

    OK = 0
    INPUT = 1  # the sources or metadata are wrong: the user fixes them
    USAGE = 2  # the command line is wrong
    CHECK = 3  # an edition was built but failed a check
    ENVIRONMENT = 4  # something outside the project is missing (a tool, a font)
    INTERNAL = 70  # a bug in Pressroom (EX_SOFTWARE)
    INTERRUPTED = 130


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


# A message quotes what it is about; a value of 25 KB quoted whole buries the
# message. Quoted values are cut to QUOTED characters, a whole message to LONGEST.
QUOTED, LONGEST = 100, 1000
_QUOTE = re.compile(r"'([^'\n]{%d,})'|\"([^\"\n]{%d,})\"" % (QUOTED + 1, QUOTED + 1))


def shortened(text: str | None) -> str | None:
    """The text with each long quoted value cut short with an ellipsis, and
    itself no longer than LONGEST characters."""
    if text is None:
        return None

    def cut(match: re.Match) -> str:
        quote = match.group()[0]
        return f"{quote}{match.group()[1:QUOTED]}…{quote}"

    text = _QUOTE.sub(cut, text)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error" or "warning"
    message: str
    location: Location | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", shortened(self.message))
        object.__setattr__(self, "hint", shortened(self.hint))

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass
class Diagnostics:
    """Collects problems so that all of them are reported at once."""

    root: Path | None = None
    items: list[Diagnostic] = field(default_factory=list)
    _said: set = field(default_factory=set, repr=False, compare=False)

    def _where(self, path, line, column) -> Location | None:
        if path is None:
            return None
        path = Path(path)
        if self.root is not None:
            # As named (a link is named, not where it leads), else links followed.
            for mine, root in (
                (os.path.abspath(path), os.path.abspath(self.root)),
                (os.path.realpath(path), os.path.realpath(self.root)),
            ):
                if Path(mine).is_relative_to(root):
                    return Location(Path(mine).relative_to(root).as_posix(), line, column)
        return Location(path.as_posix(), line, column)

    def error(self, message, path=None, line=None, column=None, hint=None) -> None:
        self._add(Diagnostic("error", message, self._where(path, line, column), hint))

    def warning(self, message, path=None, line=None, column=None, hint=None) -> None:
        self._add(Diagnostic("warning", message, self._where(path, line, column), hint))

    def _add(self, diagnostic: Diagnostic) -> None:
        # The same problem at the same place (two links on one line to one
        # missing page) is said once.
        if diagnostic not in self._said:
            self._said.add(diagnostic)
            self.items.append(diagnostic)

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def raise_if_errors(self, exit_code: Exit = Exit.INPUT) -> None:
        if self.errors:
            raise BuildError(list(self.items), exit_code)


def strictly(diagnostics: list[Diagnostic], strict: bool) -> list[Diagnostic]:
    """The --strict gate, for one publication's diagnostics: with strict,
    every warning is an error. A publication fails when this leaves an error."""
    if not strict:
        return list(diagnostics)
    return [Diagnostic("error", d.message, d.location, d.hint) if d.severity == "warning" else d for d in diagnostics]


def failing(diagnostics: list[Diagnostic], strict: bool) -> bool:
    return any(d.severity == "error" for d in strictly(diagnostics, strict))


class BuildError(Exception):
    """A build could not complete; carries every diagnostic and an exit status.

    result: when the build went ahead publication by publication, what it
    did (``pipeline.BuildResult``): the editions written for the publications
    that were built, and ``result.failed`` for the ones that were not. None
    when nothing was attempted (a wrong command line, no fonts, no cluster).
    """

    def __init__(self, diagnostics: list[Diagnostic], exit_code: Exit = Exit.INPUT, result=None):
        self.diagnostics = diagnostics
        self.exit_code = exit_code
        self.result = result
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__("\n".join(str(d) for d in errors) or "build failed")
