"""A battery of hostile inputs (tests/hostile_cases.py), built as one
catalogue: every case ends with a located message or a clean build; no
traceback, no internal error; no byte of a file outside the project in any
output; nothing unsafe or remote in an edition; a publication that fails
leaves nothing of itself in the output folder; one that is built passes
EPUBCheck and the PDF checks, and the output folder verifies.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SOURCE_DATE_EPOCH, epubcheck, format_messages, make_project
from hostile_cases import MARKER, OUTSIDE_FILES, Link, cases, outside_png
from pipeline import checks

CASES = cases()
# Anything an edition must never carry: code, or a reference to a remote
# resource (every hostile resource points at the reserved .invalid domain).
UNSAFE = re.compile(
    rb"(?i)javascript:|vbscript:|<script|\bon(load|error|click|mouseover)\s*=|tracker\.invalid"
    rb"|/JavaScript|/JS\s*[(<]|/Launch"
)


@dataclass
class Battery:
    project: Path
    returncode: int
    output: str

    def dist(self) -> Path:
        return self.project / "dist"

    def said_about(self, name: str) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith(f"source/{name}")]


def _place(folder: Path, files: dict, outside: Path) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            target = content.target
            target = outside / target.removeprefix("OUTSIDE").lstrip("/") if target.startswith("OUTSIDE") else target
            path.symlink_to(target)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content.replace("OUTSIDE_PATH", str(outside / "secret.txt")), encoding="utf-8")


@pytest.fixture(scope="module")
def battery(tmp_path_factory) -> Battery:
    root = tmp_path_factory.mktemp("hostile")
    outside = root / "outside"
    for name, text in OUTSIDE_FILES.items():
        (outside / name).parent.mkdir(parents=True, exist_ok=True)
        (outside / name).write_text(text, encoding="utf-8")
    (outside / "secret.png").write_bytes(outside_png())
    project = make_project(root / "project", {})
    for name, case in CASES.items():
        _place(project / "source" / name, case.files, outside)
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    # The timeout is a safety net against a hang, not a measure of speed.
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "-C", str(project), "--jobs", "2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    # Kept beside the project: the whole story when a case fails.
    (root / "build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return Battery(project, proc.returncode, proc.stdout + proc.stderr)


def _contents(name: str, data: bytes, depth: int = 0):
    """(name, bytes, packed) of a file and of everything packed in it: EPUB
    and zip members, tar members, a PDF's decoded objects and streams.
    `packed` is true for a container, whose own bytes hold its members'."""
    packed = data[:4] == b"PK\x03\x04" or data[:5] == b"%PDF-" or data[257:262] == b"ustar"
    yield name, data, packed
    if depth > 3:
        return
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for member in z.namelist():
                yield from _contents(f"{name}!{member}", z.read(member), depth + 1)
    elif data[:5] == b"%PDF-":
        from pypdf import PdfReader
        from pypdf.generic import StreamObject

        reader = PdfReader(io.BytesIO(data))
        for number in range(1, int(reader.trailer["/Size"])):
            try:
                obj = reader.get_object(number)
            except Exception:  # a free entry in the cross-reference table
                continue
            if isinstance(obj, StreamObject):
                # An embedded source file is the author's own text, kept as it is.
                kind = "#source" if obj.get("/Type") == "/EmbeddedFile" else ""
                yield f"{name}#{number}{kind}", obj.get_data(), False
            elif obj is not None:
                yield f"{name}#{number}", repr(obj).encode(), False
    else:
        try:
            archive = tarfile.open(fileobj=io.BytesIO(data))
        except tarfile.TarError:
            return
        with archive:
            for member in archive.getmembers():
                if member.isfile():
                    yield from _contents(f"{name}!{member.name}", archive.extractfile(member).read(), depth + 1)


def _editions(battery: Battery, name: str) -> list[Path]:
    return sorted(p for p in battery.dist().glob(f"{name}.*") if p.is_file())


