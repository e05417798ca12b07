"""The --strict gate, the one place it is applied: to the warnings a cached
build recorded (whether its editions may be kept), to what reading found
(whether the editions are made) and to all a publication's diagnostics
(whether its editions are put in place)."""

from __future__ import annotations

from ..errors import Diagnostic, failing, strictly


def gate(diagnostics: list[Diagnostic], strict: bool) -> tuple[list[Diagnostic], bool]:
    """The diagnostics as reported (with strict, every warning an error) and
    whether the publication passes (none of them is an error)."""
    return strictly(diagnostics, strict), not failing(diagnostics, strict)
