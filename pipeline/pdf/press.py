"""PDF/X for the press: a CMYK output intent, CMYK black, defined RGB.

WeasyPrint writes PDF/X-4 (the variant that keeps transparency, ICC colour
and tagging) when given ``pdf_variant="pdf/x-4"``; what it leaves undone is
here. The output intent is the committed FOGRA39 profile (``@color-profile
device-cmyk``); text and rules are set in pure black ink rather than an RGB
black the press would separate into four inks; the colours still in RGB
are turned into inks, and the boxes and crop marks set, once the pages are
joined (finish.py, inks.py). WeasyPrint's random XMP DocumentID is replaced
in the metadata (typeset.py) so the same sources still give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pydyf

from .engine import pdftree

VARIANT = "pdf/x-4"
PROFILE = "icc/FOGRA39.icc"  # inside styles/: the house profile, or the project's
# The registered characterization the profile was made from.
CONDITION = {
    "OutputConditionIdentifier": "FOGRA39",
    "RegistryName": "http://www.color.org",
    "OutputCondition": "Offset printing, ISO 12647-2:2004/Amd 1, coated paper (FOGRA39)",
}

BLACK = "device-cmyk(0 0 0 1)"
GREY = "device-cmyk(0 0 0 0.55)"


def sheet(project: Path) -> str:
    """CSS for a PDF/X edition: the output intent and ink colours."""
    return (
        f'@color-profile device-cmyk {{ src: url("{(project / "styles" / PROFILE).as_uri()}"); '
        "components: cyan, magenta, yellow, black; }\n"
        f"html, a {{ color: {BLACK}; }}\n"
        f"th, td {{ border-color: {GREY}; }}\n"
        f"thead th {{ border-color: {BLACK}; }}\n"
        f".admonition {{ border-color: {GREY}; }}\n"
        f"@page {{ @footnote {{ border-color: {BLACK}; }} }}\n"
    )


def finish(document, pdf) -> None:
    """Name the output condition."""
    for intent in pdftree.output_intents(pdf):
        for key, value in CONDITION.items():
            intent[key] = pydyf.String(value)
        intent["Info"] = pydyf.String(CONDITION["OutputCondition"])
