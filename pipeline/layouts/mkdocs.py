"""A MkDocs project as it stands: mkdocs.yml for the order and the metadata,
read in the python-markdown dialect with the extensions it lists.

``nav`` gives the order: ``file.md`` or ``Title: file.md``, and sections
(``Title: [...]``) that become parts (a section in a section, a part in a
part). Without ``nav``, the files of ``docs_dir`` in name order, ``index.md``
first, each folder a section after them, as MkDocs does. ``site_name``,
``site_author``, ``site_description``, ``copyright``, ``theme: language``
and ``site_url`` (the base of links that leave the book) give the metadata.

mkdocs.yml files use tags such as ``!ENV`` and ``!!python/name:``: they are
read as plain values and never acted on (``!ENV [NAME, default]`` gives its
default: the environment does not change a publication).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .. import confine, yamlsafe
from ..errors import Diagnostics
from ..textfiles import is_candidate, listed, read_text
from ..placement import Placement
from ..reading_options import unsupported
from .layout import Layout, inside, sources_folder

CONFIGS = ("mkdocs.yml", "mkdocs.yaml")
# What Pressroom takes from a page's front matter; the rest (hide, template,
# tags...) is the site's.
PAGE_KEYS = ("markdown",)


class _Tolerant(yaml.SafeLoader):
    """Safe YAML that reads every tag as the plain value it is written with."""


def _plain(loader: _Tolerant, suffix: str, node: yaml.Node):
    if node.tag == "!ENV":
        values = [loader.construct_object(n) for n in node.value] if isinstance(node, yaml.SequenceNode) else []
        return values[-1] if len(values) > 1 else None
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return loader.construct_scalar(node)


_Tolerant.add_multi_constructor("", _plain)


def load(config: Path, diags: Diagnostics) -> Layout | None:
    folder = config.parent
    text = read_text(config, diags, folder)
    if text is None:
        return None
    data, node = yamlsafe.load_mapping(text, config, diags, _Tolerant)
    if data is None:
        return None
    if not isinstance(node, yaml.MappingNode):
        diags.error("mkdocs.yml must be a mapping of settings", config, 1)
        return None
    nodes = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    raw, raw_lines = _metadata(data, lines)
    docs_name = data.get("docs_dir", "docs")
    docs = sources_folder(
        folder,
        docs_name,
        config,
        lines.get("docs_dir", 1),
        diags,
        f"docs_dir '{docs_name}'",
        "MkDocs reads the pages from docs/ beside mkdocs.yml",
    )
    if docs is None:
        return None
    layout = Layout("mkdocs", config, raw, raw_lines, [], docs, page_keys=PAGE_KEYS)
    layout.title_hint = "give the site a name in mkdocs.yml: site_name: ..."
    layout.extensions = _extensions(data.get("markdown_extensions"), config, lines.get("markdown_extensions"), diags)
    if "nav" in nodes:
        nav(nodes["nav"], docs, folder, config, diags, 0, layout.entries, {})
    else:
        layout.entries = in_name_order(docs, folder, config, 0, diags=diags)
    return layout


def _metadata(data: dict, lines: dict) -> tuple[dict, dict]:
    raw: dict[str, object] = {"markdown": "python-markdown"}
    raw_lines: dict[str, int | None] = {}
    for ours, theirs in (
        ("title", "site_name"),
        ("author", "site_author"),
        ("description", "site_description"),
        ("rights", "copyright"),
    ):
        if data.get(theirs) is not None:
            raw[ours], raw_lines[ours] = data[theirs], lines.get(theirs)
    theme = data.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("language"), str):
        raw["lang"], raw_lines["lang"] = theme["language"], lines.get("theme")
    site = data.get("site_url")
    if isinstance(site, str) and urlsplit(site).scheme in ("http", "https") and urlsplit(site).netloc:
        raw["links"], raw_lines["links"] = {"base": site}, lines.get("site_url")
    return raw, raw_lines


def _extensions(value, config: Path, line: int | None, diags: Diagnostics) -> tuple:
    """The names in markdown_extensions; those the reader lacks are named in one warning."""
    if value is None:
        return ()
    names = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and len(item) == 1:
            item = next(iter(item))
        if isinstance(item, str):
            names.append(item)
        else:
            diags.error("each of markdown_extensions must be a name, or a name with its settings", config, line)
    missing = unsupported(names)
    if missing:
        diags.warning(
            f"Pressroom does not provide the Markdown extension{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}; what {'they' if len(missing) > 1 else 'it'} would make is set "
            "as written",
            config,
            line,
            hint="check the pages that use it in the editions",
        )
    return tuple(n for n in names if n not in missing)


def nav(
    node: yaml.Node, docs: Path, folder: Path, config: Path, diags: Diagnostics, depth: int, out: list, seen: dict
) -> None:
    """nav's entries, in order, into out; a section is a part, its entries one level deeper."""
    if not isinstance(node, yaml.SequenceNode):
        diags.error("nav must be a list of pages and sections", config, node.start_mark.line + 1)
        return
    for item in node.value:
        line = item.start_mark.line + 1
        title, target = None, None
        if isinstance(item, yaml.ScalarNode):
            target = item.value
        elif (
            isinstance(item, yaml.MappingNode)
            and len(item.value) == 1
            and isinstance(item.value[0][0], yaml.ScalarNode)
        ):
            title, value = item.value[0][0].value, item.value[0][1]
            if isinstance(value, yaml.SequenceNode):
                out.append((config, Placement("part", depth, part=title, line=line)))
                nav(value, docs, folder, config, diags, depth + 1, out, seen)
                continue
            if isinstance(value, yaml.ScalarNode):
                target = value.value
        if not target:
            diags.error(
                "each entry of nav must be a page (file.md or Title: file.md) or a section (Title: [...])", config, line
            )
            continue
        if "://" in target or target.startswith("mailto:"):
            diags.warning(
                f"the nav entry '{title or target}' is a web address, not a page; it is left out",
                config,
                line,
                hint="a book holds only its own pages",
            )
            continue
        path = confine.confined(
            docs / target.lstrip("/"),
            diags,
            folder,
            confine.FOLDER,
            what=f"'{target}'",
            at=config,
            line=line,
            hint=f"the pages of nav are relative to {docs.name}/",
        )
        if path is None:
            continue
        if path in seen:
            diags.error(
                f"'{target}' is already in the book, at line {seen[path]}",
                config,
                line,
                hint="a page can be in the book only once",
            )
        else:
            seen[path] = line
            out.append((path, Placement("body", depth, label=title)))


