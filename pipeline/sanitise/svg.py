"""SVG a reader can show and nothing more: drawings, not programs.

An SVG file or an ``<svg>`` in the text keeps its shapes, text, paint
servers, filters and presentation; scripts, event handlers, animation (which
can set an ``href`` to ``javascript:``), ``<foreignObject>`` and references
to other files or addresses go, as does what is not known to be harmless.
Files are parsed without entities, network or DTD (a "billion laughs"
entity bomb is refused by the parser, not expanded). What is known to be
harmless is listed in svg_allowlist.py.
"""

from __future__ import annotations

import re

from lxml import etree

from . import Removal
from .css import clean_declarations, clean_sheet, refused_in_value
from .svg_allowlist import (
    ATTRIBUTES,
    DRAWABLE,
    ELEMENT_VALUES,
    ELEMENTS,
    NEED_REFERENCE,
    PRESENTATION,
    REFERENCES,
    REQUIRED,
    SILENT,
    TEXT_HOLDERS,
    VALUES,
)
from .urls import DATA_TYPES, SVG_TYPE, data_url, is_fragment, is_link, shown

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"

_LOCAL_URL = re.compile(r"""url\(\s*['"]?#([^'")\s]*)""")
_ANY = re.compile(r".*", re.S)


class SvgError(ValueError):
    """The file cannot be read as SVG; ``line`` is where the parser stopped."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def clean_file(data: bytes) -> tuple[bytes, list[Removal]]:
    """An SVG file's bytes, cleaned, and what was removed (lines in the file)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SvgError(exc.msg, exc.lineno) from None
    if root is None or etree.QName(root).localname != "svg" or etree.QName(root).namespace not in (None, SVG_NS):
        raise SvgError("its outermost element is not <svg>", getattr(root, "sourceline", None))
    tree = root.getroottree()
    # A file with nothing to remove goes into the editions as it is, byte for byte.
    pristine = not tree.docinfo.doctype and not tree.xpath("//processing-instruction()")
    before = etree.tostring(root)
    removals = []
    dtd = tree.docinfo.internalDTD  # the DOCTYPE goes; a word only when it declared something
    if dtd is not None and (dtd.entities() or dtd.elements()):
        removals.append(Removal("a DOCTYPE with declarations", 1))
    for el in root.iter():  # SVG without its namespace is shown as SVG by no reader
        if isinstance(el.tag, str) and etree.QName(el).namespace is None:
            el.tag = f"{{{SVG_NS}}}{el.tag}"
    removals += clean_tree(root, inline=False)
    if pristine and not removals and etree.tostring(root) == before:
        return data, []
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True), removals


def clean_tree(root, inline: bool) -> list[Removal]:
    """Clean an <svg> element and what it holds, in place. ``inline``: an
    <svg> in a chapter's tree (no namespaces, attributes named "xlink:href"),
    where a <style> would restyle the whole page and so goes too."""
    removals: list[Removal] = []
    stack = [root]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):  # entity references, comments, processing instructions
            if isinstance(el, etree._Entity):
                removals.append(Removal(f"the entity reference {el.text}", el.sourceline))
            if not isinstance(el, etree._Comment) or inline:  # a file's comments harm nothing
                _remove(el)
            continue
        name = _name(el)
        if name in SILENT or (name is None and etree.QName(el).namespace != XHTML_NS):
            _remove(el)
            continue
        if name not in ELEMENTS or (inline and name == "style"):
            removals.append(Removal(f"<{name or etree.QName(el).localname}>", el.sourceline))
            _remove(el)
            continue
        _clean_attributes(el, name, inline, removals)
        if name == "a" and not (el.get("href") or el.get(f"{{{XLINK_NS}}}href")):
            # A link that leads nowhere is a group (or a run of text): its
            # drawing stays, and no reader announces a link without a name.
            parent = el.getparent()
            name = "tspan" if parent is not None and _name(parent) in ("text", "tspan", "textPath") else "g"
            el.tag = el.tag[:-1] + name
        if name not in TEXT_HOLDERS:  # words elsewhere are not drawn, and SVG's schema refuses them
            strays = [el] if (el.text or "").strip() else []
            strays += [c for c in el if (c.tail or "").strip()]
            if strays:
                removals.append(Removal(f"text directly inside <{name}>", el.sourceline))
            for holder in strays:
                if holder is el:
                    el.text = None
                else:
                    holder.tail = None
        if name in NEED_REFERENCE and not (el.get("href") or el.get(f"{{{XLINK_NS}}}href")):
            _remove(el)  # shows nothing without what it refers to (and renderers trip on it)
            continue
        if name == "style":
            text, removed = clean_sheet("".join(el.itertext()), loadable)
            removals += [Removal(r.what, (el.sourceline or 1) + (r.line or 1) - 1) for r in removed]
            removals += [
                Removal(f"<{etree.QName(c).localname}> inside <style>", c.sourceline)
                for c in el
                if isinstance(c.tag, str)
            ]
            if removed or len(el):  # written out again only when something had to go
                for child in list(el):
                    el.remove(child)
                el.text = text
            continue
        stack.extend(reversed(el))
    _check_fragments(root, removals)
    return removals


