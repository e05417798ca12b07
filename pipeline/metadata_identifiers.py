"""Loading stage: the publication's identifiers, their schemes named or
guessed, an ISBN checked and hyphenated, the edition each names (an ISBN
per format: the print edition's and the EPUB's), and the identifier
derived for a publication that names none."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from .metadata_values import ValueReader, kind_of, suggest


@dataclass(frozen=True)
class Identifier:
    text: str
    scheme: str | None = None  # "ISBN", "DOI", "UUID", "URN"...
    format: str | None = None  # the edition it names, one of FORMATS; None: the publication (every edition)


def derived_identifier(slug: str, title: str) -> Identifier:
    """A stable identifier for a publication that names none: same sources, same id."""
    return Identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'pressroom:{slug}:{title}')}", "UUID")


# pandoc's scheme names for an ISBN, and the length each asks for.
ISBN_SCHEMES = {"ISBN": None, "ISBN-10": "ISBN10", "ISBN-13": "ISBN13"}
# The editions an identifier may name, and other names for them.
FORMATS = ("print", "epub")
_FORMAT_NAMES = {"print": "print", "pdf": "print", "paperback": "print", "hardcover": "print", "epub": "epub"}
_KEYS = {"text", "scheme", "format"}
_ISBN_PREFIX = re.compile(r"^\s*(urn:isbn:|isbn(-1[03])?:?\s*)", re.I)


def read_identifiers(r: ValueReader) -> list[Identifier]:
    """The identifiers given: text with a scheme, or text alone with its scheme guessed."""
    value = r.raw.get("identifier")
    if value is None:
        return []
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            for bad in sorted(set(item) - _KEYS, key=str):
                r.error(
                    "identifier",
                    f"unknown key '{bad}' in 'identifier'",
                    suggest(str(bad), _KEYS) or "give its text, its scheme and the format it names",
                )
            text, scheme, edition = item.get("text"), item.get("scheme"), item.get("format")
        else:
            text, scheme, edition = item, None, None
        if not isinstance(text, (str, int)) or isinstance(text, bool) or not str(text).strip():
            r.error(
                "identifier", "an identifier needs its text", "write it as identifier: {text: ..., scheme: ISBN-13}"
            )
            continue
        if scheme is not None and (not isinstance(scheme, str) or not scheme.strip()):
            r.error(
                "identifier", f"an identifier's scheme must be a name such as ISBN-13 or DOI, not {kind_of(scheme)}"
            )
            continue
        text = str(text).strip()
        scheme = scheme.strip().upper() if scheme else _guess_scheme(text)
        if scheme in ISBN_SCHEMES:
            isbn = _isbn(r, text, scheme)
            if isbn is None:
                continue
            text, scheme = isbn, "ISBN"
        known, fmt = _format(r, edition, out)
        if known:
            out.append(Identifier(text, scheme, fmt))
    return out


def _format(r: ValueReader, edition, before: list[Identifier]) -> tuple[bool, str | None]:
    """Whether the format an identifier names is known, and which (None: every edition)."""
    if edition is None:
        return True, None
    fmt = _FORMAT_NAMES.get(str(edition).strip().lower()) if isinstance(edition, str) else None
    if fmt is None:
        r.error(
            "identifier",
            f"an identifier's format must be {' or '.join(FORMATS)}, not {edition!r}",
            "each edition has its own ISBN: identifier: [{text: ..., format: print}, {text: ..., format: epub}]",
        )
        return False, None
    if any(i.format == fmt for i in before):
        r.error(
            "identifier",
            f"two identifiers name the {fmt} edition",
            f"give the {fmt} edition one identifier; an identifier without a format names every edition",
        )
        return False, None
    return True, fmt


def identifier_for(identifiers: list[Identifier], fmt: str) -> Identifier:
    """The identifier of one edition: its own, else the first naming no
    edition, else the first (a publication always has one)."""
    return next(
        (i for i in identifiers if i.format == fmt), next((i for i in identifiers if i.format is None), identifiers[0])
    )


def _isbn(r: ValueReader, text: str, scheme: str) -> str | None:
    """The ISBN, hyphenated, when its length and check digit are right
    (and its length is the one its scheme names: pandoc's ISBN-10, ISBN-13)."""
    from stdnum import isbn as stdnum_isbn  # here: most publications have no ISBN, and it costs a start 10 ms

    digits = _ISBN_PREFIX.sub("", text)
    kind = stdnum_isbn.isbn_type(digits) if stdnum_isbn.is_valid(digits) else None
    if kind is None:
        r.error(
            "identifier",
            f"ISBN '{digits}' is not valid (wrong length or check digit)",
            "copy the ISBN again from the agency's record",
        )
        return None
    wanted = ISBN_SCHEMES[scheme]
    if wanted and kind != wanted:
        r.error(
            "identifier",
            f"ISBN '{digits}' is an {kind[:4]}-{kind[4:]}, not an {scheme}",
            f"give it the scheme ISBN-{kind[4:]}, or give the {scheme} instead",
        )
        return None
    return stdnum_isbn.format(digits)


def _guess_scheme(text: str) -> str | None:
    digits = _ISBN_PREFIX.sub("", text).replace("-", "").replace(" ", "")
    if re.fullmatch(r"(97[89])?\d{9}[\dX]", digits, re.I) or text.lower().startswith(("urn:isbn:", "isbn")):
        return "ISBN"
    if text.lower().startswith("urn:uuid:"):
        return "UUID"
    if text.startswith("10.") or text.lower().startswith("doi:"):
        return "DOI"
    return None
