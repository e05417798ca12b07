"""Loading stage: typed, validated publication metadata.

Key names follow pandoc's where they overlap (title, subtitle, author or
creator with role and file-as, lang, identifier with scheme, publisher,
date, rights, subject, description), so pandoc metadata can be brought
along. Unknown keys and wrong types are reported with the line they are on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import langcodes
from stdnum import isbn as stdnum_isbn

from .errors import Diagnostics
from .options import Options, read_options
from .reading_options import ReadingOptions, read_reading_options
from .terms import term

# MARC relator codes that EPUB reading systems understand; others are refused
# with a suggestion rather than passed on silently.
ROLES = {
    "aut": "author",
    "edt": "editor",
    "trl": "translator",
    "ill": "illustrator",
    "aui": "author of introduction",
    "aft": "author of afterword",
    "ctb": "contributor",
    "com": "compiler",
    "pht": "photographer",
    "nrt": "narrator",
    "red": "redactor",
    "pbl": "publisher",
}

KEYS = {
    "title",
    "subtitle",
    "author",
    "creator",
    "contributor",
    "lang",
    "language",
    "identifier",
    "publisher",
    "date",
    "rights",
    "subject",
    "description",
    "cover-image",
    "toc-depth",
    "toc-title",
    "type",
    "contents",
    "print",
    "epub",
    "markdown",
    "links",
    "html-elements",
    "archive",
}

# What other tools call some of them: the message says where the value goes.
_AS_IDENTIFIER = "write it as identifier: {text: ..., scheme: %s}"
OTHER_NAMES = {
    "isbn": _AS_IDENTIFIER % "ISBN-13",
    "isbn-13": _AS_IDENTIFIER % "ISBN-13",
    "isbn-10": _AS_IDENTIFIER % "ISBN-10",
    "doi": _AS_IDENTIFIER % "DOI",
    "issn": _AS_IDENTIFIER % "ISSN",
    "uuid": _AS_IDENTIFIER % "UUID",
    "keywords": "did you mean 'subject'?",
    "tags": "did you mean 'subject'?",
    "abstract": "did you mean 'description'?",
    "summary": "did you mean 'description'?",
    "copyright": "did you mean 'rights'?",
    "license": "did you mean 'rights'?",
    "licence": "did you mean 'rights'?",
    "authors": "did you mean 'author'?",
    "editor": "write it as author: {name: ..., role: edt}",
    "translator": "write it as author: {name: ..., role: trl}",
    "cover": "did you mean 'cover-image'?",
}


@dataclass(frozen=True)
class Creator:
    name: str
    role: str = "aut"
    file_as: str | None = None


@dataclass(frozen=True)
class Identifier:
    text: str
    scheme: str | None = None  # "ISBN", "DOI", "UUID", "URN"...


@dataclass
class Metadata:
    title: str = ""
    subtitle: str | None = None
    creators: list[Creator] = field(default_factory=list)
    contributors: list[Creator] = field(default_factory=list)
    lang: str = "en"
    own_lang: str | None = None  # the language the mapping gives, when valid (lang falls back to English)
    identifiers: list[Identifier] = field(default_factory=list)
    publisher: str | None = None
    date: str | None = None  # W3C date: YYYY, YYYY-MM or YYYY-MM-DD
    rights: str | None = None
    subjects: list[str] = field(default_factory=list)
    description: str | None = None
    cover_image: str | None = None
    toc_depth: int = 3
    toc_title: str = "Contents"
    kind: str = "article"  # article, book or collection
    contents: list | None = None  # the manifest's file list, when given
    key_lines: dict = field(default_factory=dict)  # key -> line, for later messages
    options: Options = field(default_factory=Options)  # per-edition options
    reading: ReadingOptions = field(default_factory=ReadingOptions)  # dialect, links, custom elements

    @property
    def authors(self) -> list[str]:
        return [c.name for c in self.creators if c.role == "aut"] or [c.name for c in self.creators]

    @property
    def identifier(self) -> Identifier:
        return self.identifiers[0]


def derived_identifier(slug: str, title: str) -> Identifier:
    """A stable identifier for a publication that names none: same sources, same id."""
    return Identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'pressroom:{slug}:{title}')}", "UUID")


# Titles, names and the like are shown whole on a title page, a cover and a
# reading system's shelf; a description is a paragraph or a few.
MAX_LENGTH = 1000
MAX_LENGTHS = {"description": 20_000}

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _suggest(key: str, choices) -> str | None:
    close = difflib.get_close_matches(key, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class _Reader:
    """Turns one raw mapping into Metadata fields, reporting each bad value."""

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
        self.error(key, f"'{key}' must be text, not {_kind(value)}")
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
                self.error(key, f"each '{key}' must be text, not {_kind(item)}")
        return out

    def creators(self, key, default_role) -> list[Creator]:
        value = self.raw.get(key)
        if value is None:
            return []
        out = []
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                if item.strip() and self.short(key, item.strip()):
                    out.append(Creator(item.strip(), default_role))
            elif isinstance(item, dict):
                unknown = set(item) - {"name", "text", "role", "file-as"}
                for bad in sorted(unknown):
                    self.error(key, f"unknown key '{bad}' in '{key}'", _suggest(bad, {"name", "role", "file-as"}))
                name = item.get("name", item.get("text"))
                role = str(item.get("role", default_role)).strip()
                if not isinstance(name, str) or not name.strip():
                    self.error(key, f"each '{key}' needs a 'name'")
                    continue
                if not self.short(key, name.strip()):
                    continue
                if role not in ROLES:
                    by_word = {v: k for k, v in ROLES.items()}.get(role.lower())
                    if by_word:
                        role = by_word
                    else:
                        self.error(
                            key,
                            f"unknown role '{role}' for {name}",
                            "use a MARC relator code such as aut, edt, trl or ill",
                        )
                        continue
                file_as = item.get("file-as")
                if file_as is not None and not isinstance(file_as, str):
                    self.error(key, f"'file-as' of {name.strip()} must be text, not {_kind(file_as)}")
                    file_as = None
                out.append(Creator(name.strip(), role, file_as.strip() or None if file_as else None))
            else:
                self.error(key, f"'{key}' must be a name or a list of names, not {_kind(item)}")
        return out

    def identifiers(self) -> list[Identifier]:
        value = self.raw.get("identifier")
        if value is None:
            return []
        out = []
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                for bad in sorted(set(item) - {"text", "scheme"}, key=str):
                    self.error(
                        "identifier",
                        f"unknown key '{bad}' in 'identifier'",
                        _suggest(str(bad), {"text", "scheme"}) or "give its text and its scheme",
                    )
                text, scheme = item.get("text"), item.get("scheme")
            else:
                text, scheme = item, None
            if not isinstance(text, (str, int)) or isinstance(text, bool) or not str(text).strip():
                self.error(
                    "identifier", "an identifier needs its text", "write it as identifier: {text: ..., scheme: ISBN-13}"
                )
                continue
            if scheme is not None and (not isinstance(scheme, str) or not scheme.strip()):
                self.error(
                    "identifier", f"an identifier's scheme must be a name such as ISBN-13 or DOI, not {_kind(scheme)}"
                )
                continue
            text = str(text).strip()
            scheme = scheme.strip().upper() if scheme else _guess_scheme(text)
            if scheme in ISBN_SCHEMES:
                isbn = self._isbn(text, scheme)
                if isbn is None:
                    continue
                text, scheme = isbn, "ISBN"
            out.append(Identifier(text, scheme))
        return out

    def _isbn(self, text: str, scheme: str) -> str | None:
        """The ISBN, hyphenated, when its length and check digit are right
        (and its length is the one its scheme names: pandoc's ISBN-10, ISBN-13)."""
        digits = _ISBN_PREFIX.sub("", text)
        kind = stdnum_isbn.isbn_type(digits) if stdnum_isbn.is_valid(digits) else None
        if kind is None:
            self.error(
                "identifier",
                f"ISBN '{digits}' is not valid (wrong length or check digit)",
                "copy the ISBN again from the agency's record",
            )
            return None
        wanted = ISBN_SCHEMES[scheme]
        if wanted and kind != wanted:
            self.error(
                "identifier",
                f"ISBN '{digits}' is an {kind[:4]}-{kind[4:]}, not an {scheme}",
                f"give it the scheme ISBN-{kind[4:]}, or give the {scheme} instead",
            )
            return None
        return stdnum_isbn.format(digits)

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
        if not langcodes.tag_is_valid(value):
            self.error(key, f"'{value}' is not a valid BCP 47 language tag", "use a tag such as en, en-GB, fr or pt-BR")
            return None
        tag = str(langcodes.standardize_tag(value))
        if not re.fullmatch(r"[a-z]{2,3}", tag.split("-")[0]):
            # Private-use tags (x-klingon) are valid BCP 47, but reading systems know no language by them.
            self.error(
                key,
                f"'{value}' names no language that reading systems know",
                "use a tag such as en, en-GB, fr or pt-BR",
            )
            return None
        return tag


# pandoc's scheme names for an ISBN, and the length each asks for.
ISBN_SCHEMES = {"ISBN": None, "ISBN-10": "ISBN10", "ISBN-13": "ISBN13"}
_ISBN_PREFIX = re.compile(r"^\s*(urn:isbn:|isbn(-1[03])?:?\s*)", re.I)


def _guess_scheme(text: str) -> str | None:
    digits = _ISBN_PREFIX.sub("", text).replace("-", "").replace(" ", "")
    if re.fullmatch(r"(97[89])?\d{9}[\dX]", digits, re.I) or text.lower().startswith(("urn:isbn:", "isbn")):
        return "ISBN"
    if text.lower().startswith("urn:uuid:"):
        return "UUID"
    if text.startswith("10.") or text.lower().startswith("doi:"):
        return "DOI"
    return None


def _kind(value) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(type(value), type(value).__name__)


def read_metadata(
    raw: dict, lines: dict, path: Path, slug: str, diags: Diagnostics, require_title: bool = True
) -> Metadata:
    """Validate a raw mapping (front matter or manifest) into Metadata."""
    for key in sorted(set(raw) - KEYS, key=str):
        hint = OTHER_NAMES.get(str(key).lower()) or _suggest(str(key), KEYS)
        diags.error(f"unknown metadata key '{key}'", path, lines.get(key), hint=hint)
    r = _Reader(raw, lines, path, diags)
    meta = Metadata(key_lines=dict(lines))
    meta.title = r.text("title") or ""
    # A title of the wrong kind or length has had its own message.
    written = raw.get("title") is not None and str(raw.get("title")).strip()
    if not meta.title and require_title and not written:
        diags.error(
            "the publication has no title", path, lines.get("title", 1), hint="add 'title: ...' to the metadata"
        )
    meta.subtitle = r.text("subtitle")
    meta.creators = r.creators("author", "aut") + r.creators("creator", "aut")
    meta.contributors = r.creators("contributor", "ctb")
    meta.own_lang = r.lang()
    meta.lang = meta.own_lang or "en"
    meta.identifiers = r.identifiers() or [derived_identifier(slug, meta.title)]
    meta.publisher = r.text("publisher")
    meta.date = r.date()
    meta.rights = r.text("rights")
    meta.subjects = r.texts("subject")
    meta.description = r.text("description")
    meta.cover_image = r.text("cover-image")
    meta.toc_title = r.text("toc-title") or term("contents", meta.lang)
    depth = raw.get("toc-depth", 3)
    if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= 6:
        r.error("toc-depth", f"'toc-depth' must be a whole number from 1 to 6, not {depth!r}")
    else:
        meta.toc_depth = depth
    kind = raw.get("type", "article")
    if kind not in ("article", "book", "collection"):
        r.error("type", f"'type' must be article, book or collection, not {kind!r}")
    else:
        meta.kind = kind
    meta.options = read_options(raw, lines, path, diags)
    meta.reading = read_reading_options(raw, lines, path, diags)
    contents = raw.get("contents")
    if contents is not None and not isinstance(contents, list):
        r.error("contents", "'contents' must be a list of files")
    else:
        meta.contents = contents
    return meta