def _check_fragments(root, removals: list[Removal]) -> None:
    """A reference inside the drawing must find its target, and a <use> a
    thing it can draw (EPUBCheck follows both)."""
    ids = {el.get("id"): _name(el) for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or _name(el) == "a":
            continue
        for key in [k for k in el.attrib if _attribute(k) in REFERENCES]:
            target = el.get(key).strip()
            if not target.startswith("#"):
                continue
            found = ids.get(target[1:])
            if found is None or (_name(el) == "use" and found not in DRAWABLE):
                what = "is not in the drawing" if found is None else f"is a <{found}>, which <use> cannot draw"
                removals.append(Removal(f"<{_name(el)}> of '{shown(target)}', which {what}", el.sourceline))
                del el.attrib[key]
        for key in [k for k in el.attrib if _attribute(k) in PRESENTATION or _attribute(k) == "style"]:
            missing = [i for i in _LOCAL_URL.findall(el.get(key)) if i not in ids]
            if missing:
                removals.append(
                    Removal(f"{_attribute(key)} of '#{shown(missing[0])}', which is not in the drawing", el.sourceline)
                )
                del el.attrib[key]
        name = _name(el) or ""
        if name in NEED_REFERENCE and not any(_attribute(k) in REFERENCES for k in el.attrib):
            _remove(el)
        elif any(el.get(a) is None for a in REQUIRED.get(name, ())):
            removals.append(Removal(f"<{name}> without {' or '.join(REQUIRED[name])}", el.sourceline))
            _remove(el)


def _clean_attributes(el, name: str, inline: bool, removals: list[Removal]) -> None:
    for key in list(el.attrib):
        attribute = _attribute(key)
        value = el.attrib[key]
        if attribute is None:  # an editor's own attributes (inkscape:label...)
            del el.attrib[key]
            continue
        refused = None
        if attribute in REFERENCES:
            allowed = is_link if name == "a" else loadable if name in ("image", "feImage") else is_fragment
            if not allowed(value):
                refused = f'{attribute}="{shown(value)}" on <{name}>'
        elif attribute == "style":
            cleaned, removed = clean_declarations(value, loadable)
            if removed:
                removals.append(Removal(f'style="{shown(value)}" on <{name}>', el.sourceline))
                if cleaned:
                    el.set(key, cleaned)
                else:
                    del el.attrib[key]
            continue
        elif attribute not in ATTRIBUTES:
            refused = f"{attribute} on <{name}>"
        elif not (ELEMENT_VALUES.get((name, attribute)) or VALUES.get(attribute) or _ANY).fullmatch(value):
            refused = f'{attribute}="{shown(value)}" on <{name}>'
        elif "(" in value and refused_in_value(value, loadable):
            refused = f'{attribute}="{shown(value)}" on <{name}>'
        if refused:
            removals.append(Removal(refused, el.sourceline))
            del el.attrib[key]
        elif inline and attribute == "xlink:href":
            # XHTML declares no xlink prefix; SVG 2 reads a plain href.
            del el.attrib[key]
            el.set("href", value)


def _name(el) -> str | None:
    """An element's SVG name, or None for another namespace's element."""
    if not el.tag.startswith("{"):  # a chapter's tree, where "x:y" is a name as the HTML parser left it
        return el.tag
    qname = etree.QName(el)
    if qname.namespace in (None, SVG_NS):
        return qname.localname
    if qname.namespace == "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd":
        return "sodipodi:namedview" if qname.localname == "namedview" else None
    return None


def _attribute(key: str) -> str | None:
    if not key.startswith("{"):
        return key
    qname = etree.QName(key)
    prefix = {XLINK_NS: "xlink", XML_NS: "xml"}.get(qname.namespace)
    return f"{prefix}:{qname.localname}" if prefix else None


def _remove(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:  # the text after a removed element stays
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def loadable(url: str) -> bool:
    """Whether a reference that loads something (not a link) may stay: the
    policy of urls.py, with a data: SVG judged by cleaning it."""
    if is_fragment(url):
        return True
    data = data_url(url)
    if data is None:
        return False
    media_type, content = data
    if media_type in DATA_TYPES:
        return True
    if media_type == SVG_TYPE:
        try:
            return not clean_file(content)[1]
        except SvgError:
            return False
    return False
