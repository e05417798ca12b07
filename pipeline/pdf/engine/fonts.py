"""Engine piece 'font configuration': the committed fonts and no others.

WeasyPrint's font configuration starts from the machine's Fontconfig setup
and adds the @font-face fonts to it; a font installed on the machine under
the same family name may then be taken instead of the committed one (its
TODO: "mask local fonts with the same name"), and a character the committed
fonts lack is taken from whatever the machine has. Either way the PDF would
depend on the machine. Fontconfig reads ``FONTCONFIG_FILE`` when a
configuration is loaded, so pointing it at an empty configuration while
WeasyPrint creates its own leaves the @font-face fonts (``styles/fonts.css``)
as the only ones. A character none of them has is reported by the glyph
check (transforms/glyphs.py) before typesetting.

``FontConfiguration`` is public, but that it loads a new Fontconfig
configuration from the environment each time one is made (and only then)
is not documented: that is what this relies on.

Upstream: an option of ``FontConfiguration`` to leave out the system's
fonts (only ``@font-face`` fonts), or to give it a Fontconfig file; and
the TODO itself: local fonts masked by @font-face fonts of the same name.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from weasyprint.text.fonts import FontConfiguration

PIECE = "font configuration"
EMPTY = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig></fontconfig>\n'


def committed_only() -> FontConfiguration:
    """A font configuration that knows no font of the machine's, only the @font-face ones."""
    with tempfile.TemporaryDirectory(prefix="pressroom-fonts-") as folder:
        config = Path(folder) / "fonts.conf"
        config.write_text(EMPTY, encoding="utf-8")
        old = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            return FontConfiguration()
        finally:
            if old is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = old
