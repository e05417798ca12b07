"""The build cache: an edition whose inputs are unchanged is not rebuilt.

The key of a publication is a SHA-256 over everything its editions are made
from, computed from raw bytes before anything is read or converted:

- every file of the publication's folder (relative path and bytes);
- every file under ``styles/`` (sheets, fonts, ICC profiles);
- the requested editions (all but these make the ``layout_key``, under
  which the EPUB's page-list is kept: pipeline/run/pagelists.py);
- Pressroom's version and the bytes of its own code, and the installed
  versions of the libraries that shape the output;
- what decides the build time (``pipeline/dates.py``): SOURCE_DATE_EPOCH, or
  else the git commit time of the folder, or else the newest file time.

Files a publication uses from elsewhere in the project (an image in a shared
folder) are recorded after the build with their digests and checked too.

The cache lives in ``PROJECT/.cache/pressroom/``, one JSON file per output
folder. An entry is used only when every output it names is still in the
output folder with the recorded SHA-256, so an edition deleted or edited by
hand is rebuilt.

Only the standard library is imported here: the cache decides whether
anything must be built before the heavy libraries are loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .atomic import write_atomically
from .errors import Diagnostic, Location
from .version import __version__

CACHE_DIR = Path(".cache") / "pressroom"
FORMAT = 1
LIBRARIES = (
    "markdown",
    "pymdown-extensions",
    "ebooklib",
    "weasyprint",
    "pydyf",
    "pikepdf",
    "fonttools",
    "lxml",
    "latex2mathml",
    "ziamath",
    "babel",
)


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tree(h, root: Path, within: Path | None = None) -> None:
    """Feed every file under root (sorted relative path, then bytes) into h;
    with ``within``, only files inside it are read."""
    if not root.is_dir():
        h.update(b"\0absent\0")
        return
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        files += [Path(folder) / n for n in names]
    _files(h, {p.relative_to(root).as_posix(): p for p in files}, within)


def _files(h, files: dict[str, Path], within: Path | None) -> None:
    """Feed files (by their relative names, sorted) into h; with ``within``,
    only files inside it are read."""
    for name in sorted(files):
        path = files[name]
        rel = name.encode("utf-8", "surrogateescape")
        # A link leading out of the project by what it says: the build
        # refuses it, and nothing outside is read here.
        if (
            within is not None
            and path.is_symlink()
            and not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(within))
        ):
            h.update(len(rel).to_bytes(8, "big") + rel + b"\0link\0" + os.fsencode(os.readlink(path)))
            continue
        if not path.is_file():
            continue
        h.update(len(rel).to_bytes(8, "big") + rel)
        try:
            h.update(file_digest(path).encode())
        except OSError:  # unreadable: the build says so, and the key changes when it can be read
            h.update(b"\0unreadable\0")


_software: str | None = None


def software() -> str:
    """A digest of Pressroom (version and code) and the libraries' versions."""
    global _software
    if _software is None:
        from importlib import metadata

        h = hashlib.sha256(f"pressroom {__version__} cache {FORMAT}\n".encode())
        _tree(h, Path(__file__).resolve().parent)
        for name in LIBRARIES:
            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = "absent"
            h.update(f"{name}=={version}\n".encode())
        _software = h.hexdigest()
    return _software


def styles_digest(project: Path) -> str:
    """The house styles with the project's over them, as the editions use them."""
    from . import styles

    h = hashlib.sha256()
    # House files are hashed too: in a checkout of Pressroom they change
    # without its version changing.
    _files(h, styles.files(project), project)
    return h.hexdigest()


def _moment(folder: Path) -> str:
    """What pipeline/dates.py will take as the build time, as far as it is known before reading."""
    from .dates import fixed_time

    fixed = fixed_time(folder)
    if fixed is not None:
        return f"{fixed[0]} {fixed[1]}"
    # Without git, the build time is the publication's date (in its bytes) or
    # else the newest source file's time: key on the times too.
    newest = max((int(p.stat().st_mtime) for p in folder.rglob("*") if p.is_file()), default=0)
    return f"mtime {newest}"


