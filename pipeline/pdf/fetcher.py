"""The only door WeasyPrint has to files: data: URLs, files inside the
project, and the house styles where the project's styles/ has no file.

WeasyPrint's default fetcher reads file:, http(s): and ftp: with no filter;
raw HTML such as <a rel="attachment" href="file:///etc/passwd"> would embed
that file in the PDF. Everything else is refused and reported.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import URLFetcher

from .. import styles


class ProjectFetcher(URLFetcher):
    def __init__(self, project: Path):
        super().__init__(allowed_protocols={"data", "file"})
        self.project = project.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            path = self._layered(Path(os.path.normpath(unquote(parts.path))))
            if path is not None and path.is_file():
                return super().fetch(path.as_uri(), headers)
        self.refused.append(url)
        raise ValueError(f"refused to read {url}: outside the project")

    def _layered(self, path: Path) -> Path | None:
        """The file a URL names: in styles/, the one in use there (the
        project's or the house's); elsewhere, a file inside the project."""
        own = self.project / styles.STYLES
        if path.is_relative_to(own) and not os.path.lexists(path):
            shipped = styles.file(self.project, path.relative_to(own).as_posix())
            return shipped if shipped is not None and shipped.is_relative_to(styles.house()) else None
        resolved = path.resolve()
        return resolved if resolved.is_relative_to(self.project) else None
