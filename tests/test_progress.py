"""A build's progress: the snapshots each publication's work sends (in the
build's process and from local workers), the bars drawn from them on a
terminal, and the plain lines everywhere else."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import Exit
from pipeline.cli import bars, main
from pipeline.run import build
from pipeline.run.progress import Board, Reporter, Snapshot, estimate_pages, guarded
from conftest import make_project, source_date_epoch

ONE = "---\ntitle: One\nlang: en\n---\n\n# One\n\n" + "Words of the first chapter. " * 40 + "\n"
TWO = "# Two\n\n" + "Words of the second chapter. " * 40 + "\n"
BROKEN = "---\ntitle: Broken\nlang: en\n---\n\nSee ![a map](gone.png).\n"


@pytest.fixture(autouse=True)
def _reproducible():
    with source_date_epoch():
        yield


# --- the model --------------------------------------------------------------------


@pytest.mark.fast
def test_a_snapshot_never_goes_back():
    board = Board()
    board.take(Snapshot("alpha", "typesetting", 2, 2, 5, 12, False, 0, 4))
    # The parent records it written before the worker's last snapshot arrives.
    board.take(Snapshot("alpha", "written", editions=4, editions_total=4))
    late = board.take(Snapshot("alpha", "archiving", 2, 2, 9, 9, True, 3, 4))
    assert late == Snapshot("alpha", "written", 2, 2, 9, 9, True, 4, 4)
    assert late.fraction() == 1.0


@pytest.mark.fast
def test_an_estimate_gives_way_to_the_count_and_never_comes_back():
    state = Snapshot("alpha").merge(Snapshot("alpha", "typesetting", pages=3, pages_total=10))
    assert state.counts() == "chapters 0/? · pages 3/~10 · editions 0/?"
    state = state.merge(Snapshot("alpha", "typesetting", pages=14, pages_total=10))
    assert "pages 14/~15" in state.counts() and state.fraction() < 0.15 + 0.6, "an estimate passed is raised"
    state = state.merge(Snapshot("alpha", "typesetting", pages=16, pages_total=16, pages_counted=True))
    state = state.merge(Snapshot("alpha", "packaging", pages_total=10))
    assert "pages 16/16" in state.counts()


@pytest.mark.fast
def test_the_fraction_done_grows_with_each_stage():
    steps = [
        Snapshot("a"),
        Snapshot("a", "reading", 1, 4, pages_total=20),
        Snapshot("a", "reading", 4, 4, pages_total=20),
        Snapshot("a", "typesetting", 4, 4, 10, 20),
        Snapshot("a", "packaging", 4, 4, 20, 20, True, 1, 4),
        Snapshot("a", "archiving", 4, 4, 20, 20, True, 2, 4),
        Snapshot("a", "written", 4, 4, 20, 20, True, 4, 4),
    ]
    fractions = [s.fraction() for s in steps]
    assert fractions == sorted(fractions) and len(set(fractions)) == len(fractions), fractions
    assert fractions[0] == 0.0 and fractions[-1] == 1.0


@pytest.mark.fast
def test_a_reporter_without_a_sender_sends_nothing_and_one_whose_listener_is_gone_stops():
    silent = Reporter("alpha")
    silent.stage("reading")
    assert silent.state == Snapshot("alpha"), "nothing is even kept"
    sent: list[Snapshot] = []

    def gone(snapshot):
        sent.append(snapshot)
        raise BrokenPipeError

    reporter = Reporter("alpha", gone)
    reporter.page(1)
    reporter.page(2)
    assert sent == [Snapshot("alpha", pages=1)], "the work goes on without its listener"


@pytest.mark.fast
def test_a_sink_that_fails_is_not_called_again():
    calls: list[Snapshot] = []

    def broken(snapshot):
        calls.append(snapshot)
        raise RuntimeError("the bars broke")

    send = guarded(broken)
    assert send is not None and guarded(None) is None
    send(Snapshot("alpha"))
    send(Snapshot("beta"))
    assert calls == [Snapshot("alpha")]


@pytest.mark.fast
def test_pages_are_reported_only_as_their_count_grows():
    sent: list[Snapshot] = []
    reporter = Reporter("alpha", sent.append)
    for count in (1, 2, 3, 2, 3, 4):  # WeasyPrint making pages again
        reporter.page(count)
    assert [s.pages for s in sent] == [1, 2, 3, 4]
    assert estimate_pages(0) == 1 and estimate_pages(3500) == 10


# --- snapshots from a real build ----------------------------------------------------


def _stages(snapshots: list[Snapshot], slug: str) -> list[str]:
    seen: list[str] = []
    for s in snapshots:
        if s.slug == slug and (not seen or seen[-1] != s.stage):
            seen.append(s.stage)
    return seen


def test_a_publication_built_here_reports_its_chapters_pages_and_editions(tmp_path):
    project = make_project(tmp_path, {"source/alpha/01-one.md": ONE, "source/alpha/02-two.md": TWO})
    sent: list[Snapshot] = []
    result = build(project, formats=["pdf"], out_dir=tmp_path / "out", jobs=1, events=sent.append)
    pages = result.outputs[0].pages
    assert pages and pages > 1
    assert _stages(sent, "alpha") == ["waiting", "reading", "typesetting", "written"]
    reading = [s for s in sent if s.stage == "reading"]
    assert list(dict.fromkeys((s.chapters, s.chapters_total) for s in reading)) == [(0, None), (0, 2), (1, 2), (2, 2)]
    words = len((ONE + TWO).split())
    assert reading[-1].pages_total == estimate_pages(words), "an estimate from the words before the layout"
    laid = [s.pages for s in sent if s.stage == "typesetting"]
    assert laid[0] == 0 and laid == sorted(laid) and laid[-1] == pages, laid
    assert len(set(laid)) > 2, "pages are reported as they are laid out, not only at the end"
    board = Board()
    for s in sent:
        board.take(s)
    assert board.rows["alpha"] == Snapshot("alpha", "written", 2, 2, pages, pages, True, 1, 1)


def test_publications_built_in_workers_send_their_progress_across(tmp_path):
    project = make_project(tmp_path, {"source/alpha/article.md": ONE, "source/beta/article.md": ONE})
    sent: list[Snapshot] = []
    result = build(project, formats=["pdf"], out_dir=tmp_path / "out", jobs=2, events=sent.append)
    for output in result.outputs:
        slug = output.publication
        # Only the worker knows it is typesetting: its snapshots crossed the process boundary.
        assert _stages(sent, slug)[:3] == ["waiting", "reading", "typesetting"], _stages(sent, slug)
        board = Board()
        for s in sent:
            board.take(s)
        assert board.rows[slug] == Snapshot(slug, "written", 1, 1, output.pages or 0, output.pages, True, 1, 1)


def test_on_a_dask_cluster_the_parent_reports_each_publication_waiting_then_written(tmp_path):
    distributed = pytest.importorskip("distributed")
    project = make_project(tmp_path, {"source/alpha/article.md": ONE})
    sent: list[Snapshot] = []
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        build(
            project,
            formats=["epub"],
            out_dir=tmp_path / "out",
            executor="dask",
            scheduler=cluster.scheduler_address,
            events=sent.append,
        )
    assert sent == [Snapshot("alpha"), Snapshot("alpha", "written", editions=1, editions_total=1)]


def test_the_plain_lines_are_those_of_a_build_without_progress(tmp_path, capsys):
    project = make_project(tmp_path, {"source/alpha/article.md": ONE})
    assert main(["build", "-C", str(project), "-j", "1", "-f", "epub,pdf"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "pressroom: reading alpha",
        "pressroom: alpha: typesetting the print edition",
        "pressroom: alpha: packaging the EPUB edition",
        "pressroom: alpha: 2 files written",
    ]


def test_a_build_not_on_a_terminal_does_not_import_rich(tmp_path):
    # A publication that fails in reading: the command runs through, quickly, without a layout.
    project = make_project(tmp_path, {"source/broken/article.md": BROKEN})
    code = (
        "import sys; from pipeline.cli import main; "
        f"status = main(['build', '-C', {str(project)!r}, '-j', '1']); "
        "print(status, 'rich' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent, check=True
    )
    assert run.stdout.split() == [str(int(Exit.INPUT)), "False"], run
    assert "pressroom: broken: failed; its editions were left as they were" in run.stderr


# --- the bars -------------------------------------------------------------------------


@pytest.mark.fast
def test_the_bars_show_each_publication_with_its_stage_and_counts():
    from rich.console import Console

    screen = io.StringIO()
    with bars.Bars(Console(file=screen, force_terminal=True, width=140), delay=0) as shown:
        shown.event(Snapshot("alpha"))
        shown.event(Snapshot("alpha", "typesetting", 2, 2, 7, 30))
        shown.say("beta: up to date")
        shown.event(Snapshot("gamma", "reading", 1, 3))
    text = screen.getvalue()
    assert "pressroom: beta: up to date" in text, "lines are printed above the bars"
    last = text[text.rindex("alpha") :]  # the bars as they were left
    assert "typesetting" in last and "chapters 2/2 · pages 7/~30 · editions 0/?" in last, last
    assert "gamma" in last and "chapters 1/3" in last, last
    assert "\x1b[?25h" in text, "the cursor is given back"


@pytest.mark.fast
def test_the_bars_wait_before_showing_and_then_print_nothing_of_their_own():
    screen = io.StringIO()
    with bars.Bars(_console(screen), delay=60) as shown:
        shown.event(Snapshot("alpha", "written"))
    assert screen.getvalue() == "", "a quick build shows no bars"


def _console(stream):
    from rich.console import Console

    return Console(file=stream, force_terminal=True, width=140)


def test_a_build_on_a_terminal_draws_bars_and_the_table_after_them(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(bars, "DELAY", 0)
    monkeypatch.delenv("NO_COLOR", raising=False)
    project = make_project(tmp_path, {"source/alpha/article.md": ONE, "source/broken/article.md": BROKEN})
    assert main(["build", "-C", str(project), "-j", "1", "-f", "epub"]) == Exit.INPUT
    out, err = capsys.readouterr()
    assert "written" in err and "editions 1/1" in err and "failed" in err, err
    assert "pressroom: alpha: 1 file written" in err, err
    assert out.split()[:5] == ["edition", "file", "size", "pages", "checks"]
    # The problems and the summary come after the bars, on lines of their own.
    bars_end = err.rindex("editions 1/1")
    assert err.index("pressroom: broken failed with 1 error") > bars_end, err
    assert err.splitlines()[-1].startswith("\x1b[31mpressroom: 1 of 2 publications failed"), err


def test_quiet_on_a_terminal_shows_no_progress(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("TERM", "xterm")

    def refused(*args, **kwargs):
        raise AssertionError("no bars with -q")

    monkeypatch.setattr(bars, "Bars", refused)
    project = make_project(tmp_path, {"source/alpha/article.md": ONE})
    assert main(["build", "-C", str(project), "-q", "-j", "1", "-f", "epub"]) == 0
    assert capsys.readouterr() == ("", "")
