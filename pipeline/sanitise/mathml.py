"""MathML an EPUB can carry: presentation markup, valid where it stands.

Applied to formulas written as MathML and to those made from LaTeX (whose
``\\href``, ``\\style`` and ``\\text`` carry anything the author typed into
attributes and text). Elements are kept from MathML 3's presentation
markup, attributes from its list, links when they are links a reader may
follow, styles without outside references. What is not MathML inside a
token (``<mtext><b>x</b></mtext>``) leaves its text; elsewhere its text
goes into an ``<mtext>``, as does text written between elements, which
MathML allows only inside tokens; an element with the wrong number of
arguments (``<mfrac>`` with one) becomes an ``<mrow>``.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from . import Removal
from .css import clean_declarations
from .mathml_allowlist import ARITY, ATTRIBUTES, COMMON, DROPPED_WHOLE, ELEMENTS, EMPTY, PARENTS, TOKENS, VALUES
from .svg import loadable
from .urls import is_link, shown

_NUMBER = re.compile(r"^\d+([.,]\d+)?$")


def clean(math, *, link=is_link) -> list[Removal]:
    """Clean a <math> element and what it holds, in place; what was removed."""
    removals: list[Removal] = []
    stack = [math]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):  # comments
            _drop(el)
            continue
        name = el.tag
        if name in DROPPED_WHOLE or (name == "math" and el is not math):
            removals.append(Removal(f"<{name}>"))
            _drop(el)
            continue
        if name not in ELEMENTS:
            removals.append(Removal(f"<{name}>"))
            el = _as_text(el)
            if el is None:
                continue
            name = el.tag
        for key in list(el.attrib):
            value = el.attrib[key]
            check = VALUES.get((name, key)) or VALUES.get(key)
            if key not in COMMON and key not in ATTRIBUTES.get(name, ()):
                removals.append(Removal(f"{key} on <{name}>"))
                del el.attrib[key]
            elif check is not None and not check.fullmatch(value):
                removals.append(Removal(f'{key}="{shown(value)}" on <{name}>'))
                del el.attrib[key]
            elif key == "href" and not link(value):
                removals.append(Removal(f'href="{shown(value)}" on <{name}>'))
                del el.attrib[key]
            elif key == "style":
                cleaned, removed = clean_declarations(value, loadable)
                if removed:
                    removals.append(Removal(f'style="{shown(value)}" on <{name}>'))
                    if cleaned:
                        el.set(key, cleaned)
                    else:
                        del el.attrib[key]
        if name in TOKENS or name == "annotation":
            # A token holds text only; what is inside its elements is its text.
            for child in list(el):
                if not isinstance(child.tag, str) or child.tag in DROPPED_WHOLE:
                    if isinstance(child.tag, str):
                        removals.append(Removal(f"<{child.tag}>"))
                    _drop(child)
                elif child.tag != "malignmark":
                    removals.append(Removal(f"<{child.tag}> inside <{name}>"))
                    _keep_text(child)
            continue
        _wrap_text(el)
        _place_children(el, removals)
        given = sum(isinstance(c.tag, str) for c in el)
        if name in ARITY and given != ARITY[name]:
            removals.append(
                Removal(
                    f"<{name}> with {given} argument{'' if given == 1 else 's'} "
                    f"instead of {ARITY[name]} (set as <mrow>)"
                )
            )
            el.tag = "mrow"
        stack.extend(reversed(el))
    if not (math.get("alttext") or "").strip():
        # What assistive technology reads when it cannot read MathML (EPUBCheck asks for it).
        words = " ".join("".join(math.itertext()).split())
        if words:
            math.set("alttext", words)
    return removals


def _place_children(el, removals: list[Removal]) -> None:
    """Rows in tables, cells in rows; what stands where it cannot becomes a
    <mrow> (or goes, when it has nothing to show)."""
    for child in list(el):
        if not isinstance(child.tag, str):
            continue
        if child.tag in PARENTS and el.tag not in PARENTS[child.tag]:
            removals.append(Removal(f"<{child.tag}> inside <{el.tag}>"))
            if child.tag in EMPTY:
                _drop(child)
                continue
            child.tag = "mrow"
        if el.tag == "mtable" and child.tag not in ("mtr", "mlabeledtr"):
            _wrap(_wrap(child, "mtd"), "mtr")
        elif el.tag in ("mtr", "mlabeledtr") and child.tag != "mtd":
            _wrap(child, "mtd")


def _wrap(el, tag: str):
    wrapper = lxml_html.Element(tag)
    el.addprevious(wrapper)
    wrapper.tail, el.tail = el.tail, None
    wrapper.append(el)
    return wrapper


def _wrap_text(el) -> None:
    """Text between elements of a layout element goes into a token: a
    number, an operator, or else text."""
    if el.text and el.text.strip():
        el.insert(0, _token(el.text))
        el.text = None
    for child in list(el):
        if child.tail and child.tail.strip():
            child.addnext(_token(child.tail))
            child.tail = None


def _token(text: str):
    text = text.strip()
    tag = "mn" if _NUMBER.match(text) else "mo" if len(text) == 1 and not text.isalnum() else "mtext"
    token = lxml_html.Element(tag)
    token.text = text
    return token


def _as_text(el):
    """An element that is not MathML, replaced by an <mtext> of its text (or by nothing)."""
    text = " ".join("".join(el.itertext()).split())
    if not text:
        _drop(el)
        return None
    mtext = lxml_html.Element("mtext")
    mtext.text, mtext.tail = text, el.tail
    el.getparent().replace(el, mtext)
    return mtext


def _keep_text(el) -> None:
    """Replace an element by its text (inside a token)."""
    for child in list(el):
        if isinstance(child.tag, str) and child.tag in DROPPED_WHOLE:
            _drop(child)
    text = "".join(el.itertext()) + (el.tail or "")
    previous, parent = el.getprevious(), el.getparent()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(el)


def _drop(el) -> None:
    """Remove an element with its content; the text after it stays."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    parent.remove(el)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


_TEX_ATTRIBUTES = re.compile(r"\\(href|style)\s*\{([^{}]*)\}")


def clean_tex(tex: str) -> str:
    """The TeX of a formula without the \\href targets and \\style
    declarations its MathML lost: it stays as the formula's text."""

    def scrub(match):
        if match.group(1) == "href":
            return match.group(0) if is_link(match.group(2)) else ""
        cleaned, removed = clean_declarations(match.group(2), loadable)
        return match.group(0) if not removed else f"\\style{{{cleaned}}}"

    return _TEX_ATTRIBUTES.sub(scrub, tex)
