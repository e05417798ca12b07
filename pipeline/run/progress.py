"""Each publication's progress while a build runs, as plain data, from
wherever its work runs to whatever draws it (pipeline/cli/bars.py).

The work on a publication reports through a Reporter: its stage, the
chapters read, the pages laid out and the editions written. Each change
sends the whole Snapshot (a small tuple), so a late or lost one costs
nothing: the parent's Board folds them into one state per publication that
never goes back. How a snapshot reaches the parent depends on where the
work runs:

- in the build's own process (--jobs 1): straight to the sink given to build();
- in local worker processes: through one one-way pipe the runner makes and
  hands to each worker as it starts (a Connection may be given to a process
  only then, not with each task). A snapshot is one write of less than
  PIPE_BUF bytes, which the system keeps whole, so the workers share no lock:
  one ended mid-way (the memory limit) leaves none held and no half message.
  A thread of the parent reads the pipe (Relay);
- on a Dask cluster: nothing from the workers; the parent reports when a
  publication starts and when it is written, the coarser grain a remote
  worker allows without a channel of its own.

Nothing is sent when no sink is given (-q, or a stream that is not a
terminal): the plain lines alone are printed then. Standard library only:
a worker imports this module whatever draws the bars.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import NamedTuple

STAGES = ("waiting", "reading", "typesetting", "packaging", "archiving", "written", "failed")
WORDS_PER_PAGE = 350  # the pages estimated from the words until the layout has counted them
# Shares of a publication's time, for its bar: laying out the pages dominates.
SHARES = {"chapters": 0.15, "pages": 0.6, "editions": 0.25}

Sink = Callable[["Snapshot"], None]


class Snapshot(NamedTuple):
    """Where one publication's work stands."""

    slug: str
    stage: str = "waiting"
    chapters: int = 0
    chapters_total: int | None = None
    pages: int = 0
    pages_total: int | None = None  # an estimate until pages_counted
    pages_counted: bool = False
    editions: int = 0
    editions_total: int | None = None

    def merge(self, newer: Snapshot) -> Snapshot:
        """This state updated by a newer snapshot of the same publication:
        nothing goes back (a worker's last snapshot may arrive after the
        parent recorded the publication written)."""
        stage = max(self.stage, newer.stage, key=STAGES.index)
        counted = self.pages_counted or newer.pages_counted
        pages_total = self.pages_total if self.pages_counted else newer.pages_total or self.pages_total
        return Snapshot(
            self.slug,
            stage,
            max(self.chapters, newer.chapters),
            newer.chapters_total or self.chapters_total,
            max(self.pages, newer.pages),
            pages_total,
            counted,
            max(self.editions, newer.editions),
            newer.editions_total or self.editions_total,
        )

    def pages_expected(self) -> int | None:
        """The pages in all: counted, or estimated; an estimate the layout
        has passed is raised a tenth past the pages laid out, so that the
        bar still moves."""
        if self.pages_total is None or self.pages_counted or self.pages < self.pages_total:
            return self.pages_total
        return self.pages + max(1, self.pages // 10)

    @property
    def done(self) -> bool:
        return self.stage in ("written", "failed")

    def fraction(self) -> float:
        """How much of the publication's work is done, 0 to 1, by SHARES."""
        if self.done:
            return 1.0
        past = STAGES.index(self.stage)
        read = 1.0 if past > STAGES.index("reading") else _part(self.chapters, self.chapters_total)
        laid = 1.0 if past > STAGES.index("typesetting") else _part(self.pages, self.pages_expected())
        written = _part(self.editions, self.editions_total)
        return SHARES["chapters"] * read + SHARES["pages"] * laid + SHARES["editions"] * written

    def counts(self) -> str:
        """'chapters 3/5 · pages 40/~120 · editions 1/4': ~ marks an estimate, ? a total not known yet."""
        pages = "" if self.pages_counted else "~"
        parts = [
            f"chapters {self.chapters}/{_total(self.chapters_total)}",
            f"pages {self.pages}/{pages}{_total(self.pages_expected())}",
            f"editions {self.editions}/{_total(self.editions_total)}",
        ]
        return " · ".join(parts)


def _part(done: int, total: int | None) -> float:
    return min(done / total, 1.0) if total else 0.0


def _total(total: int | None) -> str:
    return "?" if total is None else str(total)


def guarded(sink: Sink | None) -> Sink | None:
    """The sink, deaf from its first failure on: showing progress must
    never stop a build (nor a worker blocked on a pipe no one reads)."""
    if sink is None:
        return None
    failed = False

    def send(snapshot: Snapshot) -> None:
        nonlocal failed
        if not failed:
            try:
                sink(snapshot)
            except Exception:  # noqa: BLE001 - the bars are lost, the build goes on
                failed = True

    return send


def estimate_pages(words: int) -> int:
    """The pages a text of so many words is guessed to fill, before it is laid out."""
    return max(1, round(words / WORDS_PER_PAGE))


class Board:
    """The parent's view of every publication of the build, in the order first seen."""

    def __init__(self) -> None:
        self.rows: dict[str, Snapshot] = {}

    def take(self, snapshot: Snapshot) -> Snapshot:
        """Fold a snapshot in; the publication's state now."""
        old = self.rows.get(snapshot.slug)
        self.rows[snapshot.slug] = now = snapshot if old is None else old.merge(snapshot)
        return now


class Reporter:
    """What the work on one publication reports; sends nothing without a sender."""

    def __init__(self, slug: str, send: Sink | None = None):
        self.state = Snapshot(slug)
        self.send = send

    def _set(self, **changes) -> None:
        if self.send is None:
            return
        self.state = self.state._replace(**changes)
        try:
            self.send(self.state)
        except (OSError, ValueError):  # the build that listened is gone: the work goes on
            self.send = None

    def stage(self, name: str) -> None:
        self._set(stage=name)

    def chapters(self, done: int, total: int) -> None:
        self._set(chapters=done, chapters_total=total)

    def estimate(self, pages: int) -> None:
        self._set(pages_total=pages)

    def page(self, count: int) -> None:
        """A page laid out: count pages so far (on_page of pipeline.pdf.render)."""
        if count > self.state.pages:
            self._set(pages=count)

    def pages_counted(self, total: int) -> None:
        self._set(pages=total, pages_total=total, pages_counted=True)

    def editions_expected(self, total: int) -> None:
        self._set(editions_total=total)

    def edition_written(self) -> None:
        self._set(editions=self.state.editions + 1)


# The sender of this process: set in a worker as it starts, or by the build
# in its own process while it runs the work there.
_sender: Sink | None = None


def reporter(slug: str) -> Reporter:
    """The reporter of a publication whose work runs in this process."""
    return Reporter(slug, _sender)


def install(send: Sink | None) -> None:
    global _sender
    _sender = send


@contextlib.contextmanager
def sending(send: Sink | None) -> Iterator[None]:
    """While the build runs work in its own process, its reporters send to `send`."""
    global _sender
    before, _sender = _sender, send
    try:
        yield
    finally:
        _sender = before


class Relay:
    """The parent's end of the workers' pipe: a thread passes each snapshot
    on to the sink. `writer` is given to each worker (pipe_sender)."""

    def __init__(self, context, sink: Sink):
        self.reader, self.writer = context.Pipe(duplex=False)
        self.sink = sink
        self.thread = threading.Thread(target=self._pass_on, name="pressroom-progress", daemon=True)
        self.thread.start()

    def _pass_on(self) -> None:
        while True:
            try:
                snapshot = self.reader.recv()
            except (EOFError, OSError):
                return
            except Exception:  # noqa: BLE001 - not one of ours: the pipe must still be drained
                continue
            if snapshot is None:
                return
            self.sink(snapshot)

    def close(self) -> None:
        """Once no worker is left: the thread reads what remains and ends."""
        try:
            self.writer.send(None)
        except OSError:
            pass
        self.thread.join(timeout=5)
        self.writer.close()
        self.reader.close()


def pipe_sender(writer) -> Sink:
    """A worker's sender, writing into the Relay's pipe."""
    return writer.send
