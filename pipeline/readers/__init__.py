"""Reading stage: Markdown to the document model's HTML trees.

Two dialects read into the same model, so every transform, check and
edition is shared: ``commonmark`` (the default: CommonMark 0.31.2 with the
GitHub and pandoc extensions, on markdown-it-py) and ``python-markdown``
(Python-Markdown with the extensions MkDocs writers use).
"""

from __future__ import annotations

from .reading import Reading

__all__ = ["Reading", "reader_for"]


def reader_for(dialect: str, extensions: tuple = (), lang: str = "en"):
    """A reader for one publication; readers keep their parser between files."""
    if dialect == "python-markdown":
        from .python_markdown import PythonMarkdownReader

        return PythonMarkdownReader(extensions)
    from .commonmark import CommonMarkReader

    return CommonMarkReader(lang=lang)
