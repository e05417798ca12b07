"""What a reference inside a publication may point to, in one place.

Editions carry their images as files of the publication and their fonts
from the project's styles; nothing inside a formula, a drawing or a
publication's style sheet may load a file or an address. So:

* references that load something (an SVG ``<use>``, ``<image>``, a CSS
  ``url()``) may point inside the same document (``#id``), or be a
  ``data:`` URL of a picture or a font, which carries its bytes with it
  (a ``data:`` SVG only when it needs no cleaning itself: ``svg.loadable``
  judges those, as it alone can clean a drawing);
* links a reader follows (``<a href>`` in SVG, ``href`` in MathML) may also
  be ``http:``, ``https:`` or ``mailto:``, as EPUB allows for external links.

Everything else goes: ``javascript:``, ``vbscript:``, ``file:``, other
schemes, absolute paths, and relative paths, which would point at files the
editions do not carry (or at files outside the project).
"""

from __future__ import annotations

import base64
import re
from urllib.parse import unquote_to_bytes

LINK_SCHEMES = ("http", "https", "mailto")
DATA_TYPES = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "font/ttf",
    "font/otf",
    "font/woff",
    "font/woff2",
    "application/font-woff",
    "application/font-sfnt",
    "application/x-font-ttf",
    "application/x-font-opentype",
    "application/vnd.ms-opentype",
}
SVG_TYPE = "image/svg+xml"
# What a browser takes out of a URL before reading it (WHATWG URL): tabs and
# line breaks anywhere ("java\tscript:"), controls and spaces at its ends.
_TABS = re.compile(r"[\t\n\r]+")
_ENDS = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_DATA = re.compile(r"^data:([^,;]*)((?:;[^,;]*)*),(.*)$", re.S | re.I)


def _normal(url: str) -> str:
    return _TABS.sub("", url).strip(_ENDS)


def scheme(url: str) -> str | None:
    match = _SCHEME.match(_normal(url))
    return match.group(1).lower() if match else None


def is_fragment(url: str) -> bool:
    return _normal(url).startswith("#")


def is_link(url: str) -> bool:
    """A link a reader may follow: inside the document, or an external page."""
    url = _normal(url)
    if is_fragment(url):
        return True
    return scheme(url) in LINK_SCHEMES and not url.lower().startswith(("http:///", "https:///"))


def data_url(url: str) -> tuple[str, bytes] | None:
    """A data: URL's media type and bytes, or None when it is not one (or is broken)."""
    match = _DATA.match(_normal(url))
    if not match:
        return None
    media_type = match.group(1).strip().lower() or "text/plain"
    try:
        if ";base64" in match.group(2).lower():
            return media_type, base64.b64decode(match.group(3), validate=False)
        return media_type, unquote_to_bytes(match.group(3))
    except ValueError:
        return None


def shown(url: str, length: int = 60) -> str:
    """A reference as a message shows it: short, and on one line."""
    url = " ".join(url.split())
    return url if len(url) <= length else url[: length - 1] + "\u2026"