def in_name_order(
    docs: Path, folder: Path, config: Path, depth: int, seen: set | None = None, diags: Diagnostics | None = None
) -> list[tuple[Path, Placement]]:
    """Without nav: the pages in name order, the index first, then each folder
    as a section; a folder reached again through a link is left out."""
    diags = diags if diags is not None else Diagnostics()
    entries = listed(docs, diags)

    seen = seen if seen is not None else set()
    seen.add(os.path.realpath(docs))

    def key(p: Path):
        return (p.stem.lower() not in ("index", "readme"), p.name)

    # A page that is a link leading elsewhere, a folder or a pipe is refused when it is read.
    files = sorted((p for p in entries if p.suffix in (".md", ".markdown") and is_candidate(p)), key=key)
    out = [(p, Placement("body", depth)) for p in files]
    for sub in sorted(
        p
        for p in entries
        if p.is_dir() and not p.name.startswith(".") and inside(p, folder) and os.path.realpath(p) not in seen
    ):
        inner = in_name_order(sub, folder, config, depth + 1, seen, diags)
        if inner:
            # MkDocs' title for a folder: its name, words separated, capitalised.
            title = sub.name.replace("-", " ").replace("_", " ").capitalize()
            out += [(config, Placement("part", depth, part=title))] + inner
    return out
