"""Ids unique across the publication, and every internal link resolved.

Python-Markdown numbers headings and notes per file, so chapters joined into
one print document would collide; here each id is made unique (a suffix on
collision) and every link is rewritten to ``#id``, the model's one form of an
internal link. Writers map it to ``file#id`` (EPUB) or keep it (print).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..confine import real_path
from ..errors import Diagnostics
from ..model import Publication
from .headings import HEADINGS, text_of
from .sanitize import line_of

_BAD = re.compile(r"[^\w.\-]")


def _clean(value: str) -> str:
    value = _BAD.sub("-", value.strip())
    return value if value[:1].isalpha() else f"id-{value}"


def unique_ids(pub: Publication, texts: dict, diags: Diagnostics) -> dict:
    """Rename ids so none repeats; returns {chapter id: {old id: new id}}."""
    used = {c.id for c in pub.chapters}
    renames = {}
    for chapter in pub.chapters:
        mapping, seen = {}, set()
        for el in chapter.body.iter():
            old = el.get("id") if isinstance(el.tag, str) else None
            if old is None:
                continue
            if old in seen:
                diags.error(
                    f"the id '{old}' is used twice in this file",
                    chapter.source,
                    line_of(chapter, texts[chapter.id], old),
                    hint="give each element its own id",
                )
                continue
            seen.add(old)
            new = base = _clean(old)
            n = 2
            while new in used:
                new, n = f"{base}-{n}", n + 1
            used.add(new)
            mapping[old] = new
            el.set("id", new)
            pub.anchors[new] = chapter
        chapter.body.set("id", chapter.id)
        pub.anchors[chapter.id] = chapter
        renames[chapter.id] = mapping
    return renames


def resolve_links(pub: Publication, renames: dict, texts: dict, diags: Diagnostics) -> None:
    """Every link to a chapter or to something in one becomes ``#id``; a
    relative link that leaves the book becomes a web address when the
    publication gives its base (``links: base``). A link that leads nowhere
    is a warning at its line and is set as its text, in both editions."""
    links = _Links(pub, renames)
    for chapter in pub.chapters:
        for a in list(chapter.body.iter("a")):
            href = a.get("href")
            if href is None:
                continue
            target = links.resolve(href, chapter)
            if target is _EXTERNAL:
                continue
            if isinstance(target, _Web):
                a.set("href", target.url)
            elif isinstance(target, _Broken):
                diags.warning(
                    f"broken link '{href}': {target.what}; it is set as plain text",
                    chapter.source,
                    line_of(chapter, texts[chapter.id], href),
                    hint=target.hint,
                )
                _unlink(a, href)
            else:
                a.set("href", f"#{target}")


_EXTERNAL = object()


class _Web:
    def __init__(self, url: str):
        self.url = url


class _Broken:
    def __init__(self, what: str, hint: str):
        self.what, self.hint = what, hint


_NO_ID = "check the id: a heading's comes from its words, a figure's is figure-1, figure-2 and so on"
_WEB_SCHEMES = ("http", "https", "mailto", "tel", "urn", "doi")


class _Links:
    """What a link's href names: a chapter or an id in one, a web address, or nothing."""

    def __init__(self, pub: Publication, renames: dict):
        self.pub, self.renames = pub, renames
        self.by_source = {c.source.resolve(): c for c in pub.chapters if c.role != "part"}
        self.root = (pub.site_root or pub.folder).resolve()
        self.base = pub.metadata.reading.link_base
        self.slugs: dict[str, dict[str, str]] = {}

    def resolve(self, href: str, chapter):
        parts = urlsplit(href)
        if parts.scheme in _WEB_SCHEMES or parts.netloc:
            return _EXTERNAL
        if parts.scheme:
            return _Broken(
                f"'{parts.scheme}:' links cannot be followed from a publication", "link to a web address or a file"
            )
        target = chapter
        if parts.path:
            path = real_path(chapter.source.parent / unquote(parts.path))
            if path is None:
                return _Broken("no file can have that name", "check the link's address")
            target = self._chapter(path, parts.path)
            if target is None:
                return self._elsewhere(href, path, chapter)
        fragment = unquote(parts.fragment)
        if not fragment:
            return target.id
        found = self.renames[target.id].get(fragment) or self._by_slug(target).get(fragment)
        if found is None and not parts.path:
            # A bare #id names something anywhere in the publication when only
            # one chapter has it (figure-3, a heading's id).
            elsewhere = [m[fragment] for m in self.renames.values() if fragment in m]
            if len(elsewhere) == 1:
                return elsewhere[0]
        if found is None:
            return _Broken(
                f"nothing in {'that file' if parts.path else 'the publication'} has the id '{fragment}'", _NO_ID
            )
        return found

    def _chapter(self, path: Path, written: str):
        """The chapter a path names: its Markdown file, or the page mdBook or
        MkDocs makes of it (other.html, README.md as index.html, a folder's index)."""
        candidates = [path]
        if path.suffix.lower() in (".html", ".htm"):
            candidates += [path.with_suffix(".md"), path.with_suffix(".markdown")]
            if path.stem == "index":
                candidates.append(path.with_name("README.md"))
        if written.endswith("/") or path.is_dir():
            candidates += [path / "index.md", path / "README.md"]
        return next((self.by_source[c] for c in candidates if c in self.by_source), None)

    def _elsewhere(self, href: str, path: Path, chapter):
        """A relative link to no chapter: a web address under the base (a
        page outside the book, a file the site publishes), or broken."""
        leaves = not path.is_relative_to(self.root)
        page = path.suffix.lower() in (".md", ".markdown", ".html", ".htm")
        if not leaves and page and (path.is_file() or path.with_suffix(".md").is_file()):
            return _Broken(
                "that file is not one of the publication's chapters",
                "add it to the book's contents, or link to one of its chapters",
            )
        if self.base and (leaves or path.exists()):
            base = (
                urljoin(self.base, chapter.source.resolve().relative_to(self.root).as_posix())
                if chapter.source.resolve().is_relative_to(self.root)
                else self.base
            )
            return _Web(urljoin(base, href))
        if leaves:
            return _Broken(
                "it leads out of the book, and the publication gives no address to resolve it against",
                "give the address the book is published at: links: {base: URL} in publication.yaml "
                "(for mdBook, a full site-url in book.toml)",
            )
        return _Broken(
            "no such file in the publication", "check the file name: it must be one of the publication's sources"
        )

    def _by_slug(self, chapter) -> dict[str, str]:
        """The chapter's headings under the ids mdBook and GitHub give them
        (lower case, punctuation dropped, spaces to hyphens; -1, -2 on repeats),
        for links written for those sites."""
        if chapter.id not in self.slugs:
            found, counts = {}, {}
            for el in chapter.body.iter(*HEADINGS):
                if not el.get("id"):
                    continue
                base = mdbook_id(text_of(el))
                name = base if base not in counts else f"{base}-{counts[base]}"
                counts[base] = counts.get(base, 0) + 1
                found.setdefault(name, el.get("id"))
            self.slugs[chapter.id] = found
        return self.slugs[chapter.id]


def mdbook_id(text: str) -> str:
    """mdBook's heading id (utils::normalize_id): letters, digits, _ and -
    kept, ASCII letters lower-cased, each space a hyphen, the rest dropped."""
    kept = []
    for c in text.strip():
        if c.isalnum() or c in "_-":
            kept.append(c.lower() if c.isascii() else c)
        elif c.isspace():
            kept.append("-")
    return "".join(kept)


def _unlink(a, href: str) -> None:
    """The link set as its text; a link with no text shows what it pointed at."""
    if not (a.text or "").strip() and not len(a):
        a.text = href
    a.drop_tag()
