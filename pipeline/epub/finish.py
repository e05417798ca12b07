"""Deterministic finishing pass over EbookLib's output (OCF 3.3).

Adds what EbookLib leaves out of the package document (language on
<package>, manifest properties, the subtitle's refinement) and rewrites the
container with sorted entries and fixed timestamps, so identical sources
give an identical EPUB.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from ..version import __version__
from ..model import Publication

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF_PATH = "EPUB/content.opf"


def _properties(content: bytes) -> list[str]:
    props = []
    if re.search(rb"<(\w+:)?svg[\s>]", content):
        props.append("svg")
    if re.search(rb"<(\w+:)?math[\s>]", content):
        props.append("mathml")
    if re.search(
        rb"""(src|href|data)=["']https?://[^"']+\.(png|jpe?g|gif|svg|mp3|mp4|css|ttf|otf|woff2?)["']""", content
    ):
        props.append("remote-resources")
    return props


def _fix_opf(opf: bytes, files: dict, pub: Publication) -> bytes:
    root = etree.fromstring(opf)
    root.set(XML_LANG, pub.metadata.lang)
    ns = {"opf": OPF_NS, "dc": DC_NS}
    for item in root.iterfind("opf:manifest/opf:item", ns):
        if item.get("media-type") != "application/xhtml+xml":
            continue
        existing = (item.get("properties") or "").split()
        found = _properties(files.get(f"EPUB/{item.get('href')}", b""))
        merged = existing + [p for p in found if p not in existing]
        if merged:
            item.set("properties", " ".join(merged))
    metadata = root.find("opf:metadata", ns)
    for meta in metadata.iterfind("opf:meta[@name='generator']", ns):
        meta.set("content", f"Pressroom {__version__}")
    for meta in metadata.iterfind("opf:meta[@property='file-as']", ns):
        meta.attrib.pop("scheme", None)  # EbookLib labels file-as as a MARC code
    titles = metadata.findall("dc:title", ns)
    if titles:
        titles[0].set("id", "title")
        _refine(metadata, "title", "title-type", "main")
    if pub.metadata.subtitle and len(titles) > 1:
        _refine(metadata, "subtitle", "title-type", "subtitle")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _refine(metadata, target: str, prop: str, value: str) -> None:
    el = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", {"refines": f"#{target}", "property": prop})
    el.text = value


def zip_time(iso: str) -> tuple:
    year = max(int(iso[:4]), 1980)  # the zip format cannot say earlier
    return (year, int(iso[5:7]), int(iso[8:10]), int(iso[11:13]), int(iso[14:16]), int(iso[17:19]) // 2 * 2)


def finish(raw: bytes, pub: Publication) -> bytes:
    with zipfile.ZipFile(io.BytesIO(raw)) as zin:
        files = {name: zin.read(name) for name in zin.namelist()}
    files[OPF_PATH] = _fix_opf(files[OPF_PATH], files, pub)
    stamp = zip_time(pub.modified)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        names = ["mimetype"] + sorted(n for n in files if n != "mimetype")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                zout.writestr(info, b"application/epub+zip")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(info, files[name], compresslevel=9)
    return out.getvalue()
