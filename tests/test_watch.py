"""Saves noticed by pipeline.watch, with system notifications and by polling."""

from __future__ import annotations

import os
import queue
import threading

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
    thread = threading.Thread(
        target=watch,
        args=(tmp_path, rebuilds.put, stop, 0.05),
        kwargs={"ready": ready.set, "ignored": [tmp_path / "out"]},
    )
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
    # A save right after is seen as well.
    (tmp_path / "source" / "a" / "second.md").write_text("More text.\n", encoding="utf-8")
    while (names := watching.get(timeout=WAIT)) is None:  # the style's own later events, if any
        pass
    assert names == ["a"]
    assert watching.empty() or all(n in (None, ["a"]) for n in list(watching.queue))


@pytest.mark.parametrize("polling", [True, False])
def test_a_file_saved_again_during_its_rebuild_is_rebuilt_again_and_once(polling, tmp_path, monkeypatch):
    """Within the same second as the save that started the rebuild: polling,
    which compares times to the second, does not see it; the watch does. And
    with notifications, which do see it, it is not rebuilt twice."""
    if polling:
        monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "1")
    article = tmp_path / "source" / "a" / "article.md"
    article.parent.mkdir(parents=True)
    calls: queue.Queue = queue.Queue()
    made = []

    def rebuild(names):
        made.append(names)
        calls.put((names, article.read_text(encoding="utf-8")))
        if len(made) == 1:  # the writer saves again while the first rebuild runs
            first = article.stat().st_mtime_ns
            article.write_text("Second.\n", encoding="utf-8")
            os.utime(article, ns=(first + 1000, first + 1000))

    ready, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=watch, args=(tmp_path, rebuild, stop, 0.05), kwargs={"ready": ready.set})
    thread.start()
    try:
        assert ready.wait(WAIT)
        article.write_text("First.\n", encoding="utf-8")
        assert calls.get(timeout=WAIT) == (["a"], "First.\n")
        assert calls.get(timeout=WAIT) == (["a"], "Second.\n")
    finally:
        stop.set()
        thread.join(WAIT)
    assert len(made) == 2, made  # none more by the time it stopped
