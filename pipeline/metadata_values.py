"""Loading stage: reading one metadata value at a time, text, a list of texts,
a date or a language tag, and reporting each bad one on the line it is on."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

from .errors import Diagnostics
from .sanitise import langtags

# Titles, names and the like are shown whole on a title page, a cover and a
# reading system's shelf; a description is a paragraph or a few.
MAX_LENGTH = 1000
MAX_LENGTHS = {"description": 20_000}

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def suggest(key: str, choices) -> str | None:
    close = difflib.get_close_matches(key, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def kind_of(value) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(type(value), type(value).__name__)


class ValueReader:
    """Turns the values of one raw mapping into Metadata fields, reporting each bad value."""

    def __init__(self, raw: dict, lines: dict, path: Path, diags: Diagnostics):
        self.raw, self.lines, self.path, self.diags = raw, lines, path, diags

    def error(self, key, message, hint=None):
        self.diags.error(message, self.path, self.lines.get(key), hint=hint)

    def text(self, key) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return self.short(key, str(value).strip()) or None  # 'key: ""' says no more than leaving it out
        self.error(key, f"'{key}' must be text, not {kind_of(value)}")
        return None

    def short(self, key, text: str) -> str | None:
        """The text, or None with an error when it is longer than a title
        page, a cover or a reading system's list can show."""
        limit = MAX_LENGTHS.get(key, MAX_LENGTH)
        if len(text) <= limit:
            return text
        self.error(
            key,
            f"'{key}' is {len(text)} characters long, over the limit of {limit}",
            "shorten it" + ("; a longer text can go under 'description'" if key != "description" else ""),
        )
        return None

    def texts(self, key) -> list[str]:
        value = self.raw.get(key)
        if value is None:
            return []
        values = value if isinstance(value, list) else [value]
        out = []
        for item in values:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                if str(item).strip() and self.short(key, str(item).strip()):
                    out.append(str(item).strip())
            else:
                self.error(key, f"each '{key}' must be text, not {kind_of(item)}")
        return out

    def date(self) -> str | None:
        value = self.raw.get("date")
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value).strip()
        if not _DATE.match(text):
            self.error("date", f"'{text}' is not a date", "write it as YYYY, YYYY-MM or YYYY-MM-DD")
            return None
        parts = [int(p) for p in text.split("-")] + [1, 1]
        try:
            dt.date(parts[0], parts[1], parts[2])
        except ValueError:
            self.error("date", f"'{text}' is not a date that exists", "check the month and day")
            return None
        return text

    def lang(self) -> str | None:
        """The language tag given, standardised; None when none is given or, reported, a wrong one."""
        key = "lang" if "lang" in self.raw else "language"
        value = self.text(key)
        if value is None:
            return None
        if not langtags.valid(value):
            self.error(key, f"'{value}' is not a valid BCP 47 language tag", "use a tag such as en, en-GB, fr or pt-BR")
            return None
        tag = langtags.standard(value)
        if not re.fullmatch(r"[a-z]{2,3}", tag.split("-")[0]):
            # Private-use tags (x-klingon) are valid BCP 47, but reading systems know no language by them.
            self.error(
                key,
                f"'{value}' names no language that reading systems know",
                "use a tag such as en, en-GB, fr or pt-BR",
            )
            return None
        return tag
