"""The words Pressroom itself writes into an edition, in the language of the text.

Captions ("Figure 3"), page references (", page 14"), the contents title,
the EPUB's colophon and the labels a screen reader announces come from
here, by the primary subtag of the language of the text they stand in (a
chapter's own, else the publication's); a language not in the table gets
English. A publication still sets its contents title with
``toc-title``.
"""

from __future__ import annotations

TERMS: dict[str, dict[str, str]] = {
    "en": {
        "note": "Note",
        "tip": "Tip",
        "important": "Important",
        "warning": "Warning",
        "caution": "Caution",
        "figure": "Figure",
        "table": "Table",
        "page": "page",
        "contents": "Contents",
        "notes": "Notes",
        "cover": "Cover",
        "cover of": "Cover of {}",
        "title page": "Title page",
        "colophon": "Colophon",
        "landmarks": "Landmarks",
        "start": "Start of content",
        "pages": "Pages",
        "published by": "Published by {}.",
        "this edition": "This edition: {}.",
        "identifier": "Identifier: {}",
        "set in": "Set in {}.",
        "back to note": "Back to note {} reference",
        "note number": "note {}",  # a cross-reference to a note
    },
    "de": {
        "note": "Hinweis",
        "tip": "Tipp",
        "important": "Wichtig",
        "warning": "Warnung",
        "caution": "Vorsicht",
        "figure": "Abbildung",
        "table": "Tabelle",
        "page": "Seite",
        "contents": "Inhalt",
        "notes": "Anmerkungen",
        "cover": "Umschlag",
        "cover of": "Umschlag: {}",
        "title page": "Titelseite",
        "colophon": "Impressum",
        "landmarks": "Orientierungspunkte",
        "start": "Beginn des Textes",
        "pages": "Seiten",
        "published by": "Herausgegeben von {}.",
        "this edition": "Diese Ausgabe: {}.",
        "identifier": "Kennung: {}",
        "set in": "Gesetzt aus {}.",
        "back to note": "Zurück zum Verweis auf Anmerkung {}",
        "note number": "Anmerkung {}",  # a cross-reference to a note
    },
    "fr": {
        "note": "Remarque",
        "tip": "Astuce",
        "important": "Important",
        "warning": "Avertissement",
        "caution": "Attention",
        "figure": "Figure",
        "table": "Tableau",
        "page": "page",
        "contents": "Table des matières",
        "notes": "Notes",
        "cover": "Couverture",
        "cover of": "Couverture de {}",
        "title page": "Page de titre",
        "colophon": "Colophon",
        "landmarks": "Repères",
        "start": "Début du texte",
        "pages": "Pages",
        "published by": "Publié par {}.",
        "this edition": "Cette édition\u202f: {}.",
        "identifier": "Identifiant\u202f: {}",
        "set in": "Composé en {}.",
        "back to note": "Retour à l’appel de note {}",
        "note number": "note {}",  # a cross-reference to a note
    },
    "es": {
        "note": "Nota",
        "tip": "Consejo",
        "important": "Importante",
        "warning": "Advertencia",
        "caution": "Precaución",
        "figure": "Figura",
        "table": "Tabla",
        "page": "página",
        "contents": "Índice",
        "notes": "Notas",
        "cover": "Cubierta",
        "cover of": "Cubierta de {}",
        "title page": "Portada",
        "colophon": "Colofón",
        "landmarks": "Puntos de referencia",
        "start": "Comienzo del texto",
        "pages": "Páginas",
        "published by": "Publicado por {}.",
        "this edition": "Esta edición: {}.",
        "identifier": "Identificador: {}",
        "set in": "Compuesto en {}.",
        "back to note": "Volver a la llamada de la nota {}",
        "note number": "nota {}",  # a cross-reference to a note
    },
    "it": {
        "note": "Nota",
        "tip": "Suggerimento",
        "important": "Importante",
        "warning": "Avvertenza",
        "caution": "Attenzione",
        "figure": "Figura",
        "table": "Tabella",
        "page": "pagina",
        "contents": "Indice",
        "notes": "Note",
        "cover": "Copertina",
        "cover of": "Copertina di {}",
        "title page": "Frontespizio",
        "colophon": "Colophon",
        "landmarks": "Punti di riferimento",
        "start": "Inizio del testo",
        "pages": "Pagine",
        "published by": "Pubblicato da {}.",
        "this edition": "Questa edizione: {}.",
        "identifier": "Identificativo: {}",
        "set in": "Composto in {}.",
        "back to note": "Torna al richiamo della nota {}",
        "note number": "nota {}",  # a cross-reference to a note
    },
    "pt": {
        "note": "Nota",
        "tip": "Dica",
        "important": "Importante",
        "warning": "Aviso",
        "caution": "Cuidado",
        "figure": "Figura",
        "table": "Tabela",
        "page": "página",
        "contents": "Sumário",
        "notes": "Notas",
        "cover": "Capa",
        "cover of": "Capa de {}",
        "title page": "Folha de rosto",
        "colophon": "Colofão",
        "landmarks": "Pontos de referência",
        "start": "Início do texto",
        "pages": "Páginas",
        "published by": "Publicado por {}.",
        "this edition": "Esta edição: {}.",
        "identifier": "Identificador: {}",
        "set in": "Composto em {}.",
        "back to note": "Voltar à chamada da nota {}",
        "note number": "nota {}",  # a cross-reference to a note
    },
}


def term(key: str, lang: str, *values: str) -> str:
    """The word or phrase ``key`` in ``lang`` (a BCP 47 tag), its ``{}`` filled with values."""
    table = TERMS.get(lang.split("-")[0].lower(), TERMS["en"])
    return table[key].format(*values)


# The edition an identifier names, after it in the imprint and the colophon
# ("ISBN 978-... (print)"); and the print cover's barcode label.
_EDITIONS = {
    "en": ("print", "EPUB"),
    "de": ("Druck", "EPUB"),
    "fr": ("imprimé", "EPUB"),
    "es": ("impreso", "EPUB"),
    "it": ("stampa", "EPUB"),
    "pt": ("impresso", "EPUB"),
}
for _lang, (_print, _epub) in _EDITIONS.items():
    TERMS[_lang].update({"edition print": _print, "edition epub": _epub})
