"""The MathML a formula may keep: MathML 3's presentation elements, where
some of them may stand and how many arguments they take, the attributes and
values its schema (which EPUBCheck applies) allows on each; and the
elements whose content goes with them. mathml.py cleans formulas against
these tables.
"""

from __future__ import annotations

import re

TOKENS = {"mi", "mn", "mo", "mtext", "ms", "mspace"}
ELEMENTS = TOKENS | set(
    """
math mrow mfrac msqrt mroot mstyle merror mpadded mphantom mfenced menclose msub msup msubsup munder mover
munderover mmultiscripts mprescripts none mtable mtr mtd mlabeledtr maligngroup malignmark mstack
mlongdiv msgroup msrow mscarries mscarry msline maction semantics annotation
""".split()
)
# Elements whose children are their arguments, and how many they take.
ARITY = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3}
# Elements that stand only inside certain others.
PARENTS = {
    "mtr": {"mtable"},
    "mlabeledtr": {"mtable"},
    "mtd": {"mtr", "mlabeledtr"},
    "mprescripts": {"mmultiscripts"},
    "none": {"mmultiscripts"},
    "annotation": {"semantics"},
    "mscarries": {"mstack", "mlongdiv"},
    "mscarry": {"mscarries"},
    "msgroup": {"mstack", "mlongdiv", "msgroup"},
    "msrow": {"mstack", "mlongdiv", "msgroup"},
    "msline": {"mstack", "mlongdiv", "msgroup"},
}
EMPTY = {"mprescripts", "none", "msline", "malignmark", "maligngroup", "mspace"}
# Content that goes with its element: nothing of it is text for the reader.
DROPPED_WHOLE = {"script", "style", "annotation-xml", "mglyph", "template", "noscript"}
# Attributes by element, as MathML 3's schema (which EPUBCheck applies) has them.
COMMON = {"id", "class", "style", "href", "mathcolor", "mathbackground"}
_TOKEN = {"mathvariant", "mathsize", "dir"}
_TABLE_CELL = {"rowalign", "columnalign"}
ATTRIBUTES = {
    "math": {"display", "alttext", "overflow", "dir"},
    "mi": _TOKEN,
    "mn": _TOKEN,
    "mtext": _TOKEN,
    "ms": _TOKEN | {"lquote", "rquote"},
    "mo": _TOKEN
    | {
        "form",
        "fence",
        "separator",
        "lspace",
        "rspace",
        "stretchy",
        "symmetric",
        "maxsize",
        "minsize",
        "largeop",
        "movablelimits",
        "accent",
        "linebreak",
    },
    "mspace": {"width", "height", "depth", "linebreak"},
    "mrow": {"dir"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant", "mathsize", "dir"},
    "mfrac": {"linethickness", "numalign", "denomalign", "bevelled"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "menclose": {"notation"},
    "msub": {"subscriptshift"},
    "msup": {"superscriptshift"},
    "msubsup": {"subscriptshift", "superscriptshift"},
    "mmultiscripts": {"subscriptshift", "superscriptshift"},
    "munder": {"accentunder", "align"},
    "mover": {"accent", "align"},
    "munderover": {"accent", "accentunder", "align"},
    "mtable": {
        "align",
        "rowalign",
        "columnalign",
        "columnwidth",
        "width",
        "rowspacing",
        "columnspacing",
        "rowlines",
        "columnlines",
        "frame",
        "framespacing",
        "equalrows",
        "equalcolumns",
        "displaystyle",
        "side",
        "minlabelspacing",
    },
    "mtr": _TABLE_CELL,
    "mlabeledtr": _TABLE_CELL,
    "mtd": _TABLE_CELL | {"rowspan", "columnspan"},
    "maction": {"actiontype", "selection"},
    "annotation": {"encoding"},
}
_LENGTH = (
    r"(-?[0-9]*([0-9]\.?|\.[0-9])[0-9]*(e[mx]|in|cm|mm|p[xtc]|%)?|"
    r"(negative)?((very){0,2}thi(n|ck)|medium)mathspace)"
)
_PADDED = (
    r"([+-]?[0-9]*([0-9]\.?|\.[0-9])[0-9]*\s*((%?\s*(height|depth|width)?)|e[mx]|in|cm|mm|p[xtc]|"
    r"((negative)?((very){0,2}thi(n|ck)|medium)mathspace))?)"
)
_COLOUR = (
    r"(#[0-9a-f]{3}|#[0-9a-f]{6}|aqua|black|blue|fuchsia|gray|green|lime|maroon|navy|olive|purple|red|"
    r"silver|teal|white|yellow)"
)
_BOOLEAN = "(true|false)"
_VARIANTS = (
    "(normal|bold|italic|bold-italic|double-struck|bold-fraktur|script|bold-script|fraktur|sans-serif|"
    "bold-sans-serif|sans-serif-italic|sans-serif-bold-italic|monospace|initial|tailed|looped|stretched)"
)


def _list(item: str) -> str:
    return rf"{item}(\s+{item})*"


class _Patterns(dict):
    """Patterns compiled when first asked for (``get``): most publications
    have no MathML, and compiling them all cost every cold start 8 ms."""

    def get(self, key, default=None):
        value = super().get(key, default)
        if isinstance(value, str):
            value = self[key] = re.compile(rf"\s*{value}\s*", re.I)
        return value


def _values(patterns: dict) -> _Patterns:
    return _Patterns(patterns)


# Values the schema constrains, by attribute, or by element and attribute where they differ.
VALUES = _values(
    {
        "display": "(block|inline)",
        "dir": "(ltr|rtl)",
        "overflow": "(linebreak|scroll|elide|truncate|scale)",
        "mathvariant": _VARIANTS,
        "mathsize": f"(small|normal|big|{_LENGTH})",
        "mathcolor": _COLOUR,
        "mathbackground": f"({_COLOUR}|transparent)",
        "form": "(prefix|infix|postfix)",
        "fence": _BOOLEAN,
        "separator": _BOOLEAN,
        "stretchy": _BOOLEAN,
        "symmetric": _BOOLEAN,
        "largeop": _BOOLEAN,
        "movablelimits": _BOOLEAN,
        "accent": _BOOLEAN,
        "accentunder": _BOOLEAN,
        "bevelled": _BOOLEAN,
        "displaystyle": _BOOLEAN,
        "equalrows": _BOOLEAN,
        "equalcolumns": _BOOLEAN,
        "lspace": _LENGTH,
        "rspace": _LENGTH,
        "maxsize": f"({_LENGTH}|infinity)",
        "minsize": _LENGTH,
        "width": _LENGTH,
        "height": _LENGTH,
        "depth": _LENGTH,
        "subscriptshift": _LENGTH,
        "superscriptshift": _LENGTH,
        "minlabelspacing": _LENGTH,
        "linebreak": "(auto|newline|nobreak|goodbreak|badbreak)",
        "scriptlevel": "[+-]?[0-9]+",
        "linethickness": f"({_LENGTH}|thin|medium|thick)",
        "numalign": "(left|center|right)",
        "denomalign": "(left|center|right)",
        "align": "(left|center|right)",
        "rowalign": "(top|bottom|center|baseline|axis)",
        "columnalign": "(left|center|right)",
        "rowspan": "[1-9][0-9]*",
        "columnspan": "[1-9][0-9]*",
        "selection": "[1-9][0-9]*",
        "frame": "(none|solid|dashed)",
        "side": "(left|right|leftoverlap|rightoverlap)",
    }
)
VALUES.update(
    _values(
        {
            ("mpadded", "width"): _PADDED,
            ("mpadded", "height"): _PADDED,
            ("mpadded", "depth"): _PADDED,
            ("mpadded", "lspace"): _PADDED,
            ("mpadded", "voffset"): _PADDED,
            ("mtable", "width"): f"(auto|{_LENGTH})",
            ("mtable", "align"): r"(top|bottom|center|baseline|axis)(\s+-?[0-9]+)?",
            ("mtable", "rowalign"): _list("(top|bottom|center|baseline|axis)"),
            ("mtable", "columnalign"): _list("(left|center|right)"),
            ("mtr", "columnalign"): _list("(left|center|right)"),
            ("mlabeledtr", "columnalign"): _list("(left|center|right)"),
            ("mtable", "columnwidth"): _list(f"(auto|{_LENGTH}|fit)"),
            ("mtable", "rowspacing"): _list(_LENGTH),
            ("mtable", "columnspacing"): _list(_LENGTH),
            ("mtable", "rowlines"): _list("(none|solid|dashed)"),
            ("mtable", "columnlines"): _list("(none|solid|dashed)"),
            ("mtable", "framespacing"): rf"{_LENGTH}\s+{_LENGTH}",
        }
    )
)
