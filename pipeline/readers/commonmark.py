"""The commonmark dialect (the default): CommonMark 0.31.2 on markdown-it-py."""

from __future__ import annotations

from markdown_it import MarkdownIt

from . import html5
from .reading import Reading


class CommonMarkReader:
    dialect = "commonmark"

    def __init__(self, lang: str = "en"):
        self.md = MarkdownIt("commonmark", {"html": True})

    def core_html(self, text: str) -> str:
        """The HTML of the CommonMark core with Pressroom's syntax extensions,
        before Pressroom's own transforms (smart punctuation, heading ids,
        the model's conventions): what the spec's examples are checked against."""
        return self.md.render(text)

    def read(self, text: str) -> Reading:
        tokens = self.md.parse(text, {})
        html = self.md.renderer.render(tokens, self.md.options, {})
        raw = [(t.content, t.map[0] + 1) for t in tokens if t.type == "html_block"]
        return Reading(html5.to_tree(html, raw=True), raw_html=raw)
