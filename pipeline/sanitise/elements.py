"""The elements of HTML a publication's text may hold, and those it never
may (they run code, load things or take input). The loading stage checks
an author's html-elements option against these, the transforms the text."""

from __future__ import annotations

HTML_ELEMENTS = set(
    """
a abbr address article aside b bdi bdo blockquote br caption cite code col colgroup
data dd del details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hgroup
hr i img ins kbd li main mark nav ol p picture pre q rp rt ruby s samp section small
span strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr
math svg
""".split()
)
DANGEROUS = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "base",
    "link",
    "meta",
    "style",
    "noscript",
    "template",
    "video",
    "audio",
    "canvas",
    "dialog",
    "source",
    "track",
}
