"""Per-edition options in the metadata: ``print:``, ``epub:`` and ``archive:`` mappings.

Each edition's options are a small typed schema: unknown keys get a
suggestion, wrong types name the line of the edition's key.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import ClassVar

from .errors import Diagnostics
from .pagesize import (
    DEFAULT_TRIM,
    HINT,
    MARGIN_HINT,
    Press,
    margins,
    parse_bleed,
    parse_length,
    parse_signature,
    parse_trim,
)


@dataclass
class PrintOptions:
    trim: str = DEFAULT_TRIM  # a named trim size, or WIDTHxHEIGHT with mm or in, e.g. 6x9in
    # The press (press_setup): bleed true (3 mm) or a length; marks; a PDF/X
    # file (press, or its older name pdfx); the page count padded to a signature.
    bleed: bool | str = False
    marks: bool | None = None  # not given: as bleed: true always meant, with its bleed
    press: bool = False
    pdfx: bool = False
    signature: int = 0
    # Paragraphs composed as a whole (pdf/linebreak.py): false lays a long
    # draft out once, its lines broken one by one.
    compose: bool = True
    FREE: ClassVar = ("bleed", "marks", "signature")  # checked by _check_press, not by type
    # Lengths such as 18mm or 0.75in; empty: scaled to the trim size.
    margin_top: str = ""
    margin_bottom: str = ""
    margin_inner: str = ""  # the binding side
    margin_outer: str = ""

    def margins(self) -> dict[str, str]:
        return {
            "top": self.margin_top,
            "bottom": self.margin_bottom,
            "inner": self.margin_inner,
            "outer": self.margin_outer,
        }

    def press_setup(self) -> Press:
        """What the press options ask for (checked when read: _check_press)."""
        # bleed: true without marks keeps the meaning it always had, bleed and
        # crop marks; a length, or marks: false, gives bleed alone.
        marks = self.bleed is True if self.marks is None else self.marks
        return Press(self.press or self.pdfx, parse_bleed(self.bleed), marks, parse_signature(self.signature))


@dataclass
class EpubOptions:
    embed_fonts: bool = False  # ship the committed fonts in the EPUB


@dataclass
class ArchiveOptions:
    # Files of the publication's folder the bag holds besides those the
    # editions are made from: names or patterns (notes/README.txt, data/*.csv).
    extra: list = field(default_factory=list)


@dataclass
class Options:
    print: PrintOptions = field(default_factory=PrintOptions)
    epub: EpubOptions = field(default_factory=EpubOptions)
    archive: ArchiveOptions = field(default_factory=ArchiveOptions)


def _read(cls, key: str, raw, line, path: Path, diags: Diagnostics):
    result = cls()
    if raw is None:
        return result
    if not isinstance(raw, dict):
        diags.error(f"'{key}' must be a mapping of options", path, line)
        return result
    names = {f.name.replace("_", "-"): f for f in fields(cls)}
    for name, value in raw.items():
        f = names.get(name)
        if f is None:
            close = difflib.get_close_matches(str(name), sorted(names), n=1, cutoff=0.6)
            diags.error(
                f"unknown option '{name}' in '{key}'",
                path,
                line,
                hint=f"did you mean '{close[0]}'?" if close else f"choose from: {', '.join(sorted(names))}",
            )
            continue
        default = getattr(result, f.name)
        if f.name in getattr(cls, "FREE", ()):
            setattr(result, f.name, value)
        elif isinstance(default, bool) and not isinstance(value, bool):
            diags.error(f"'{key}.{name}' must be true or false, not {value!r}", path, line)
        elif isinstance(default, str) and not isinstance(value, (str, int, float)):
            diags.error(f"'{key}.{name}' must be text, not {value!r}", path, line)
        elif isinstance(default, list):
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) and v.strip() for v in values):
                diags.error(
                    f"'{key}.{name}' must be a list of file names, not {value!r}",
                    path,
                    line_of_key(path, name, line) or line,
                    hint=f"{key}: {{{name}: [notes/README.txt, data/*.csv]}}",
                )
            else:
                setattr(result, f.name, [v.strip() for v in values])
        else:
            setattr(result, f.name, str(value) if isinstance(default, str) else value)
    return result


def read_options(raw: dict, lines: dict, path: Path, diags: Diagnostics) -> Options:
    options = Options(
        print=_read(PrintOptions, "print", raw.get("print"), lines.get("print"), path, diags),
        epub=_read(EpubOptions, "epub", raw.get("epub"), lines.get("epub"), path, diags),
        archive=_read(ArchiveOptions, "archive", raw.get("archive"), lines.get("archive"), path, diags),
    )
    _check_trim(options.print, lines.get("print"), path, diags)
    _check_press(options.print, lines.get("print"), path, diags)
    return options


def with_press(options: PrintOptions, given: dict) -> None:
    """Press options from the command line (press, bleed, marks, signature,
    already checked), over the metadata's."""
    for key, value in given.items():
        if value is not None:
            setattr(options, key, value)


