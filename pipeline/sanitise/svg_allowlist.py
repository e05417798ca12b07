"""The SVG a drawing may keep: elements, attributes and their values as SVG
1.1's schema (which EPUBCheck applies) has them, less what runs, animates
or loads; and what some elements need to be drawn at all. svg.py cleans
drawings against these tables.
"""

from __future__ import annotations

import re

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
