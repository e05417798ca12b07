"""What the bag holds of a publication: the files its editions were made from
(the Markdown read, the files it includes, its metadata and layout
configuration, its images and cover, its own style sheets) and the extra
files its metadata lists under ``archive: {extra: [...]}`` (found when the
publication is read: extras.py). Notes and drafts the publication does not
use stay out of it.
"""

from __future__ import annotations

import os
from pathlib import Path


def used_files(pub) -> list[Path]:
    """Every file the bag holds of the publication, real paths, once each."""
    from .. import styles

    paths = list(pub.sources) + list(pub.assets)
    if pub.metadata.cover_image:
        paths.append(pub.folder / pub.metadata.cover_image)
    paths += styles.own_sheets(pub.folder) + list(pub.extras)
    return list(dict.fromkeys(Path(os.path.realpath(p)) for p in paths))


def payload_names(pub, project: Path) -> dict[str, Path]:
    """{name under data/: file}: the publication's folder under source/<slug>/,
    a file shared in the project (an image) at its place in the project."""
    folder, root = Path(os.path.realpath(pub.folder)), Path(os.path.realpath(project))
    names = {}
    for path in used_files(pub):
        if path.is_relative_to(folder):
            names[f"source/{pub.slug}/{path.relative_to(folder).as_posix()}"] = path
        elif path.is_relative_to(root):
            names[path.relative_to(root).as_posix()] = path
    return dict(sorted(names.items()))
