"""What a reader gives back for one source: the tree, and what the checks
that follow need to know about the source it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import html as lxml_html


@dataclass
class Reading:
    tree: lxml_html.HtmlElement  # a <div> holding the content, in the model's conventions
    # The author's raw HTML, in source order: (HTML text, line in the body or None when unknown).
    raw_html: list[tuple[str, int | None]] = field(default_factory=list)
    # What the reader left out on purpose: (what, line in the body), reported as warnings.
    dropped: list[tuple[str, int]] = field(default_factory=list)
    # Other located problems the reader saw: (message, line in the body, hint).
    warnings: list[tuple[str, int, str | None]] = field(default_factory=list)
    # What the reader refused to read, so that the build fails there: (message,
    # line in the body or None, hint). Its tree is then left empty.
    errors: list[tuple[str, int | None, str]] = field(default_factory=list)
