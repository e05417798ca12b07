"""Saves noticed by pipeline.watch, with system notifications and by polling."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from pipeline.watch import changed_publications, watch

WAIT = 60  # seconds, at most; each step goes on as soon as its change is seen


def test_a_change_names_its_publication_and_a_style_or_project_file_means_all(tmp_path):
    p = tmp_path
    assert changed_publications(p, [p / "source/a/x.md", p / "source/b/images/i.png"]) == {"a", "b"}
    assert changed_publications(p, [p / "source/new-one"]) == {"new-one"}
    assert changed_publications(p, [p / "source/a/x.md", p / "styles/base.css"]) is None
    assert changed_publications(p, [p / "pressroom.yaml"]) is None
    assert changed_publications(p, [tmp_path.parent / "elsewhere.md"]) == set()


@pytest.fixture(params=["notifications", "polling"])
def watching(request, tmp_path, monkeypatch):
    """watch() running on tmp_path in a thread; yields the queue of its rebuilds."""
    if request.param == "polling":
        monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "1")  # read by watchfiles itself
    (tmp_path / "source" / "a").mkdir(parents=True)
    rebuilds: queue.Queue = queue.Queue()
    ready, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=watch, args=(tmp_path, rebuilds.put, stop, 0.05),
                              kwargs={"ready": ready.set, "ignored": [tmp_path / "out"]})
    thread.start()
    try:
        assert ready.wait(WAIT), "the watching never began"
        yield rebuilds
    finally:
        stop.set()
        thread.join(WAIT)
    assert not thread.is_alive(), "the watch did not stop when told"


def test_saves_are_seen_also_in_a_styles_folder_made_later(watching, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.pdf").write_bytes(b"%PDF-")  # the output folder is not a source
    (tmp_path / "source" / "a" / "article.md").write_text("Text.\n", encoding="utf-8")
    assert watching.get(timeout=WAIT) == ["a"]
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "base.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    assert watching.get(timeout=WAIT) is None
    # A save right after is seen as well. (A new file: watchfiles' polling
    # compares times to the second, so a second save of one file within the
    # same second goes unseen there.)
    (tmp_path / "source" / "a" / "second.md").write_text("More text.\n", encoding="utf-8")
    while (names := watching.get(timeout=WAIT)) is None:  # the style's own later events, if any
        pass
    assert names == ["a"]
    assert watching.empty() or all(n in (None, ["a"]) for n in list(watching.queue))