def layout_key(project: Path, folder: Path, styles: str) -> str:
    """Everything the key holds but the requested editions: what decides the
    print layout and the numbering of the blocks both editions share, so a
    page-list taken from one build's print layout serves another's EPUB."""
    h = hashlib.sha256()
    h.update(f"software {software()}\nstyles {styles}\n".encode())
    h.update(f"slug {folder.name}\nmoment {_moment(folder)}\n".encode())
    _tree(h, folder, project)
    return h.hexdigest()


def publication_key(
    project: Path,
    folder: Path,
    formats,
    styles: str,
    layout: str | None = None,
    page_list: bool | None = None,
    press: dict | None = None,
) -> str:
    """layout: the folder's layout_key, when already computed. page_list: for
    an EPUB made without the print edition, whether it has a page-list.
    press: print options given on the command line, over the metadata's."""
    layout = layout or layout_key(project, folder, styles)
    h = hashlib.sha256(f"layout {layout}\nformats {','.join(sorted(formats))}\n".encode())
    if page_list is not None:
        h.update(f"page-list {page_list}\n".encode())
    if press:
        h.update(f"press {sorted(press.items())}\n".encode())
    return h.hexdigest()


class Cache:
    """The recorded keys and outputs of one output folder."""

    def __init__(self, project: Path, out: Path):
        name = hashlib.sha256(str(out).encode("utf-8", "surrogateescape")).hexdigest()[:16]
        self.path = project / CACHE_DIR / f"{name}.json"
        self.out = out
        self.entries = self._load()
        self.changed: dict[str, dict] = {}

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        entries = data.get("publications")
        return entries if isinstance(entries, dict) else {}

    def fresh(self, slug: str, key: str, project: Path) -> dict | None:
        """The entry of slug when its key matches and its outputs and extra inputs are intact."""
        entry = self.entries.get(slug)
        if not isinstance(entry, dict) or entry.get("key") != key or not entry.get("outputs"):
            return None
        try:
            for name, digest in entry["outputs"].items():
                path = self.out / name
                if not path.is_file() or file_digest(path) != digest:
                    return None
            for name, digest in entry.get("inputs", {}).items():
                path = project / name
                if not path.is_file() or file_digest(path) != digest:
                    return None
        except (OSError, AttributeError, TypeError):
            return None
        return entry

    def record(
        self, slug: str, key: str, outputs: list[str], inputs: dict[str, str], warnings: list[Diagnostic]
    ) -> None:
        """outputs: the names of files already written to the output folder;
        inputs: {project-relative name: digest} of files used from outside the
        publication's folder; warnings: what the build reported, to report again."""
        self.changed[slug] = {
            "key": key,
            "outputs": {name: file_digest(self.out / name) for name in outputs},
            "inputs": inputs,
            "warnings": [_as_dict(d) for d in warnings],
        }

    def save(self) -> None:
        """Merge this build's entries into the file (call under the output folder's lock)."""
        if not self.changed:
            return
        entries = self._load()  # another build may have recorded its own since
        entries.update(self.changed)
        data = json.dumps({"format": FORMAT, "publications": entries}, indent=1, sort_keys=True).encode()
        write_atomically(self.path, data, durable=False)  # rewritten after each publication
        self.changed = {}


def warnings_of(entry: dict) -> list[Diagnostic]:
    """The warnings a fresh entry's build reported."""
    return [_from_dict(w) for w in entry.get("warnings", [])]


def _as_dict(d: Diagnostic) -> dict:
    loc = d.location
    return {
        "severity": d.severity,
        "message": d.message,
        "hint": d.hint,
        "location": None if loc is None else {"path": loc.path, "line": loc.line, "column": loc.column},
    }


def _from_dict(d: dict) -> Diagnostic:
    loc = d.get("location")
    return Diagnostic(d["severity"], d["message"], Location(**loc) if loc else None, d.get("hint"))
