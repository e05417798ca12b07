"""The print edition's pages as pictures, drawn with PDFium when first asked
for and kept by the PDF's content, so an unchanged edition is not drawn again
after a rebuild."""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from pathlib import Path

WIDTH = 900  # pixels across a page: sharp at the preview's column width
KEPT = 256  # pictures kept in memory


class Pages:
    def __init__(self):
        # PDFium is not safe to call from two threads at once.
        self._lock = threading.Lock()
        self._digests: dict[Path, tuple[tuple[int, int], str, list[tuple[float, float]]]] = {}
        self._pictures: OrderedDict[tuple[str, int], bytes] = OrderedDict()

    def info(self, path: Path) -> tuple[str, list[tuple[float, float]]] | None:
        """The PDF's digest and each page's size in points, or None when there is no PDF."""
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        known = self._digests.get(path)
        if known and known[0] == key:
            return known[1], known[2]
        try:
            data = path.read_bytes()
            sizes = self._sizes(data)
        except Exception:  # noqa: BLE001 - a PDF being replaced or unreadable: no pages yet
            return None
        digest = hashlib.sha256(data).hexdigest()[:16]
        self._digests[path] = (key, digest, sizes)
        return digest, sizes

    def _sizes(self, data: bytes) -> list[tuple[float, float]]:
        import pypdfium2 as pdfium

        with self._lock:
            pdf = pdfium.PdfDocument(data)
            try:
                return [pdf.get_page_size(i) for i in range(len(pdf))]
            finally:
                pdf.close()

    def picture(self, path: Path, number: int) -> bytes | None:
        """Page `number` (from 1) as a PNG, or None when there is no such page."""
        import pypdfium2 as pdfium

        try:
            data = path.read_bytes()
        except OSError:
            return None
        # By the content read now: the file may have been replaced since info().
        key = (hashlib.sha256(data).hexdigest()[:16], number)
        with self._lock:
            if key in self._pictures:
                self._pictures.move_to_end(key)
                return self._pictures[key]
            try:
                pdf = pdfium.PdfDocument(data)
            except pdfium.PdfiumError:
                return None
            try:
                if not 1 <= number <= len(pdf):
                    return None
                page = pdf[number - 1]
                image = page.render(scale=WIDTH / page.get_width()).to_pil()
                page.close()
            finally:
                pdf.close()
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        png = buffer.getvalue()
        with self._lock:
            self._pictures[key] = png
            while len(self._pictures) > KEPT:
                self._pictures.popitem(last=False)
        return png
