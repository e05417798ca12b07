"""The only door WeasyPrint has to files: data: URLs and files inside the project.

WeasyPrint's default fetcher reads file:, http(s): and ftp: with no filter;
raw HTML such as <a rel="attachment" href="file:///etc/passwd"> would embed
that file in the PDF. Everything else is refused and reported.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import URLFetcher


class ProjectFetcher(URLFetcher):
    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"data", "file"})
        self.roots = [r.resolve() for r in roots]
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        self.refused.append(url)
        raise ValueError(f"refused to read {url}: outside the project")
