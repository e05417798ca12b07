"""Loading stage: typed, validated publication metadata: the keys a
publication may give, the Metadata they make and the reading of them.

Key names follow pandoc's where they overlap (title, subtitle, author or
creator with role and file-as, lang, identifier with scheme, publisher,
date, rights, subject, description), so pandoc metadata can be brought
along. Unknown keys and wrong types are reported with the line they are on.
The values are read by metadata_values.py, the creators by
metadata_people.py, the identifiers by metadata_identifiers.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostics
from .cover_options import CoverOptions, read_cover_options
from .metadata_identifiers import Identifier, derived_identifier, identifier_for, read_identifiers
from .metadata_people import Creator, read_creators
from .metadata_values import ValueReader, suggest
from .options import Options, read_options
from .reading_options import ReadingOptions, read_reading_options
from .terms import term

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
    "print-cover",
    "typography",
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
    cover: CoverOptions | None = None  # the print cover, when the metadata asks for one (print-cover)

    @property
    def authors(self) -> list[str]:
        return [c.name for c in self.creators if c.role == "aut"] or [c.name for c in self.creators]

    @property
    def identifier(self) -> Identifier:
        return self.identifiers[0]

    def identifier_of(self, fmt: str) -> Identifier:
        """The identifier of one edition ("print", "epub"): its own ISBN when it has one."""
        return identifier_for(self.identifiers, fmt)

    @property
    def print_id(self) -> str:
        """The print edition's identifier as a URN: its own ISBN, else one derived from the publication's."""
        own = self.identifier_of("print")
        if own.format == "print" and own.scheme == "ISBN":
            return "urn:isbn:" + own.text.replace("-", "")
        from .pagemarks import print_edition_id  # here: it brings lxml, which loading the metadata does not need

        return print_edition_id(self.identifier.text)


def read_metadata(
    raw: dict, lines: dict, path: Path, slug: str, diags: Diagnostics, require_title: bool = True
) -> Metadata:
    """Validate a raw mapping (front matter or manifest) into Metadata."""
    for key in sorted(set(raw) - KEYS, key=str):
        hint = OTHER_NAMES.get(str(key).lower()) or suggest(str(key), KEYS)
        diags.error(f"unknown metadata key '{key}'", path, lines.get(key), hint=hint)
    r = ValueReader(raw, lines, path, diags)
    meta = Metadata(key_lines=dict(lines))
    meta.title = r.text("title") or ""
    # A title of the wrong kind or length has had its own message.
    written = raw.get("title") is not None and str(raw.get("title")).strip()
    if not meta.title and require_title and not written:
        diags.error(
            "the publication has no title", path, lines.get("title", 1), hint="add 'title: ...' to the metadata"
        )
    meta.subtitle = r.text("subtitle")
    meta.creators = read_creators(r, "author", "aut") + read_creators(r, "creator", "aut")
    meta.contributors = read_creators(r, "contributor", "ctb")
    meta.own_lang = r.lang()
    meta.lang = meta.own_lang or "en"
    meta.identifiers = read_identifiers(r) or [derived_identifier(slug, meta.title)]
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
    meta.cover = read_cover_options(raw.get("print-cover"), lines.get("print-cover"), path, diags)
    contents = raw.get("contents")
    if contents is not None and not isinstance(contents, list):
        r.error("contents", "'contents' must be a list of files")
    else:
        meta.contents = contents
    return meta
