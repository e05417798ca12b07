"""Loading stage: the publication's identifiers, their schemes named or
guessed, an ISBN checked and hyphenated, and the identifier derived for a
publication that names none."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from .metadata_values import ValueReader, kind_of, suggest


@dataclass(frozen=True)
class Identifier:
    text: str
    scheme: str | None = None  # "ISBN", "DOI", "UUID", "URN"...


def derived_identifier(slug: str, title: str) -> Identifier:
    """A stable identifier for a publication that names none: same sources, same id."""
    return Identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'pressroom:{slug}:{title}')}", "UUID")


# pandoc's scheme names for an ISBN, and the length each asks for.
ISBN_SCHEMES = {"ISBN": None, "ISBN-10": "ISBN10", "ISBN-13": "ISBN13"}
_ISBN_PREFIX = re.compile(r"^\s*(urn:isbn:|isbn(-1[03])?:?\s*)", re.I)


def read_identifiers(r: ValueReader) -> list[Identifier]:
    """The identifiers given: text with a scheme, or text alone with its scheme guessed."""
    value = r.raw.get("identifier")
    if value is None:
        return []
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            for bad in sorted(set(item) - {"text", "scheme"}, key=str):
                r.error(
                    "identifier",
                    f"unknown key '{bad}' in 'identifier'",
                    suggest(str(bad), {"text", "scheme"}) or "give its text and its scheme",
                )
            text, scheme = item.get("text"), item.get("scheme")
        else:
            text, scheme = item, None
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
        out.append(Identifier(text, scheme))
    return out


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
