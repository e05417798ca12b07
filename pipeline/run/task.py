"""The work on one publication as plain data, which travels between
processes: the Task sent to wherever it runs, the Outcome sent back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, Exit

DEFAULT_MEMORY_LIMIT_MIB = 4096
DEFAULT_TIMEOUT_SECONDS = 600


@dataclass
class Task:
    project: Path
    folder: Path
    formats: tuple[str, ...]
    strict: bool = False
    epoch: str | None = None  # SOURCE_DATE_EPOCH of the parent: remote workers have their own environment
    memory_limit: int | None = None  # MiB of the process's resident memory; None: no limit
    timeout: float | None = None  # seconds; None: no limit
    # For an EPUB made without the print edition: the page-list kept from a
    # print layout of the same sources (pipeline/run/pagelists.py), and
    # whether to typeset one for it when none is kept (--page-list).
    cached_pages: dict[str, str] | None = None
    page_list: bool = False
    press: dict = field(default_factory=dict)  # print options given over the metadata's (options.with_press)


@dataclass
class Outcome:
    """What the work on one publication gave."""

    slug: str
    # What reading and then typesetting found, in that order, before the --strict gate.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # (edition, file name, the staged file or the bytes, pages), in the order the editions are made
    editions: list[tuple[str, str, bytes | Path, int | None]] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # files outside the folder the editions used
    pages: dict[str, str] | None = None  # the page-list of a print edition typeset now, for the cache
    pages_from: str | None = None  # where an EPUB made without the print edition got its page-list
    # A failure that is not a problem of the sources: Exit.ENVIRONMENT (out of
    # memory, a lost worker, an output folder that cannot be written) or
    # Exit.INTERNAL (a bug); None when the diagnostics alone decide.
    failure: Exit | None = None
    details: str | None = None  # the traceback of an internal error
    # On a cluster: files the task found missing that it was not sent, by
    # their place in the project; the task is tried again with them when the project has them.
    wanted: list[str] = field(default_factory=list)

    def failed(self, error: Diagnostic | None, failure: Exit, details: str | None = None) -> Outcome:
        """This publication's failure: what was found so far, and the error that ended it."""
        return Outcome(self.slug, self.diagnostics + ([error] if error else []), failure=failure, details=details)
