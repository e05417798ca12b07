"""Shared fixtures and helpers for the Pressroom test suite.

Builds are expensive (WeasyPrint typesets a PDF in seconds, EPUBCheck starts
a JVM), so each publication is built once per session or module and the
tests read the results.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

import pipeline
from pipeline import dates

REPO = Path(__file__).resolve().parent.parent
SAMPLE = "mali-mass-protests-and-coup"
# A fixed build time (2023-11-14T22:13:20Z) wherever reproducibility matters.
SOURCE_DATE_EPOCH = "1700000000"

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "cont": "urn:oasis:names:tc:opendocument:xmlns:container",
}


# --- environment -----------------------------------------------------------

# Ace by DAISY as `make setup-test` installs it, for the checks of a test run
# started without make (which sets ACE itself).
if (REPO / "tests" / "tools" / "node_modules").is_dir():
    os.environ.setdefault("ACE", str(REPO / "tests" / "tools" / "ace.sh"))


def source_date_epoch(value: str | None = SOURCE_DATE_EPOCH):
    """Set (or with None, unset) SOURCE_DATE_EPOCH for the duration of a block."""
    return dates.source_date_epoch(value)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


# --- projects --------------------------------------------------------------


def make_project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A project folder at tmp_path holding `files` (paths relative to the
    project, text written as UTF-8, bytes as they are); like a writer's
    project, it has no styles/ of its own unless `files` gives one, so the
    house styles apply."""
    project = Path(tmp_path)
    project.mkdir(parents=True, exist_ok=True)
    (project / "source").mkdir(exist_ok=True)
    for name, content in files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return project


@pytest.fixture(name="make_project")
def make_project_fixture():
    return make_project


# --- the repository's own project ------------------------------------------


@dataclass
class Built:
    result: pipeline.BuildResult
    out_dir: Path
    slug: str

    @property
    def epub(self) -> Path:
        return self.out_dir / f"{self.slug}.epub"

    @property
    def pdf(self) -> Path:
        return self.out_dir / f"{self.slug}.pdf"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Built:
    """The repository's project built once, into a temporary folder (never
    into the repository's dist/)."""
    out = tmp_path_factory.mktemp("sample-dist")
    with source_date_epoch():
        result = pipeline.build(REPO, [SAMPLE], out_dir=out)
    return Built(result, out, SAMPLE)


# --- EPUB ------------------------------------------------------------------


def epubcheck(path: Path) -> list[dict]:
    """Run EPUBCheck (the pipeline's runner, usage messages on); return every
    message (severity, ID, message, locations). An empty list means a clean EPUB."""
    from pipeline.checks import epubcheck_messages

    messages = epubcheck_messages(Path(path))
    assert messages is not None, f"EPUBCheck wrote no report on {path}"
    return [
        {
            "severity": m.get("severity"),
            "ID": m.get("ID"),
            "message": m.get("message"),
            "locations": [f"{loc.get('path')}:{loc.get('line')}:{loc.get('column')}" for loc in m.get("locations", [])],
        }
        for m in messages
    ]


def format_messages(messages: list[dict]) -> str:
    return "\n".join(f"{m['severity']} {m['ID']}: {m['message']} at {', '.join(m['locations'])}" for m in messages)


def epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def epub_xml(path: Path, name: str):
    return etree.fromstring(epub_files(path)[name])


def opf_path(path: Path) -> str:
    container = epub_xml(path, "META-INF/container.xml")
    return container.find(".//cont:rootfile", NS).get("full-path")


# --- PDF -------------------------------------------------------------------


def pdf_text_by_page(path: Path) -> list[str]:
    """The extracted text of each page, in page order."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def pdf_lines_by_page(path: Path) -> list[list[str]]:
    """Each page's text as stripped, non-empty lines."""
    return [[line.strip() for line in text.splitlines() if line.strip()] for text in pdf_text_by_page(path)]


def printed_folio(lines: list[str]) -> int | None:
    """The page number printed at the foot of a page (the last line when it
    is a bare number), or None for pages without a folio."""
    if lines and re.fullmatch(r"\d+", lines[-1]):
        return int(lines[-1])
    return None


def page_of_heading(pages: list[list[str]], heading: str, skip: set[int] = frozenset()) -> int | None:
    """The index of the first page with a line that is exactly `heading`.

    Running heads repeat a heading only on later pages, and the contents page
    (to skip) has the heading followed by leaders, so the first exact line is
    where the heading is set."""
    for index, lines in enumerate(pages):
        if index not in skip and heading in lines:
            return index
    return None
