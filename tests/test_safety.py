"""Nothing lost: interrupted and concurrent builds leave whole editions behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

from conftest import SOURCE_DATE_EPOCH, epubcheck, make_project

LONG = "---\ntitle: Long\nlang: en\n---\n\n" + "\n\n".join(
    f"## Part {i}\n\n" + " ".join(["A sentence of some length to fill the page."] * 40) for i in range(60)
)


def _run(project: Path, *args: str, quiet: bool = True) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            "-C",
            str(project),
            *(["-q"] * quiet),
            "--format",
            "epub,pdf",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_an_interrupted_build_leaves_the_editions_as_they_were(tmp_path):
    project = make_project(tmp_path, {"source/long/a.md": LONG})
    assert _run(project).wait(timeout=300) == 0
    before = _snapshot(project / "dist")
    (project / "source/long/a.md").write_text(LONG.replace("Part 1\n", "Part One\n"), encoding="utf-8")
    proc = _run(project, quiet=False)
    lines: list[str] = []
    typesetting = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            if "typesetting the print edition" in line:
                typesetting.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not typesetting.wait(timeout=120):
        proc.kill()
        raise AssertionError("the build never said it was typesetting:\n" + "".join(lines))
    proc.send_signal(signal.SIGINT)  # while the print edition is typeset
    proc.wait(timeout=120)
    reader.join(timeout=30)
    err = "".join(lines)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert _snapshot(project / "dist") == before, "no edition changed, no temporary file left"


def test_two_builds_at_once_do_not_corrupt_each_other(tmp_path):
    project = make_project(tmp_path, {"source/long/a.md": LONG})
    first, second = _run(project), _run(project)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0, first.stderr.read() + second.stderr.read()
    names = sorted(p.name for p in (project / "dist").iterdir())
    assert names == ["SHA256SUMS", "long.epub", "long.pdf"], names
    check = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=project / "dist", capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    with zipfile.ZipFile(project / "dist/long.epub") as z:
        assert z.testzip() is None
    assert epubcheck(project / "dist/long.epub") == []
    assert (project / "dist/long.pdf").read_bytes().rstrip().endswith(b"%%EOF")
