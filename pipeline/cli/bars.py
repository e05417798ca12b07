"""The build's progress on a terminal: a bar per publication (rich), with
its stage, its counts (chapters read, pages laid out, editions written) and
the time left.

Only for a build still running after DELAY seconds: a quicker one (an
up-to-date catalogue, one article) shows its plain lines alone, and rich is
not even imported. The lines the build says are printed above the bars, as
they would be without them. Not used with -q, nor when stderr is not a
terminal (cli/editions.py): the plain lines alone are printed then.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from ..run.progress import Board, Snapshot
from .terminal import stderr

DELAY = 2.0  # seconds a build runs before its bars are shown
UNITS = 1000  # a bar's length in rich's units: the fraction done, finely enough


def wanted(stream) -> bool:
    """Bars on this stream: a terminal that can move its cursor."""
    return stream.isatty() and os.environ.get("TERM") != "dumb"


class Bars:
    """A context manager around a build: `say` takes its lines, `event` its
    snapshots (from any thread). On leaving it the bars are drawn one last
    time and left on the screen, before anything else is printed."""

    def __init__(self, console=None, delay: float | None = None):
        self.console = console  # a rich Console; by default one on stderr
        self.delay = DELAY if delay is None else delay
        self.board = Board()
        self.lock = threading.Lock()
        self.progress: Any = None  # rich's Progress, once shown
        self.rows: dict[str, Any] = {}  # slug -> rich's task id
        self.timer: threading.Timer | None = None
        self.stopped = False

    def __enter__(self) -> Bars:
        if self.delay <= 0:
            self._show()
        else:
            self.timer = threading.Timer(self.delay, self._show)
            self.timer.daemon = True
            self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.timer is not None:
            self.timer.cancel()
        with self.lock:
            self.stopped = True
            if self.progress is not None:
                self.progress.stop()  # draws the bars as they stand, and gives the cursor back
                self.progress = None

    def say(self, message: str) -> None:
        with self.lock:
            if self.progress is not None:
                self.progress.console.print(f"pressroom: {message}", markup=False, highlight=False, soft_wrap=True)
                return
        stderr(f"pressroom: {message}")

    def event(self, snapshot: Snapshot) -> None:
        with self.lock:
            now = self.board.take(snapshot)
            if self.progress is not None:
                self._draw(now)

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        with self.lock:
            if self.stopped:
                return
            console = self.console or Console(file=sys.stderr, stderr=True)
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(bar_width=16),
                TextColumn("{task.fields[stage]:<11}"),
                TextColumn("{task.fields[counts]}"),
                TimeRemainingColumn(elapsed_when_finished=True),
                console=console,
                redirect_stdout=False,  # the table comes after the bars are gone
            )
            self.progress.start()
            for snapshot in self.board.rows.values():
                self._draw(snapshot)

    def _draw(self, snapshot: Snapshot) -> None:
        assert self.progress is not None
        fields = {"stage": snapshot.stage, "counts": snapshot.counts()}
        done = round(snapshot.fraction() * UNITS)
        if snapshot.slug not in self.rows:
            self.rows[snapshot.slug] = self.progress.add_task(snapshot.slug, total=UNITS, completed=done, **fields)
        else:
            self.progress.update(self.rows[snapshot.slug], completed=done, **fields)
