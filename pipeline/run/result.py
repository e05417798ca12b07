"""What a build gives back: the editions written, the diagnostics, and the
publications kept (up to date), completed (after a stopped build) or failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, Exit

# When publications fail for different reasons, the build's status is the gravest.
GRAVITY = (Exit.INTERNAL, Exit.ENVIRONMENT, Exit.INPUT)


@dataclass
class Output:
    publication: str
    edition: str
    path: Path
    size: int
    pages: int | None = None


@dataclass
class Failure:
    """A publication that was not built: its previous editions were kept."""

    publication: str
    diagnostics: list[Diagnostic]  # all of its own, errors and warnings, located
    # Exit.INPUT: a problem in its sources; Exit.ENVIRONMENT: out of memory, a
    # lost worker, an output folder that cannot be written; Exit.INTERNAL: a bug.
    exit_code: Exit = Exit.INPUT
    details: str | None = None  # the traceback of an internal error


@dataclass
class BuildResult:
    outputs: list[Output] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)  # publications whose editions were kept (the cache)
    completed: list[str] = field(default_factory=list)  # publications whose placement a stopped build left half done
    failed: dict[str, Failure] = field(default_factory=dict)  # by publication, in publication order
    sent: int | None = None  # on a cluster: bytes of inputs sent to it (run/cluster.py)

    @property
    def exit_code(self) -> Exit:
        """Exit.OK, or the gravest status among the failed publications."""
        codes = {f.exit_code for f in self.failed.values()}
        return min(codes, key=lambda c: GRAVITY.index(c) if c in GRAVITY else len(GRAVITY), default=Exit.OK)
