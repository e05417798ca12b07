"""Engine piece 'hyphenation patterns': the patterns a language's text is
hyphenated with, where pyphen's choice is not the one a reader expects.

WeasyPrint hyphenates with the pyphen dictionary of an element's ``lang``
(``pyphen.language_fallback``), and pyphen gives "en" the British patterns
(``hyph_en_GB``): "evid-ent", "res-ult", "Signific-antly" in a text that
says only that it is English. Pressroom gives "en" the American patterns,
as most English dictionaries and typesetters do; "en-GB" keeps the British.
It relies on WeasyPrint's proprietary ``-weasy-lang`` property (the
language its text layout and hyphenation use, set from the ``lang``
attribute as a presentational hint that a sheet's rule cannot override but
an element's ``style`` attribute can), on ``HTML.etree_element`` before
``render()``, and on the document's language (PDF ``/Lang``, the tagged
structure) still coming from the ``lang`` attribute.

Upstream: a documented way to choose the hyphenation dictionary of a
language (an option mapping languages to dictionaries, or honouring a sheet
rule over the presentational hint).
"""

from __future__ import annotations

PIECE = "hyphenation patterns"
# lang attribute (lower case) -> the language whose patterns hyphenate it
PATTERNS = {"en": "en-US"}


def hyphenate_as(html) -> None:
    """Give each element whose ``lang`` is in PATTERNS the patterns named there."""
    for element in html.etree_element.iter():
        lang = element.get("lang") if isinstance(element.tag, str) else None
        if lang and lang.lower() in PATTERNS:
            own = (element.get("style") or "").strip().rstrip(";")
            rule = f'-weasy-lang: "{PATTERNS[lang.lower()]}"'
            element.set("style", f"{rule}; {own}" if own else rule)
