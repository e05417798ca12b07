"""Messages about an expanded chapter, put back where their text came from.

After mdBook's includes are expanded, line N of a chapter's text may be line
M of a listing file. The reading stage counts lines in the text it reads
(``chapter.first_line`` + offset); this collector maps each such line through the
chapter's line map, so a message names the file and line the words are in.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Diagnostics, Location


class Relocated(Diagnostics):
    """Diagnostics that share another collector's list, with line maps applied."""

    def __init__(self, inner: Diagnostics, maps: dict[Path, tuple[int, list[tuple[Path, int]]]]):
        super().__init__(inner.root, inner.items)
        # path -> (line number of the text's first line, origin of each line)
        # realpath, not resolve(): a message may be about a loop of links
        self.maps = {Path(os.path.realpath(path)): value for path, value in maps.items()}

    def _where(self, path, line, column) -> Location | None:
        if path is not None and line is not None:
            found = self.maps.get(Path(os.path.realpath(path)))
            if found is not None:
                first, origins = found
                if 0 <= line - first < len(origins):
                    path, line = origins[line - first]
        return super()._where(path, line, column)


def relocated(diags: Diagnostics, files) -> Diagnostics:
    """diags itself when no file has a line map, else a collector that applies them."""
    maps = {f.path: (f.first_line, f.origins) for f in files if f.origins is not None}
    return Relocated(diags, maps) if maps else diags
