"""A typographic preflight of a PDF, read from the file as a print shop
reads it: hyphenated lines, their runs, rectos ending in a hyphen, loose
lines, pages short in mid-chapter, content outside the text block or the
page, coarse images, missing glyphs.

    from pipeline.preflight import measure
    report = measure(Path("dist/book.pdf"))
    report.hyphenated_share, report.longest_run, report.loose_share
    report.faults()  # against the house's limits (Limits), each with its page
    report.as_dict()  # for --json
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import glyphs as _glyphs
from . import lines as _lines
from . import makeup as _makeup
from .pages import read

__all__ = ["Fault", "Limits", "Report", "measure"]


@dataclass(frozen=True)
class Limits:
    """The default limits: what a typographer and a print shop accept."""

    hyphenated_share: float = 0.10  # at most, of the lines of body text
    run: int = 2  # hyphenated lines in a row, at most
    loose_share: float = 0.01  # under, of the lines of body text
    loose_factor: float = 2.0  # a line is loose above this many natural spaces
    short_lines: float = 2.0  # a mid-chapter page may end this many lines short
    dpi: float = 300.0

    def too_short(self, short: float) -> bool:
        """Whether a page this many line heights short misses more lines than
        allowed: lines are whole, and a full page may end a fraction of a
        line above the foot (the text block is seldom a whole number of lines)."""
        return int(short + 0.5) > self.short_lines


@dataclass
class Fault:
    kind: str  # hyphenation, hyphen-run, recto-hyphen, loose, short-page, overflow, clipped, image-dpi, missing-glyph
    page: int  # from 1, as the file counts
    where: str  # the page as a reader finds it, and a few words
    detail: str


@dataclass
class Report:
    path: str
    pages: int
    body_size: float = 0.0
    natural_space: float = 0.0
    leading: float = 0.0
    body_lines: int = 0
    justified_lines: int = 0
    hyphenated: list[tuple[int, str]] = field(default_factory=list)  # (page, line's end)
    runs: list[tuple[int, int, str]] = field(default_factory=list)  # (page, length, first line's end), runs of 2+
    recto_hyphens: list[tuple[int, str]] = field(default_factory=list)
    loose: list[tuple[int, float, str]] = field(default_factory=list)  # (page, word space, line's start)
    short_pages: list[tuple[int, float]] = field(default_factory=list)  # (page, lines short)
    overflow: list[tuple[int, str]] = field(default_factory=list)
    clipped: list[tuple[int, str]] = field(default_factory=list)
    images: list[tuple[int, float]] = field(default_factory=list)  # (page, dpi) of every image
    missing_glyphs: list[tuple[int, str]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # page: folio, where the PDF labels them

    @property
    def hyphenated_share(self) -> float:
        return len(self.hyphenated) / self.body_lines if self.body_lines else 0.0

    @property
    def longest_run(self) -> int:
        return max((n for _, n, _ in self.runs), default=1 if self.hyphenated else 0)

    def loose_lines(self, factor: float = 2.0) -> list[tuple[int, float, str]]:
        return [entry for entry in self.loose if entry[1] > factor * self.natural_space]

    def loose_share(self, factor: float = 2.0) -> float:
        return len(self.loose_lines(factor)) / self.body_lines if self.body_lines else 0.0

    def summary(self, limits: Limits = Limits()) -> str:
        """The measures in a line, for a table."""
        return (
            f"hyphens {self.hyphenated_share:.1%} (longest run {self.longest_run}), "
            f"loose {self.loose_share(limits.loose_factor):.1%}, "
            f"{sum(limits.too_short(short) for _, short in self.short_pages)} short pages, "
            f"{len(self.faults(limits))} faults"
        )

    def where(self, page: int) -> str:
        label = self.labels.get(page)
        return f"page {page}" + (f" (folio {label})" if label and label != str(page) else "")

    def faults(self, limits: Limits = Limits()) -> list[Fault]:
        """Each way the PDF falls short of the limits, with its page."""
        found = []
        if self.hyphenated_share > limits.hyphenated_share:
            found.append(
                Fault(
                    "hyphenation",
                    self.hyphenated[0][0],
                    "the body text",
                    f"{len(self.hyphenated)} of {self.body_lines} lines of body text end in a hyphen "
                    f"({self.hyphenated_share:.1%}, at most {limits.hyphenated_share:.0%})",
                )
            )
        for page, n, words in self.runs:
            if n > limits.run:
                found.append(
                    Fault("hyphen-run", page, self.where(page), f"{n} hyphenated lines in a row from “{words}”")
                )
        for page, words in self.recto_hyphens:
            found.append(Fault("recto-hyphen", page, self.where(page), f"the recto ends in a hyphen: “{words}”"))
        loose = self.loose_lines(limits.loose_factor)
        if loose and self.loose_share(limits.loose_factor) >= limits.loose_share:
            for page, space, words in loose:
                found.append(
                    Fault(
                        "loose",
                        page,
                        self.where(page),
                        f"word space {space:.2f} pt, natural {self.natural_space:.2f} pt: “{words}”",
                    )
                )
        for page, short in self.short_pages:
            if limits.too_short(short):
                found.append(Fault("short-page", page, self.where(page), f"ends {short:g} lines short in mid-chapter"))
        found += [Fault("overflow", p, self.where(p), f"past the text block: “{w}”") for p, w in self.overflow]
        found += [Fault("clipped", p, self.where(p), f"past the page's edge: “{w}”") for p, w in self.clipped]
        found += [
            Fault("image-dpi", p, self.where(p), f"an image at {dpi:.0f} dpi (at least {limits.dpi:.0f})")
            for p, dpi in self.images
            if dpi < limits.dpi
        ]
        found += [
            Fault("missing-glyph", p, self.where(p), f"no glyph for U+{ord(c):04X} {c}" if c != "\ufffd" else _FFFD)
            for p, c in self.missing_glyphs
        ]
        return found

    def as_dict(self, limits: Limits = Limits()) -> dict:
        data = asdict(self)
        data.update(
            hyphenated_share=round(self.hyphenated_share, 4),
            longest_run=self.longest_run,
            loose_share=round(self.loose_share(limits.loose_factor), 4),
            loose_lines=len(self.loose_lines(limits.loose_factor)),
            faults=[asdict(f) for f in self.faults(limits)],
        )
        return data


_FFFD = "U+FFFD REPLACEMENT CHARACTER printed, the mark of a character no font has"


def measure(pdf: Path | str) -> Report:
    """The preflight's measures of one PDF."""
    doc = read(Path(pdf))
    report = Report(str(pdf), len(doc.pages), labels={p.number: p.label for p in doc.pages if p.label})
    notdef = _glyphs.notdef(Path(pdf))
    report.missing_glyphs = sorted({(p.number, c) for p in doc.pages for c in p.missing})
    report.missing_glyphs += sorted(
        {
            (p.number, c.text)
            for p in doc.pages
            for line in p.lines
            for c in line.chars
            if c.text in notdef.get(c.font, ())
        }
    )
    report.images = [(p.number, round(i.dpi, 1)) for p in doc.pages for i in p.images]
    s = _lines.setting(doc)
    if s is None:
        return report
    report.body_size, report.natural_space, report.leading = s.size, round(s.space, 2), s.leading
    body = _lines.body_lines(doc, s)
    report.body_lines = len(body)
    run: list[tuple[int, str]] = []
    for n, (page, line) in enumerate(body):
        block = s.blocks[page.recto]
        if not _lines.justified(line, block, s.space):
            run = []
            continue
        report.justified_lines += 1
        space = _lines.word_space(line, s.space)
        if space > s.space * 1.5:  # kept from 1.5 on, so a caller may judge with a factor of its own
            report.loose.append((page.number, round(space, 2), _lines.snippet(line, s.space, end=False)))
        if not _lines.hyphenated(line):
            run = []
            continue
        report.hyphenated.append((page.number, _lines.snippet(line, s.space)))
        run.append((page.number, _lines.snippet(line, s.space)))
        if len(run) == 2:
            report.runs.append((run[0][0], 2, run[0][1]))
        elif len(run) > 2:
            report.runs[-1] = (run[0][0], len(run), run[0][1])
        last_on_page = n + 1 == len(body) or body[n + 1][0] is not page
        if page.recto and last_on_page and n + 1 < len(body):
            report.recto_hyphens.append((page.number, _lines.snippet(line, s.space)))
    pages_with_body = {page.index for page, _ in body}
    report.short_pages = [(p.number, short) for p, short in _makeup.short_pages(doc, s, pages_with_body)]
    overflow, clipped = _makeup.outside(doc, s)
    report.overflow = [(p.number, w) for p, w in overflow]
    report.clipped = [(p.number, w) for p, w in clipped]
    return report
