"""What a task on a cluster is sent (pipeline/run/inputs.py), the copy of
the project a worker makes from it (run/sandbox.py), and the files it
names that it was not sent (confine.noting_missing). Unit tests: no
cluster, no edition."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, make_project

from pipeline import confine
from pipeline.run import remote, sandbox
from pipeline.run.inputs import ABSENT, FILE, FOLDER, HOUSE, LINK, OTHER, UNREADABLE, Collector, Entry, Inputs
from pipeline.run.task import Task
from pipeline.version import __version__

pytestmark = pytest.mark.fast


def _project(tmp_path: Path) -> Path:
    project = make_project(
        tmp_path / "project",
        {
            "source/pub/a.md": "# A\n",
            "source/pub/images/x.png": b"\x89PNG not really",
            "source/other/b.md": "# B\n",
            "shared/logo.png": b"logo",
            "styles/print.css": "p { color: red }\n",
            "styles/fonts.css": (REPO / "styles/fonts.css").read_text(encoding="utf-8"),
        },
    )
    os.symlink("../../shared/logo.png", project / "source/pub/logo.png")
    os.symlink("/etc/hostname", project / "source/pub/outside.txt")
    os.mkfifo(project / "source/pub/pipe")
    return project


def _keep(collector: Collector, found: Inputs) -> None:
    """The task's blobs in this worker's store, as fetching them from a cluster leaves them."""
    for digest in found.blobs():
        sandbox.keep(digest, collector.read(digest))


def test_a_task_is_sent_its_folder_and_the_styles_and_nothing_else(tmp_path):
    project = _project(tmp_path)
    found = Collector(project).inputs(project / "source/pub")
    e = found.entries
    assert e["source/pub"] == Entry(FOLDER) and e["source/pub/images"] == Entry(FOLDER)
    assert e["source/pub/a.md"].kind == FILE and e["source/pub/a.md"].mtime > 0
    assert e["source/pub/pipe"] == Entry(OTHER)
    # A link is sent as a link; what it leads to inside the project is sent too.
    assert e["source/pub/logo.png"] == Entry(LINK, "../../shared/logo.png")
    assert e["shared/logo.png"].kind == FILE
    # One leading outside is sent as it is, and refused on the worker as here.
    assert e["source/pub/outside.txt"] == Entry(LINK, "/etc/hostname") and "etc/hostname" not in e
    # The project's own style is sent; one with the house's bytes is not (the worker has it).
    assert e["styles/print.css"].kind == FILE and e["styles/fonts.css"].kind == HOUSE
    assert not any(rel.startswith("source/other") for rel in e)
    assert found.blobs() == {
        e[r].data for r in ("source/pub/a.md", "source/pub/images/x.png", "shared/logo.png", "styles/print.css")
    }


def test_an_absolute_link_inside_the_project_is_sent_relative(tmp_path):
    project = _project(tmp_path)
    os.symlink(project / "shared/logo.png", project / "source/pub/absolute.png")
    found = Collector(project).inputs(project / "source/pub")
    assert found.entries["source/pub/absolute.png"] == Entry(LINK, "../../shared/logo.png")


def test_files_a_worker_names_are_added_once_and_missing_ones_marked_absent(tmp_path):
    project = _project(tmp_path)
    collector = Collector(project)
    found = collector.inputs(project / "source/pub")
    before = found.digest()
    assert collector.add(found, ["source/other/b.md", "nowhere/c.png", "../outside", "/etc/passwd"])
    assert found.entries["source/other/b.md"].kind == FILE
    assert found.entries["nowhere/c.png"] == Entry(ABSENT)
    assert "../outside" not in found.entries and "/etc/passwd" not in found.entries
    assert found.digest() != before
    assert not collector.add(found, ["source/other/b.md", "nowhere/c.png"]), "nothing new: not sent again"


def test_a_worker_makes_the_project_part_again_from_the_blobs(tmp_path):
    project = _project(tmp_path)
    collector = Collector(project)
    found = collector.inputs(project / "source/pub")
    _keep(collector, found)
    with sandbox.held(found) as root:
        assert (root / "source/pub/a.md").read_text() == "# A\n"
        assert (root / "source/pub/logo.png").read_bytes() == b"logo"
        assert os.readlink(root / "source/pub/outside.txt") == "/etc/hostname"
        assert (root / "styles/fonts.css").read_bytes() == (REPO / "styles/fonts.css").read_bytes()
        mtime = int((project / "source/pub/a.md").stat().st_mtime)
        assert int((root / "source/pub/a.md").stat().st_mtime) == mtime, "a file keeps its time (it may date the book)"
        assert not (root / "source/other").exists()
        # Confinement holds there as here: the link out is refused.
        refused = confine.check(root / "source/pub/outside.txt", root)
        assert isinstance(refused, confine.Refusal) and "outside the project" in refused.reason
        with sandbox.held(found) as again:
            assert again == root, "the other chapters of a book use the same copy"


def test_a_file_found_missing_is_noted_only_when_the_task_was_not_sent_it(tmp_path):
    project = _project(tmp_path)
    collector = Collector(project)
    found = collector.inputs(project / "source/pub")
    collector.add(found, ["nowhere/c.png"])
    _keep(collector, found)
    with sandbox.held(found) as root:
        with confine.noting_missing(sandbox.not_sent(root, found)) as missing:
            confine.check(root / "nowhere/c.png", root)  # known absent: the project lacks it too
            confine.check(root / "source/other/b.md", root)  # not sent: the project may have it
            confine.check(root / "source/pub/typo.png", root)  # in a folder sent whole: it is not there
            confine.check(tmp_path / "elsewhere.md", root)  # outside the copy: never asked for
            assert confine.missing_noted()
        assert [sandbox.place(root, p) for p in missing] == ["source/other/b.md"]
    assert not confine.missing_noted(), "noted only within the block"


def test_a_worker_of_another_version_names_both(tmp_path):
    project = _project(tmp_path)
    task = Task(project, project / "source/pub", ("epub",))
    outcome = remote.build(task, Inputs(), "0.0.1-other", "pressroom-test-")
    assert outcome.failure is not None and not outcome.editions
    message = outcome.diagnostics[0].message
    assert f"Pressroom {__version__}" in message and "0.0.1-other" in message


def test_an_outcome_comes_back_speaking_of_the_project(tmp_path):
    from pipeline.errors import Diagnostic, Location
    from pipeline.run.task import Outcome

    root, project = tmp_path / "copy/project", Path("/home/writer/books")
    root.mkdir(parents=True)
    outcome = Outcome(
        "pub",
        [Diagnostic("warning", f"cannot load {root.as_uri()}/shared/x.png", Location("source/pub/a.md", 3), None)],
        inputs=[root.resolve() / "shared/x.png"],
    )
    back = remote._back(outcome, root, project)
    assert back.diagnostics[0].message == f"cannot load {project.as_uri()}/shared/x.png"
    assert back.inputs == [project / "shared/x.png"]


def test_a_publication_dask_gave_up_on_is_a_located_error_that_names_the_workers(tmp_path):
    from pipeline.run.failures import given_none

    class KilledWorker(Exception):  # Dask's, by its name: distributed need not be installed here
        pass

    project = _project(tmp_path)
    outcome = given_none(Task(project, project / "source/pub", ("epub",)), KilledWorker("pressroom-task-pub"), None)
    error = outcome.diagnostics[0]
    assert "Dask workers building 'pub' stopped abruptly" in error.message and "--memory-limit" in error.hint
    assert error.location is not None and error.location.path == "source/pub"


def test_a_publication_task_finds_only_its_own_files_where_the_last_one_was_built(tmp_path):
    project = _project(tmp_path)
    collector = Collector(project)
    first, second = collector.inputs(project / "source/pub"), collector.inputs(project / "source/other")
    _keep(collector, first)
    _keep(collector, second)
    root = sandbox.publication(first)
    (root / ".cache/pressroom").mkdir(parents=True)
    (root / ".cache/pressroom/kept.json").write_text("{}")
    assert (root / "source/pub/a.md").exists()
    again = sandbox.publication(second)
    assert again == root, "the same place: what was parsed for the last one serves this one"
    assert (root / "source/other/b.md").read_text() == "# B\n"
    assert not (root / "source/pub").exists() and not (root / "shared").exists(), "nothing of the last task is left"
    assert not (root / ".cache").exists(), "nor what the last build kept: a task reads only what it was sent"


def test_a_file_wanted_through_a_link_is_never_read_past_the_link(tmp_path):
    project = _project(tmp_path)
    (tmp_path / "private").mkdir()
    (tmp_path / "private/notes.md").write_text("secret")
    os.symlink(tmp_path / "private", project / "shared/ext")
    collector = Collector(project)
    found = collector.inputs(project / "source/pub")
    assert collector.add(found, ["shared/ext/notes.md"])
    assert found.entries["shared/ext"] == Entry(LINK, str(tmp_path / "private"))
    assert "shared/ext/notes.md" not in found.entries
    assert all(b"secret" != collector.read(d) for d in found.blobs())
    assert not collector.add(found, ["shared/ext/notes.md"]), "the link was sent: nothing more to send"


def test_a_link_inside_the_project_leads_straight_to_its_file_in_the_copy(tmp_path):
    project = _project(tmp_path)
    # Through the project's own place: fine here, outside the worker's copy there.
    os.symlink(f"../../../{project.name}/shared/logo.png", project / "source/pub/roundabout.png")
    found = Collector(project).inputs(project / "source/pub")
    assert found.entries["source/pub/roundabout.png"] == Entry(LINK, "../../shared/logo.png")


def test_a_file_this_machine_cannot_read_is_refused_on_the_worker_as_here(tmp_path, monkeypatch):
    from pipeline.run import inputs as inputs_module

    project = _project(tmp_path)
    locked = project / "source/pub/locked.md"
    locked.write_text("# Locked\n")
    here = confine.check(locked, project)
    real_read = inputs_module._read

    def read(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(inputs_module, "_read", read)
    collector = Collector(project)
    found = collector.inputs(project / "source/pub")
    assert found.entries["source/pub/locked.md"].kind == UNREADABLE
    _keep(collector, found)
    with sandbox.held(found) as root:
        assert (root / "source/pub/locked.md").exists(), "listed as in the project"
        with confine.noting_missing(sandbox.not_sent(root, found), sandbox.unreadable_in(root, found)):
            there = confine.check(root / "source/pub/locked.md", root)
    assert isinstance(here, Path), "readable here: the test stands in for a file the user may not read"
    assert isinstance(there, confine.Refusal) and there.reason == "cannot be read: permission denied"


def test_a_file_missing_under_a_file_does_not_stop_the_copy(tmp_path):
    project = _project(tmp_path)
    collector = Collector(project)
    found = collector.inputs(project / "source/pub")
    collector.add(found, ["source/pub/a.md/x.png"])
    assert found.entries["source/pub/a.md/x.png"] == Entry(ABSENT)
    _keep(collector, found)
    with sandbox.held(found) as root:
        assert (root / "source/pub/a.md").is_file()
