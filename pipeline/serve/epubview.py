"""A built EPUB as the preview reads it: its members, their media types (from
the package document's manifest), its reading order and its table of contents.

Members are found only by looking their names up in the zip's own list, so a
URL never names a file on disk.
"""

from __future__ import annotations

import posixpath
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
# Media types of members the manifest does not list (the manifest lists everything else).
FIXED = {"mimetype": "text/plain", "META-INF/container.xml": "application/xml"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class Entry:
    label: str
    href: str  # a member name, with its #fragment if any
    depth: int


@dataclass(frozen=True)
class Epub:
    title: str
    names: frozenset[str]
    media_types: dict[str, str]
    spine: tuple[str, ...]
    toc: tuple[Entry, ...]
    start: str  # the member shown first: the first chapter of the table of contents

    def media_type(self, name: str) -> str:
        return self.media_types.get(name) or FIXED.get(name, "application/octet-stream")


def _join(base: str, href: str) -> str:
    path, _, fragment = href.partition("#")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path)) if path else base
    return joined + (f"#{fragment}" if fragment else "")


def read(path: Path) -> Epub:
    with zipfile.ZipFile(path) as z:
        names = frozenset(z.namelist())
        container = etree.fromstring(z.read("META-INF/container.xml"), _PARSER)
        opf_name = container.find(".//c:rootfile", NS).get("full-path")
        opf = etree.fromstring(z.read(opf_name), _PARSER)
        items = {}
        media_types = {opf_name: "application/oebps-package+xml"}
        nav = None
        for item in opf.iterfind("opf:manifest/opf:item", NS):
            name = _join(opf_name, item.get("href"))
            items[item.get("id")] = name
            media_types[name] = item.get("media-type")
            if "nav" in (item.get("properties") or "").split():
                nav = name
        spine = tuple(
            items[ref.get("idref")] for ref in opf.iterfind("opf:spine/opf:itemref", NS) if ref.get("idref") in items
        )
        title = (opf.findtext(".//dc:title", "", NS) or "").strip()
        toc: list[Entry] = []
        if nav is not None and nav in names:
            doc = etree.fromstring(z.read(nav), _PARSER)
            for element in doc.iter(f"{{{NS['x']}}}nav"):
                if element.get(f"{{{NS['epub']}}}type") == "toc":
                    for a in element.iter(f"{{{NS['x']}}}a"):
                        depth = sum(1 for e in a.iterancestors(f"{{{NS['x']}}}ol")) - 1
                        label = " ".join("".join(a.itertext()).split())
                        toc.append(Entry(label, _join(nav, a.get("href", "")), max(depth, 0)))
                    break
    in_toc = {e.href.partition("#")[0] for e in toc}
    start = next((s for s in spine if s in in_toc), spine[0] if spine else "")
    return Epub(title, names, media_types, spine, tuple(toc), start)


class Shelf:
    """The EPUBs read so far, read again only when the file changed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._read: dict[Path, tuple[tuple[int, int], Epub]] = {}

    def get(self, path: Path) -> Epub | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            known = self._read.get(path)
        if known and known[0] == key:
            return known[1]
        try:
            epub = read(path)
        except (OSError, KeyError, AttributeError, zipfile.BadZipFile, etree.XMLSyntaxError):
            return None
        with self._lock:
            self._read[path] = (key, epub)
        return epub

    @staticmethod
    def member(path: Path, epub: Epub, name: str) -> bytes | None:
        if name not in epub.names or name.endswith("/"):
            return None
        try:
            with zipfile.ZipFile(path) as z:
                return z.read(name)
        except (OSError, KeyError, zipfile.BadZipFile):
            return None  # replaced by a build since it was read