def press_problems(given: dict) -> list[str]:
    """What is wrong with press options given beside the metadata (build()'s ``press``)."""
    problems = [f"unknown press option '{key}'" for key in given if key not in ("press", "bleed", "marks", "signature")]
    for key, parse in (("bleed", parse_bleed), ("signature", parse_signature)):
        try:
            parse(given.get(key))
        except ValueError as problem:
            problems.append(f"{key}: {problem}")
    problems += [
        f"{key} must be true or false" for key in ("press", "marks") if given.get(key) not in (None, True, False)
    ]
    return problems


def _check_press(options: PrintOptions, line, path: Path, diags: Diagnostics) -> None:
    """bleed, marks and signature, each on its own line when wrong."""
    checks = (
        ("bleed", parse_bleed, "give true (3 mm), false, or a length with its unit, e.g. 3mm or 0.125in", False),
        ("signature", parse_signature, "give 4, 8 or 16: the pages of the printer's folded sheet", 0),
    )
    for key, parse, hint, default in checks:
        try:
            parse(getattr(options, key))
        except ValueError as problem:
            diags.error(f"'print.{key}': {problem}", path, line_of_key(path, key, line) or line, hint=hint)
            setattr(options, key, default)
    if options.marks is not None and not isinstance(options.marks, bool):
        where = line_of_key(path, "marks", line) or line
        diags.error(f"'print.marks' must be true or false, not {options.marks!r}", path, where)
        options.marks = None


def _check_trim(options: PrintOptions, line, path: Path, diags: Diagnostics) -> None:
    try:
        trim = parse_trim(options.trim)
    except ValueError as problem:
        diags.error(f"'print.trim': {problem}", path, line_of_key(path, "trim", line) or line, hint=HINT)
        options.trim = DEFAULT_TRIM
        trim = parse_trim(DEFAULT_TRIM)
    wrong = False
    for side, value in options.margins().items():
        if not value:
            continue
        try:
            parse_length(value)
        except ValueError as problem:
            key = f"margin-{side}"
            diags.error(f"'print.{key}': {problem}", path, line_of_key(path, key, line) or line, hint=MARGIN_HINT)
            setattr(options, f"margin_{side}", "")
            wrong = True
    if not wrong:
        try:
            margins(trim, options.margins())
        except ValueError as problem:
            diags.error(f"'print': {problem}", path, line, hint="make the margins smaller")
            for side in options.margins():
                setattr(options, f"margin_{side}", "")


def line_of_key(path: Path, key: str, after) -> int | None:
    """The line of a nested key, at or after its parent's line."""
    if not after:
        return None
    try:
        text = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):  # a UTF-16 file: its parent's line will do
        return None
    for number in range(after, min(after + 12, len(text) + 1)):
        if f"{key}:" in text[number - 1]:
            return number
    return None
