"""SVG a reader can show and nothing more: drawings, not programs.

An SVG file or an ``<svg>`` in the text keeps its shapes, text, paint
servers, filters and presentation; scripts, event handlers, animation (which
can set an ``href`` to ``javascript:``), ``<foreignObject>`` and references
to other files or addresses go, as does what is not known to be harmless.
Files are parsed without entities, network or DTD (a "billion laughs"
entity bomb is refused by the parser, not expanded).
"""

from __future__ import annotations

import re

from lxml import etree

from . import Removal
from .css import clean_declarations, clean_sheet, refused_in_value
from .urls import DATA_TYPES, SVG_TYPE, data_url, is_fragment, is_link, shown

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"

FILTERS = set(
    """
feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur
feImage feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile
feTurbulence
""".split()
)
ELEMENTS = (
    set(
        """
svg g defs symbol use switch a title desc path rect circle ellipse line polyline polygon text tspan
textPath image linearGradient radialGradient stop pattern clipPath mask marker filter style
""".split()
    )
    | FILTERS
)
# Descriptions of the file for its editor: never drawn, so left out without a word.
SILENT = {"metadata", "sodipodi:namedview"}

PRESENTATION = set(
    """
alignment-baseline baseline-shift clip clip-path clip-rule color color-interpolation
color-interpolation-filters color-rendering cursor direction display dominant-baseline enable-background
fill fill-opacity fill-rule filter flood-color flood-opacity font font-family font-size font-size-adjust
font-stretch font-style font-variant font-weight glyph-orientation-horizontal glyph-orientation-vertical
image-rendering isolation kerning letter-spacing lighting-color marker marker-end marker-mid marker-start
mask mask-type mix-blend-mode opacity overflow paint-order pointer-events shape-rendering stop-color
stop-opacity stroke stroke-dasharray stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit
stroke-opacity stroke-width text-anchor text-decoration text-rendering transform-origin unicode-bidi
vector-effect visibility word-spacing writing-mode
""".split()
)
ATTRIBUTES = PRESENTATION | set(
    """
id class lang xml:lang xml:space role tabindex systemLanguage version baseProfile
x y width height viewBox preserveAspectRatio rx ry cx cy r x1 y1 x2 y2 points d pathLength transform
dx dy rotate textLength lengthAdjust startOffset method spacing side refX refY markerUnits markerWidth
markerHeight orient patternUnits patternContentUnits patternTransform gradientUnits gradientTransform
spreadMethod fx fy fr offset clipPathUnits maskUnits maskContentUnits filterUnits primitiveUnits
in in2 result stdDeviation edgeMode mode type values operator k1 k2 k3 k4 order kernelMatrix divisor bias
targetX targetY kernelUnitLength preserveAlpha surfaceScale diffuseConstant specularConstant
specularExponent scale xChannelSelector yChannelSelector radius baseFrequency numOctaves seed stitchTiles
azimuth elevation z pointsAtX pointsAtY pointsAtZ limitingConeAngle tableValues slope intercept amplitude
exponent xlink:title media aria-label aria-labelledby aria-describedby aria-hidden
""".split()
)
REFERENCES = {"href", "xlink:href"}
_UNITS = "objectBoundingBox|userSpaceOnUse"
_ALIGN = "none|xMinYMin|xMidYMin|xMaxYMin|xMinYMid|xMidYMid|xMaxYMid|xMinYMax|xMidYMax|xMaxYMax"
# Values SVG 1.1's schema (which EPUBCheck applies) lists for its keyword attributes.
VALUES = {
    name: re.compile(rf"\s*({pattern})\s*")
    for name, pattern in {
        "version": r"1\.0|1\.1|1\.2",
        "preserveAspectRatio": rf"(defer\s+)?({_ALIGN})(\s+(meet|slice))?",
        "gradientUnits": _UNITS,
        "patternUnits": _UNITS,
        "patternContentUnits": _UNITS,
        "clipPathUnits": _UNITS,
        "maskUnits": _UNITS,
        "maskContentUnits": _UNITS,
        "filterUnits": _UNITS,
        "primitiveUnits": _UNITS,
        "markerUnits": "strokeWidth|userSpaceOnUse",
        "spreadMethod": "pad|reflect|repeat",
        "text-anchor": "start|middle|end|inherit",
        "fill-rule": "nonzero|evenodd|inherit",
        "clip-rule": "nonzero|evenodd|inherit",
        "stroke-linecap": "butt|round|square|inherit",
        "stroke-linejoin": "miter|round|bevel|inherit",
        "visibility": "visible|hidden|collapse|inherit",
        "overflow": "visible|hidden|scroll|auto|inherit",
        "lengthAdjust": "spacing|spacingAndGlyphs",
        "method": "align|stretch",
        "spacing": "auto|exact",
        "xml:space": "default|preserve",
        "edgeMode": "duplicate|wrap|none",
        "stitchTiles": "stitch|noStitch",
        "xChannelSelector": "[RGBA]",
        "yChannelSelector": "[RGBA]",
        "aria-hidden": "true|false",
        "tabindex": "-?[0-9]+",
        "role": "img|presentation|none|group|figure|document",
        "display": "inline|block|list-item|run-in|compact|marker|table|inline-table|table-row-group|"
        "table-header-group|table-footer-group|table-row|table-column-group|table-column|table-cell|"
        "table-caption|none|inherit",
    }.items()
}
ELEMENT_VALUES = {
    (element, name): re.compile(rf"\s*({pattern})\s*")
    for element, name, pattern in (
        ("feComposite", "operator", "over|in|out|atop|xor|arithmetic"),
        ("feMorphology", "operator", "erode|dilate"),
        ("feBlend", "mode", "normal|multiply|screen|darken|lighten"),
        ("feColorMatrix", "type", "matrix|saturate|hueRotate|luminanceToAlpha"),
        ("feTurbulence", "type", "fractalNoise|turbulence"),
        *((f"feFunc{c}", "type", "identity|table|discrete|linear|gamma") for c in "RGBA"),
    )
}
# What an element cannot be drawn without, in SVG 1.1's schema.
REQUIRED = {
    "rect": ("width", "height"),
    "circle": ("r",),
    "ellipse": ("rx", "ry"),
    "path": ("d",),
    "polygon": ("points",),
    "polyline": ("points",),
    "image": ("width", "height"),
    "stop": ("offset",),
    "feBlend": ("in2",),
    "feComposite": ("in2",),
    "feDisplacementMap": ("in2",),
    **{f"feFunc{c}": ("type",) for c in "RGBA"},
}
_LOCAL_URL = re.compile(r"""url\(\s*['"]?#([^'")\s]*)""")
NEED_REFERENCE = {"use", "image", "feImage", "textPath"}
TEXT_HOLDERS = {"text", "tspan", "textPath", "title", "desc", "style", "a"}
DRAWABLE = {
    "svg",
    "g",
    "symbol",
    "use",
    "a",
    "switch",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "image",
}


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
