"""One part of a book set in parts (parts.py), as a worker lays it out:
the job it is sent, the part it sends back, and how the parts tell each
other their page counts so that each knows its first page.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

from . import typeset
from .engine.folios import folios_from


class Aborted(Exception):
    """Another part failed: there is no start page to wait for."""


ABORTED = -1  # the count of a part that will give none


class Counts:
    """The page count of each part, as the parts give them: the store is a
    dict here, a shared one across processes (run/spread.py)."""

    def __init__(self, store=None):
        self.store = {} if store is None else store

    def publish(self, index: int, count: int) -> None:
        self.store[index] = count

    def abort(self, parts: int) -> None:
        """No start for the parts still waiting: a part failed."""
        for index in range(parts):
            if self.store.get(index) is None:
                self.store[index] = ABORTED

    def start_of(self, index: int) -> int:
        """The first page of part ``index``, once every part before it has a count."""
        waiting = getattr(self.store, "waiting", contextlib.nullcontext)
        with waiting():  # on a cluster, the worker's thread is free for the parts waited for
            known = [self._count(j) for j in range(index)]
        if ABORTED in known:
            raise Aborted()
        return 1 + sum(known)

    def _count(self, index: int) -> int:
        if hasattr(self.store, "wait_for"):
            return self.store.wait_for(index)
        while (count := self.store.get(index)) is None:
            time.sleep(0.02)
        return count


@dataclass
class Job:
    index: int  # its place among the chapter parts, from 0
    html: str
    setting: typeset.Setting
    also: tuple[str, ...] = ()  # other variants to write (the archival PDF/A)
    start: int | None = None  # its first page, when known; else Counts tells
    counts: Counts | None = None
    last: bool = False  # the book's last part: no empty chapter after it


@dataclass
class Done:
    index: int
    start: int
    count: int  # its pages in the book (the empty chapter's page not counted)
    pdfs: dict[str, bytes]  # by variant
    pages: typeset.Pages  # of its pages in the book
    messages: list[str] = field(default_factory=list)


def lay_out(job: Job) -> Done:
    """Lay out one part and write its PDF (in a worker process, or here)."""
    started: list[int] = []

    def first_page(count: int) -> int:
        own = count if job.last else count - 1
        if job.start is None:
            assert job.counts is not None
            job.counts.publish(job.index, own)
            started.append(job.counts.start_of(job.index))
        else:
            started.append(job.start)
        return started[-1]

    with folios_from(first_page):
        laid = typeset.lay_out(job.setting, lambda flowing: job.html)
    pdfs = {job.setting.variant: typeset.write(job.setting, laid)}
    for variant in job.also:
        pdfs[variant] = typeset.write(job.setting, laid, variant, pdfx=False)
    pages = typeset.pages_of(laid)
    own = len(pages.anchors) if job.last else len(pages.anchors) - 1
    return Done(job.index, started[0], own, pdfs, pages_before(pages, own), laid.messages)


def pages_before(pages: typeset.Pages, count: int) -> typeset.Pages:
    """What the first ``count`` pages say."""
    return typeset.Pages(
        pages.anchors[:count],
        pages.positions[:count],
        pages.folios[:count],
        [low for low in pages.low_resolution if low[2] <= count],
        [note for note in pages.notes_apart if note[1] <= count],
        [o for o in pages.overflows if o[2] <= count],
        [mark for mark in pages.outline if mark[2] <= count],
    )
