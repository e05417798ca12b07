"""The attributes of HTML a publication's text may hold, the values some of
them may take, and the terms an ``epub:type`` or a ``role`` may name. The
transforms check the text against these (elements.py has the elements).
"""

from __future__ import annotations

import re

from .langtags import valid as valid_tag

URL_ATTRIBUTES = {"href", "src", "xlink:href", "srcset", "poster", "cite", "action", "data"}
# EPUB 3 Structural Semantics Vocabulary terms and ARIA/DPUB-ARIA roles a
# source may use; anything else would fail EPUBCheck or Ace.
EPUB_TYPES = set(
    """
abstract acknowledgments afterword annotation appendix assessment backmatter bibliography biblioentry
bodymatter chapter colophon conclusion contributors copyright-page cover dedication division endnote
endnotes epigraph epilogue errata figure footnote footnotes foreword frontmatter glossary glossdef
glossterm halftitlepage imprimatur imprint index introduction keyword landmarks learning-objective
list noteref notice pagebreak page-list part preamble preface prologue pullquote qna rearnote rearnotes
sidebar subchapter subtitle table tip titlepage toc toc-brief volume
""".split()
)
ROLES = set(
    """
alert article banner blockquote caption cell code columnheader complementary contentinfo definition
deletion directory document emphasis figure group heading img insertion list listitem mark math
navigation none note paragraph presentation region row rowgroup rowheader separator strong subscript
superscript table term time
""".split()
) | {
    f"doc-{r}"
    for r in """
abstract acknowledgments afterword appendix backlink biblioentry bibliography biblioref chapter colophon
conclusion cover credit credits dedication endnote endnotes epigraph epilogue errata example footnote
foreword glossary glossref index introduction noteref notice pagebreak pagefooter pageheader pagelist
part preface prologue pullquote qna subtitle tip toc
""".split()
}
GLOBAL_ATTRIBUTES = {
    "id",
    "class",
    "lang",
    "dir",
    "title",
    "style",
    "role",
    "epub:type",
    "xml:lang",
    "hidden",
    "translate",
}
ELEMENT_ATTRIBUTES = {
    "a": {"href", "hreflang", "rel", "type"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "details": {"open"},
    "bdo": {"dir"},
}
_INTEGER = re.compile(r"^\d{1,6}$")
_DATETIME = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$")
VALUE_CHECKS = {
    "lang": lambda v: v == "" or valid_tag(v),
    "xml:lang": lambda v: v == "" or valid_tag(v),
    "hreflang": valid_tag,
    "dir": lambda v: v in ("ltr", "rtl", "auto"),
    "colspan": lambda v: _INTEGER.match(v) and int(v) > 0,
    "rowspan": lambda v: _INTEGER.match(v) is not None,
    "span": lambda v: _INTEGER.match(v) and int(v) > 0,
    "start": lambda v: re.match(r"^-?\d{1,6}$", v),
    "value": lambda v: re.match(r"^-?\d{1,6}$", v),
    "width": lambda v: _INTEGER.match(v) is not None,
    "height": lambda v: _INTEGER.match(v) is not None,
    "type": lambda v: v in ("1", "a", "A", "i", "I"),
    "scope": lambda v: v in ("row", "col", "rowgroup", "colgroup"),
    "translate": lambda v: v in ("yes", "no", ""),
    "datetime": lambda v: _DATETIME.match(v) is not None,
    "hidden": lambda v: v in ("", "hidden", "until-found"),
}
