"""Pressroom as a writer installs it: the wheel, in a fresh virtual
environment outside the repository, starting a project with no styles/.

The dependencies come from the package index at the versions of the lock
(pip's cache makes a second run quick); Pressroom itself only from the wheel
made here, so nothing of the repository can be read by the installed tool.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, epubcheck


def _run(args, cwd: Path, env=None, timeout=900) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _constraints(lock: Path, out: Path) -> Path:
    """The lock's pins without their hashes: pip checks hashes only when every
    requirement has one, and the wheel made here has none."""
    pins = [
        line.rstrip(" \\") for line in lock.read_text(encoding="utf-8").splitlines() if re.match(r"[A-Za-z0-9]", line)
    ]
    out.write_text("\n".join(pins) + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The sdist and the wheel, as `python -m build` makes them (the wheel from the sdist)."""
    out = tmp_path_factory.mktemp("packages")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPO], cwd=out)
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    return wheels[0], sdists[0]


@pytest.fixture(scope="module")
def installed(made, tmp_path_factory):
    """A virtual environment with the wheel installed; its bin/ folder."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", venv], cwd=venv)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    constraints = _constraints(REPO / "requirements.lock", venv / "constraints.txt")
    _run(
        [
            venv / "bin" / "python",
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--constraint",
            constraints,
            made[0],
        ],
        cwd=venv,
        env=env,
        timeout=1500,
    )
    return venv / "bin"


def test_the_wheel_carries_the_house_styles_fonts_and_licences(made):
    wheel, sdist = made
    names = zipfile.ZipFile(wheel).namelist()
    house = sorted(p.relative_to(REPO / "styles").as_posix() for p in (REPO / "styles").rglob("*") if p.is_file())
    assert house and all(f"pipeline/house/{rel}" in names for rel in house)
    assert "pipeline/house/fonts/charis/COPYRIGHT" in names and "pipeline/house/fonts/dejavu/COPYRIGHT" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "pipeline/cli/__init__.py" in names and "pipeline/scaffold/__init__.py" in names
    assert not any(n.startswith(("tests/", "source/")) for n in names)
    with tarfile.open(sdist) as tar:  # the sdist makes the same wheel: it holds the house styles
        members = tar.getnames()
    top = members[0].split("/")[0]
    assert f"{top}/styles/fonts.css" in members and f"{top}/setup.py" in members and f"{top}/LICENSE" in members


def test_an_installed_pressroom_starts_and_builds_a_project_anywhere(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{installed}{os.pathsep}{env.get('PATH', '')}"
    where = _run(
        [
            installed / "python",
            "-c",
            "import pipeline, pipeline.styles as s; print(pipeline.__file__); print(s.house())",
        ],
        cwd=tmp_path,
        env=env,
    ).stdout.split()
    assert all(Path(p).is_relative_to(installed.parent) for p in where), where  # not the repository's
    assert Path(where[1]).name == "house"

    done = _run([installed / "pressroom", "new", "first-book", "--kind", "book"], cwd=tmp_path, env=env)
    project = tmp_path / "first-book"
    assert "pressroom serve" in done.stdout
    assert not (project / "styles").exists()
    assert (project / ".gitignore").read_text().splitlines() == ["dist/", ".cache/"]
    assert "pressroom build" in (project / "README.md").read_text()

    done = _run([installed / "pressroom", "build", "--strict"], cwd=project, env=env)
    dist = project / "dist"
    assert {p.name for p in dist.iterdir()} >= {
        "first-book.epub",
        "first-book.pdf",
        "first-book.archival.pdf",
        "first-book.bag.tar",
        "SHA256SUMS",
    }, done.stderr
    assert epubcheck(dist / "first-book.epub") == []
    fonts = _run(["pdffonts", dist / "first-book.pdf"], cwd=project).stdout
    assert "Charis-SIL" in fonts, fonts  # the house fonts, from the package
    _run([installed / "pressroom", "verify", dist / "first-book.bag.tar"], cwd=project, env=env)
    assert not (project / "styles").exists()  # the build made none either

    # A project may copy one house sheet to change it; the build uses its copy.
    _run([installed / "pressroom", "styles", "print.css"], cwd=project, env=env)
    sheet = project / "styles" / "print.css"
    sheet.write_text(sheet.read_text() + "\nh1 { font-family: 'DejaVu Serif'; }\n")
    _run([installed / "pressroom", "build", "--strict", "-f", "pdf"], cwd=project, env=env)
    assert "DejaVu-Serif" in _run(["pdffonts", dist / "first-book.pdf"], cwd=project).stdout
