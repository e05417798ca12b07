"""Loading stage: find publications under source/ and read their files.

A publication is a folder under ``source/``: one Markdown file for an
article, or many for a book, ordered by ``publication.yaml`` (its
``contents`` list), by an mdBook's or a MkDocs project's own configuration
(``layouts/``), or else by file name. Files are found and decoded by
``textfiles.py``, which the layouts use too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import confine, yamlsafe
from .errors import Diagnostics
from .metadata import Metadata, read_metadata
from .placement import Placement
from .textfiles import is_candidate, listed, read_text

MANIFEST = "publication.yaml"
MARKDOWN_SUFFIXES = {".md", ".markdown"}


@dataclass
class SourceFile:
    path: Path
    text: str  # the Markdown body, front matter removed
    first_line: int  # line number of the body's first line in the file
    meta: dict | None = field(default_factory=dict)  # None: its front matter was malformed
    meta_lines: dict = field(default_factory=dict)
    # Where each line of text came from (file, line), when it is not simply this
    # file from first_line on: mdBook's includes (layouts/includes.py).
    origins: list[tuple[Path, int]] | None = None
    included: list[Path] = field(default_factory=list)  # files whose text it includes
    place: Placement = field(default_factory=Placement)  # where the book puts it
    lang: str | None = None  # the language its own front matter gives, when valid


@dataclass
class Sources:
    slug: str
    folder: Path
    metadata: Metadata
    files: list[SourceFile]
    metadata_path: Path
    others: list[Path] = field(default_factory=list)  # other files read: SUMMARY.md, included listings
    site_root: Path | None = None  # the folder a layout's site is made from (layouts/)


def split_front_matter(text: str, path: Path, diags: Diagnostics) -> tuple[dict | None, dict, str, int]:
    """Split YAML front matter from Markdown: (mapping, key lines, body, body's first line)."""
    if not text.startswith("---\n"):
        return {}, {}, text, 1
    lines = text.split("\n")
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        diags.error("the front matter is not closed", path, 1, hint="end it with a line '---'")
        return {}, {}, text, 1
    raw, key_lines = parse_yaml("\n".join(lines[1:end]), path, diags, line_offset=1)
    return raw, key_lines, "\n".join(lines[end + 1 :]), end + 2


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text: metadata_values.py checks them and says where."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, path: Path, diags: Diagnostics, line_offset: int = 0) -> tuple[dict | None, dict]:
    """Load a YAML mapping and the line of each top-level key; None when malformed."""
    raw, node = yamlsafe.load_mapping(text, path, diags, _Loader, line_offset)
    return raw, yamlsafe.key_lines(node, line_offset)


def _read_source(path: Path, folder: Path, diags: Diagnostics, front_matter: bool = True) -> SourceFile | None:
    text = read_text(path, diags, folder)
    if text is None:
        return None
    if front_matter:
        meta, meta_lines, body, first = split_front_matter(text, path, diags)
    else:  # mdBook has none: a first line '---' is a rule
        meta, meta_lines, body, first = {}, {}, text, 1
    if not body.strip():
        diags.error("the source is empty", path, first, hint="write some text, or remove the file")
    return SourceFile(path, body, first, meta, meta_lines)


ROLES = ("front", "body", "back")


def _manifest_files(
    folder: Path, contents: list, manifest: Path, lines: dict, diags, depth: int = 0
) -> list[tuple[Path, Placement]]:
    """The manifest's files in order, each with what the book says of it: its
    role (front, body or back matter) and how deep in parts it sits. A part
    is ``{part: "Title", contents: [...]}`` and becomes a part-title page."""
    line = lines.get("contents")
    files = []
    for entry in contents:
        if isinstance(entry, dict) and "part" in entry:
            title, inner = entry.get("part"), entry.get("contents")
            if not isinstance(title, str) or not isinstance(inner, list):
                diags.error("a part needs a title and a list of files: {part: Title, contents: [...]}", manifest, line)
                continue
            files.append((manifest, Placement("part", depth, part=title)))
            files += _manifest_files(folder, inner, manifest, lines, diags, depth + 1)
            continue
        name = entry.get("file") if isinstance(entry, dict) else entry
        role = entry.get("role", "body") if isinstance(entry, dict) else "body"
        if not isinstance(name, str):
            diags.error(
                "each entry of 'contents' must be a file name, {file: NAME, role: front|back} "
                "or {part: TITLE, contents: [...]}",
                manifest,
                line,
            )
            continue
        if role not in ROLES:
            diags.error(f"role '{role}' of '{name}' must be front, body or back", manifest, line)
            continue
        path = confine.confined(
            folder / name,
            diags,
            folder,
            confine.FOLDER,
            what=f"'{name}'",
            at=manifest,
            line=line,
            hint="check the file name in 'contents'",
        )
        if path is not None:
            files.append((path, Placement(role, depth)))
    return files


def load(folder: Path, diags: Diagnostics) -> Sources | None:
    """Read one publication folder into sources and validated metadata."""
    from . import layouts

    manifest = folder / MANIFEST
    local = Diagnostics(diags.root)
    raw: dict | None = {}
    lines, meta_path = {}, manifest
    has_manifest = os.path.lexists(manifest)  # a link that leads nowhere is reported, not taken for none
    if has_manifest:
        text = read_text(manifest, local, folder)
        if text is not None:
            raw, lines = parse_yaml(text, manifest, local)
    # An mdBook or MkDocs folder as it stands; publication.yaml may add to it.
    layout = layouts.find(folder, local)
    contents = (raw or {}).get("contents")
    if isinstance(contents, list):
        entries = _manifest_files(folder, contents, manifest, lines, local)
    elif layout is not None:
        entries = layout.entries
    else:
        # Every name that looks like Markdown: a folder, a pipe or a link
        # leading elsewhere under such a name is refused where it is read.
        entries = [(p, Placement()) for p in listed(folder, local) if p.suffix in MARKDOWN_SUFFIXES and is_candidate(p)]
    if not entries and not local.errors:
        local.error(
            "the publication has no Markdown files",
            folder,
            hint="add an .md file, or list the files under 'contents' in publication.yaml",
        )
    files, own = [], []  # own: the files whose front matter is their own (not the publication's)
    for path, place in entries:
        if place.part is not None:
            first = place.line if place.line is not None else lines.get("contents", 1)
            files.append(SourceFile(path, f"# {place.part}\n", first, {}, place=place))
            continue
        source = _read_source(path, folder, local, front_matter=layout is None or layout.front_matter)
        if source is None:
            continue
        if layout is not None and layout.prepare is not None:
            layout.prepare(source, local)
        if layout is not None and layout.page_keys is not None and source.meta:
            source.meta = {k: v for k, v in source.meta.items() if k in layout.page_keys}
        own.append(source)
        source.place = place
        files.append(source)
    if not files:
        diags.extend(local)
        return None
    others = []
    if layout is not None:
        metadata = layouts.metadata(layout, raw or {}, lines, manifest, folder.name, local)
        meta_path = manifest if has_manifest else layout.config
        others = [layout.config, *layout.others, *([manifest] if has_manifest else [])]
        others += [p for f in files for p in f.included]
    else:
        if not has_manifest:
            # An article (or a book without a manifest) keeps its metadata in the
            # front matter of its first file.
            raw, lines, meta_path = files[0].meta, files[0].meta_lines, files[0].path
            files[0].meta, files[0].meta_lines = {}, {}
        # Metadata problems do not stop the reading: the text's own problems are
        # reported in the same run.
        metadata = read_metadata(raw or {}, lines, meta_path, folder.name, local, require_title=raw is not None)
        if len(files) > 1 and "type" not in (raw or {}):
            metadata.kind = "book"
    # A chapter's or a piece's own front matter is checked like the
    # publication's: a misspelt key or an impossible date must not pass unseen.
    # Its language, when valid, is the one its text is read and set in.
    for source in own:
        if source.meta:
            source.lang = read_metadata(
                source.meta, source.meta_lines, source.path, folder.name, local, require_title=False
            ).own_lang
    diags.extend(local)
    return Sources(
        folder.name,
        folder,
        metadata,
        files,
        meta_path,
        list(dict.fromkeys(others)),
        layout.root if layout is not None else None,
    )
