"""Every use of WeasyPrint and pydyf beyond their documented API, in one place.

Each module is one piece: what it relies on, why the public API was not
enough and what upstream could offer instead is in its docstring (and
collected in README.md beside it); tests/test_engine_contract.py checks,
piece by piece, that the installed versions still give what it relies on.
WeasyPrint and pydyf are pinned exactly (pyproject.toml, requirements.lock):
a new version is taken by changing the pins and running those tests.

Nothing is imported here: ``libraries`` must be in place before WeasyPrint
is first imported (pipeline/pdf/__init__.py).
"""

# piece name -> module of this package
PIECES = {
    "page boxes": "boxes",
    "page loop": "pageloop",
    "page references": "pagerefs",
    "library search": "libraries",
    "XMP metadata": "metadata",
    "font configuration": "fonts",
    "PDF objects": "pdftree",
    "sRGB profile": "icc",
    "structure languages": "structlang",
    "late folios": "folios",
    "paragraph lines": "paragraphs",
    "hyphenation patterns": "patterns",
}
