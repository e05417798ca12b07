"""The archive package: a BagIt bag (RFC 8493) made and validated with the
Library of Congress ``bagit`` library, then packed into one tar file.

bagit.py writes what would change from build to build or from disk to disk
(the clock's Bagging-Date, tag manifests in directory-listing order, the
0.97 version line); those are fixed here after it has made the bag.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import bagit

from ..version import __version__
from ..model import Publication
from . import tarball

CHECKSUMS = ("sha256", "sha512")
SUFFIX = ".bag.tar"


def bag_info(pub: Publication, moment: str) -> dict:
    """bag-info.txt fields from the metadata; ``moment`` is the build time (ISO 8601 UTC)."""
    m = pub.metadata
    info: dict[str, str | list[str]] = {
        "Bagging-Date": moment[:10],
        "Bag-Software-Agent": f"Pressroom {__version__} (bagit.py {bagit.VERSION})",
        "External-Identifier": m.identifier.text,
        "External-Description": m.description or m.title,
        "Title": m.title,
        "Language": m.lang,
        "Date-Modified": moment,
    }
    if m.authors:
        info["Author"] = list(m.authors)
    if m.publisher:
        info["Source-Organization"] = m.publisher
    if m.date:
        info["Date-Published"] = m.date
    return info


def _fix_tag_files(root: Path) -> None:
    """BagIt 1.0 as RFC 8493 defines it, and tag manifests in name order."""
    (root / "bagit.txt").write_bytes(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    tags = sorted(p.name for p in root.iterdir() if p.is_file() and not p.name.startswith("tagmanifest-"))
    for algorithm in CHECKSUMS:
        lines = "".join(f"{hashlib.new(algorithm, (root / name).read_bytes()).hexdigest()}  {name}\n" for name in tags)
        (root / f"tagmanifest-{algorithm}.txt").write_text(lines, encoding="utf-8")


def make(pub: Publication, payload: dict[str, bytes], moment: str, epoch: int) -> bytes:
    """The bag of ``payload`` (paths under data/ -> bytes) as tar bytes, validated first."""
    with tempfile.TemporaryDirectory(prefix="pressroom-bag-") as tmp:
        root = Path(tmp) / f"{pub.slug}.bag"
        for name, data in payload.items():
            path = root.joinpath(*name.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        bagit.make_bag(str(root), bag_info(pub, moment), processes=1, checksums=list(CHECKSUMS))
        _fix_tag_files(root)
        bagit.Bag(str(root)).validate(processes=1)
        return tarball.pack(root, epoch)
