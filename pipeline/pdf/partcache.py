"""Laid-out parts kept between builds (parts.py), so that when one chapter
changes only it, and the parts whose first page it moves, are laid out again.

A part is kept under a SHA-256 of its HTML (which holds its text, images
and printed page numbers), its setting (sheets, variant), the style files
(fonts included), Pressroom's code and the libraries' versions; and under
its first page, which sets its folios. Each publication has a folder in
the build cache, ``PROJECT/.cache/pressroom/parts/<slug>/``, holding what
its last build used and nothing else; files are plain JSON and PDF bytes.
A damaged or missing file is a part laid out again, never an error.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from .. import cache
from ..atomic import write_atomically
from . import typeset
from .part import Done

NUMBERS = "numbers.json"


class Kept:
    def __init__(self, how: typeset.Setting, slug: str, also: tuple[str, ...]):
        self.folder = how.project / cache.CACHE_DIR / "parts" / slug
        self.variants = (how.variant, *also)
        h = hashlib.sha256()
        # Where the project is does not change its pages: a moved project keeps its layouts.
        setting = repr(how).replace(how.project.as_uri(), "PROJECT").replace(str(how.project), "PROJECT")
        for piece in (cache.software(), setting):
            h.update(piece.encode() + b"\0")
        self.setting = h.hexdigest()
        self.used: set[str] = set()
        self.memory: dict = {}  # this build's parts, whether or not the cache can be written

    def _key(self, html: str) -> str:
        return hashlib.sha256(self.setting.encode() + html.encode()).hexdigest()[:40]

    def numbers(self) -> dict[str, int]:
        """The page of every id at the last build: a first guess for printed page references."""
        try:
            found = json.loads((self.folder / NUMBERS).read_text(encoding="utf-8"))
            return {str(k): int(v) for k, v in found.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return {}

    def count(self, html: str) -> int | None:
        """The pages of a part laid out before, at whatever first page."""
        key = self._key(html)
        for name, done in self.memory.items():
            if name.startswith(f"{key}-"):
                return done.count
        for entry in sorted(self.folder.glob(f"{key}-*.json")) if self.folder.is_dir() else ():
            try:
                return int(json.loads(entry.read_text(encoding="utf-8"))["count"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return None

    def get(self, html: str, start: int):
        """The part laid out before at this first page, or None."""
        name = f"{self._key(html)}-{start}"
        if name in self.memory:
            return self.memory[name]
        try:
            entry = json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))
            pdfs = {}
            for variant in self.variants:
                data = (self.folder / f"{name}.{_safe(variant)}.pdf").read_bytes()
                if hashlib.sha256(data).hexdigest() != entry["pdfs"][variant]:
                    return None
                pdfs[variant] = data
            kept = entry["pages"]
            pages = typeset.Pages(
                [list(ids) for ids in kept["anchors"]],
                list(kept["positions"]),
                list(kept["folios"]),
                [tuple(low) for low in kept["low_resolution"]],
                [tuple(note) for note in kept["notes_apart"]],
                [tuple(o) for o in kept["overflows"]],
                [tuple(mark) for mark in kept["outline"]],
            )
            done = Done(int(entry["index"]), start, int(entry["count"]), pdfs, pages, list(entry["messages"]))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None
        self.used.add(name)
        return done

    def keep(self, html: str, done) -> None:
        name = f"{self._key(html)}-{done.start}"
        self.used.add(name)
        self.memory[name] = done
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for variant, data in done.pdfs.items():
                write_atomically(self.folder / f"{name}.{_safe(variant)}.pdf", data, durable=False)
            entry = {
                "index": done.index,
                "count": done.count,
                "pdfs": {v: hashlib.sha256(data).hexdigest() for v, data in done.pdfs.items()},
                "pages": asdict(done.pages),
                "messages": done.messages,
            }
            write_atomically(self.folder / f"{name}.json", json.dumps(entry).encode(), durable=False)
        except OSError:
            pass  # a cache that cannot be written costs a layout next time, nothing more

    def tidy(self, numbers: dict[str, int]) -> None:
        """Keep what this build used, and the page of every id."""
        if not self.folder.is_dir():
            return
        try:
            for path in self.folder.iterdir():
                if path.name != NUMBERS and path.name.split(".", 1)[0] not in self.used:
                    path.unlink()
            write_atomically(self.folder / NUMBERS, json.dumps(numbers, sort_keys=True).encode(), durable=False)
        except OSError:
            pass


def _safe(variant: str) -> str:
    return variant.replace("/", "-")
