"""Which chapters are a glossary or an index, for their EPUB semantics and landmarks.

A writer marks nothing: a chapter is a glossary or an index when its title is
the language's word for one, as a reader would take it. The words are the
usual headings of each language; where a bare word would also name the
contents (Spanish and Italian "Índice"), only the longer heading counts.
The type is set on the chapter's section (with its DPUB-ARIA role); a
glossary's <dt> and <dd> carry none, since the roles glossterm and glossdef
call for (term, definition) are not allowed on them in HTML, and Ace holds
type and role to each other.
"""

from __future__ import annotations

from ..model import Chapter

NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "glossary": {
        "en": ("glossary", "glossary of terms"),
        "de": ("glossar", "begriffserklärungen"),
        "fr": ("glossaire", "lexique"),
        "es": ("glosario",),
        "it": ("glossario",),
        "pt": ("glossário",),
    },
    "index": {
        "en": ("index", "general index", "subject index"),
        "de": ("register", "index", "stichwortverzeichnis", "sachregister"),
        "fr": ("index", "index général"),
        "es": ("índice alfabético", "índice analítico"),
        "it": ("indice analitico", "indice dei nomi"),
        "pt": ("índice remissivo",),
    },
}


def kind(chapter: Chapter) -> str | None:
    """ "glossary", "index" or None, from the chapter's title in its language."""
    if chapter.role == "part" or not chapter.title:
        return None
    title = " ".join(chapter.title.split()).casefold()
    lang = chapter.lang.split("-")[0].lower()
    for name, words in NAMES.items():
        if title in words.get(lang, words["en"]):
            return name
    return None
