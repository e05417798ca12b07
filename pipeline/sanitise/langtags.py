"""BCP 47 language tags, checked and standardised by langcodes, which is
loaded only for a tag outside the common ones: loading it costs a cold
build of one article some 20 ms, and nearly every publication names one
of these (tests/test_startup.py checks each against langcodes)."""

from __future__ import annotations

# Tags langcodes finds valid and leaves as they are.
COMMON = frozenset(
    "ar bg bm ca cs cy da de de-AT de-CH de-DE el en en-AU en-CA en-GB en-IE en-NZ en-US es es-ES es-MX "
    "et eu fa ff fi fr fr-BE fr-CA fr-CH fr-FR ga gl he hi hr hu id is it it-IT ja ko la lt lv mt nb nl "
    "nl-BE nn no pl pt pt-BR pt-PT ro ru sk sl sq sr sv sw th tr uk vi wo zh".split()
)


def valid(tag: str) -> bool:
    if tag in COMMON:
        return True
    import langcodes

    return bool(langcodes.tag_is_valid(tag))


def standard(tag: str) -> str:
    """The tag in its standard form (a valid one: see valid)."""
    if tag in COMMON:
        return tag
    import langcodes

    return str(langcodes.standardize_tag(tag))
