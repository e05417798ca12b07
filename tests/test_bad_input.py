"""Bad input at the reading stage: each mistake in tests/bad_input.py is
reported with its file, line and hint by loading and reading the
publication, as a build does before it makes any edition; no edition is
made, so every case takes a fraction of a second. test_errors.py takes a
few of them through a whole build and the command.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bad_input import ARTICLE, CASES, COLLECTION, Case, article, assert_located, write_files
from conftest import make_project
from pipeline.errors import Diagnostics
from pipeline.run.gate import gate
from pipeline.run.task import Task
from pipeline.run.work import read as read_task
from pipeline.sources import load

pytestmark = pytest.mark.fast


def read(project: Path, strict: bool = False) -> list:
    """Every diagnostic of loading and reading each publication of the
    project, through the --strict gate, as the build reports them: the
    build's own reading step and gate, without making an edition."""
    found = []
    for folder in sorted((project / "source").iterdir()):
        diags = Diagnostics(project)
        read_task(Task(project, folder, ("epub", "pdf", "archive"), strict), diags)
        found += gate(diags.items, strict)[0]
    return found


def broken(case: Case, tmp_path: Path) -> tuple[Path, list]:
    """The case's project read when good (it must give no error), then
    with the broken files written over it."""
    project = make_project(tmp_path, case.good)
    assert [str(d) for d in read(project, case.strict) if d.severity == "error"] == [], "the good version fails"
    write_files(project, case.broken)
    return project, read(project, case.strict)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_problem_is_an_error_at_its_file_and_line(case, tmp_path):
    project, found = broken(case, tmp_path)
    matching = [d for d in found if d.severity == "error" and case.message in d.message]
    assert matching, f"no error mentions {case.message!r}:\n" + "\n".join(map(str, found))
    d = matching[0]
    assert_located(d, case)
    # A message that names a file the user does not have sends them looking for it.
    for d in found:
        if d.location is not None:
            assert (project / d.location.path).exists(), f"diagnostic names a missing file: {d}"


def test_malformed_front_matter_is_not_also_reported_as_a_missing_title(tmp_path):
    """The title is there, on line 2; only the YAML on line 4 is wrong."""
    project = make_project(
        tmp_path, {ARTICLE: "---\ntitle: A Fine Piece\nlang: en\ndescription: one: two\n---\n\nSome text.\n"}
    )
    found = read(project)
    assert any("malformed YAML" in d.message for d in found)
    assert [str(d) for d in found if "title" in d.message] == []


def test_metadata_and_content_problems_are_all_reported_at_once(tmp_path):
    """A wrong metadata key must not hide the missing image and the broken
    link: the user should see every problem in one run, not one per run."""
    project = make_project(
        tmp_path,
        {
            "source/piece/publication.yaml": "titel: A Fine Book\nlang: english\ncontents: [one.md, two.md]\n",
            "source/piece/one.md": "# One\n\nText.\n\n![A map](gone.png)\n",
            "source/piece/two.md": "# Two\n\nSee [nothing](#nowhere).\n",
        },
    )
    found = read(project)
    located = {(d.location.path, d.location.line) for d in found if d.location}
    expected = {
        ("source/piece/publication.yaml", 1),
        ("source/piece/publication.yaml", 2),
        ("source/piece/one.md", 5),
        ("source/piece/two.md", 3),
    }
    assert expected <= located, "reported:\n" + "\n".join(map(str, found))


# --- a chapter's or a piece's own front matter ----------------------------

BAD_FRONT = {  # front matter lines, the line of the problem, a fragment of the message
    "unknown-key": ("titel: A Piece\n", 2, "unknown metadata key 'titel'"),
    "wrong-type": ("title: A Piece\nsubtitle: [one, two]\n", 3, "'subtitle' must be text, not a list"),
    "impossible-date": ("title: A Piece\ndate: 2021-02-30\n", 3, "'2021-02-30' is not a date that exists"),
    "invalid-language": ("title: A Piece\nlang: english please\n", 3, "'english please' is not a valid BCP 47"),
}


def _loaded(project: Path, slug: str = "piece") -> list:
    diags = Diagnostics(project)
    load(project / "source" / slug, diags)
    return diags.items


@pytest.mark.parametrize("kind", BAD_FRONT)
def test_a_pieces_front_matter_is_checked_like_the_publications(kind, tmp_path):
    """The same mistake gets the same message whether it is in an article's
    front matter, which is the publication's metadata, or in a piece's own."""
    front, line, message = BAD_FRONT[kind]
    body = "Some text.\n"
    in_article = _loaded(make_project(tmp_path / "article", {ARTICLE: article(front, body)}))
    files = {**COLLECTION, "source/piece/two.md": article(front, body)}
    piece = _loaded(make_project(tmp_path / "collection", files))
    [from_article] = [d for d in in_article if message in d.message]
    [from_piece] = [d for d in piece if message in d.message]
    assert (from_piece.severity, from_piece.message, from_piece.hint) == (
        from_article.severity,
        from_article.message,
        from_article.hint,
    )
    assert from_piece.severity == "error"
    assert (from_piece.location.path, from_piece.location.line) == ("source/piece/two.md", line)
    assert str(from_piece).startswith(f"source/piece/two.md:{line}: error: ")


def test_the_first_file_of_a_book_without_a_manifest_is_checked_once(tmp_path):
    """Its front matter is the book's metadata: one message, not two; the
    other chapters' front matter is checked as their own."""
    project = make_project(
        tmp_path,
        {
            "source/piece/one.md": article("titel: A Book\nlang: en\n", "# One\n\nText.\n"),
            "source/piece/two.md": article("lang: english please\n", "# Two\n\nText.\n"),
        },
    )
    found = [(d.location.path, d.location.line, d.message) for d in _loaded(project)]
    assert [f for f in found if "titel" in f[2]] == [("source/piece/one.md", 2, "unknown metadata key 'titel'")]
    assert [f[:2] for f in found if "english please" in f[2]] == [("source/piece/two.md", 2)]


def test_good_front_matter_in_chapters_parts_and_back_matter_gives_no_message(tmp_path):
    """What the manifest adds to a file (its role, its part) is not taken for the writer's keys."""
    project = make_project(
        tmp_path,
        {
            "source/piece/publication.yaml": "title: A Fine Book\nlang: en\ncontents:\n  - part: The First\n"
            "    contents: [one.md]\n  - {file: two.md, role: back}\n",
            "source/piece/one.md": article(
                "title: One\nsubtitle: The start\nauthor: [Ann Writer, Bo Author]\nlang: fr\ndate: 2021-02-28\n",
                "# One\n\nText.\n",
            ),
            "source/piece/two.md": article("title: Two\nauthor: {name: Ann Writer, role: edt}\n", "# Two\n\nText.\n"),
        },
    )
    assert [str(d) for d in _loaded(project)] == []