def test_the_battery_never_ends_in_an_internal_error(battery):
    assert battery.returncode in (0, 1), battery.output[-5000:]
    assert "Traceback" not in battery.output, battery.output[-5000:]
    assert "internal error" not in battery.output, battery.output[-5000:]


def test_every_message_is_short_and_names_its_place(battery):
    for line in battery.output.splitlines():
        assert len(line) < 2000, line[:300]
        if re.search(r"\b(error|warning):", line) and not line.startswith("pressroom:"):
            assert line.startswith("source/"), line


@pytest.mark.parametrize("name", CASES)
def test_a_hostile_case_ends_in_a_located_message_or_a_clean_build(battery, name):
    case = CASES[name]
    said = battery.said_about(name)
    editions = _editions(battery, name)
    built = bool(editions)
    assert case.expect != "fail" or not built, f"{name} should have been refused:\n" + "\n".join(said)
    assert case.expect != "build" or built, f"{name} should have been built:\n" + "\n".join(said)
    if case.says:
        assert any(re.search(case.says, line) for line in said), "\n".join(said) or "nothing was said"
    if not built:
        assert any(": error:" in line for line in said), (
            f"{name} was not built, yet no located error names it:\n{battery.output[-3000:]}"
        )
        return
    names = {p.name for p in editions}
    assert names == {f"{name}.epub", f"{name}.pdf", f"{name}.archival.pdf", f"{name}.bag.tar"}, names
    messages = epubcheck(battery.dist() / f"{name}.epub")
    assert messages == [], format_messages(messages)
    for pdf in (f"{name}.pdf", f"{name}.archival.pdf"):
        result = checks.pdf(battery.dist() / pdf)
        assert result.passed, result.details


@pytest.mark.parametrize("name", CASES)
def test_no_edition_carries_an_outside_byte_or_unsafe_content(battery, name):
    for path in _editions(battery, name):
        for inner, data, packed in _contents(path.name, path.read_bytes()):
            assert MARKER.encode() not in data, f"{inner} carries a file from outside the project"
            if packed:
                continue
            # The bag keeps the author's own sources as they are; only what
            # is published from them is held to the rule.
            if "/data/source/" in inner or inner.endswith("#source"):
                continue
            found = UNSAFE.search(data)
            assert found is None, f"{inner} carries {found.group(0)!r}"


def test_the_output_folder_verifies(battery):
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "verify", str(battery.dist())], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


GOOD = "---\ntitle: Good\nlang: en\n---\n\n# Good\n\nA paragraph that builds.\n"


@pytest.mark.parametrize("name", ["link-stylesheet", "yaml-deep", "image-huge", "mdbook-include-outside"])
def test_a_refused_publication_leaves_its_editions_untouched(tmp_path, name):
    """Built once from good sources, then from hostile ones on their own:
    the output folder is exactly as it was, and still verifies."""
    outside = tmp_path / "outside"
    for file, text in OUTSIDE_FILES.items():
        (outside / file).parent.mkdir(parents=True, exist_ok=True)
        (outside / file).write_text(text, encoding="utf-8")
    project = make_project(tmp_path / "project", {f"source/{name}/article.md": GOOD})
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    command = [sys.executable, "-m", "pipeline", "build", "-C", str(project), name]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in (project / "dist").iterdir()}
    folder = project / "source" / name
    for path in folder.iterdir():
        path.unlink()
    _place(folder, CASES[name].files, outside)
    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert second.returncode == 1, second.stdout + second.stderr
    assert "Traceback" not in second.stderr
    assert any(line.startswith(f"source/{name}") and ": error:" in line for line in second.stderr.splitlines()), (
        second.stderr
    )
    assert {p.name: p.read_bytes() for p in (project / "dist").iterdir()} == before
    verify = subprocess.run(
        [sys.executable, "-m", "pipeline", "verify", str(project / "dist")], capture_output=True, text=True, timeout=600
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
