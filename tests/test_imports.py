"""The package's structure, read from its imports without running it: every
import in pipeline/, at a module's top and inside its functions alike (an
import deferred for speed is still a dependency), as a graph of modules.

import_graph() is the graph; rules about it (no cycle here, layers may be
added) are tests over it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PIPELINE = REPO / "pipeline"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path = PIPELINE) -> dict[str, set[str]]:
    """{module: the package's modules it imports}. Imports of other packages
    are left out. A module's own packages are run before it whatever it
    imports, so importing a submodule of one (`from . import sources`) is
    no import of it, but taking a name its __init__ defines
    (`from . import __version__`) is."""
    files = {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        ancestors = {".".join(name.split(".")[:n]) for n in range(1, name.count(".") + 1)}
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:  # import a.b.c runs a, a.b and a.b.c
                    parts = alias.name.split(".")
                    found.update(
                        m for m in (".".join(parts[:n]) for n in range(1, len(parts) + 1)) if m not in ancestors
                    )
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                for alias in node.names:
                    if f"{base}.{alias.name}" in files:
                        found.add(f"{base}.{alias.name}")
                        if base not in ancestors:
                            found.add(base)
                    else:
                        found.add(base)
        graph[name] = {m for m in found if m in files and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import one another, round or through
    others (strongly connected components of more than one module), as
    one cycle through it: [a, b, ..., a]."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(start: str) -> None:  # Tarjan's algorithm, without recursion
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_round(group, graph) for group in groups]


def _round(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest way from the group's first module back to itself."""
    start, members = min(group), set(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & members):
                if target == start:
                    return paths[node] + [start]
                if target not in paths:
                    paths[target] = paths[node] + [target]
                    following.append(target)
        frontier = following
    return group


def test_the_import_graph_is_read_from_every_kind_of_import(tmp_path):
    files = {
        "__init__.py": "from .top import run\nVERSION = '1'\n",
        "top.py": "from . import low\nfrom .sub import deep\n\ndef run():\n    from .sub.leaf import x\n",
        "low.py": "import os\nfrom . import VERSION\n",
        "sub/__init__.py": "",
        "sub/deep.py": "from .. import low\nimport pkg.sub.leaf\n",
        "sub/leaf.py": "x = 1\n",
    }
    for name, text in files.items():
        (tmp_path / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text, encoding="utf-8")
    assert import_graph(tmp_path / "pkg") == {
        "pkg": {"pkg.top"},
        # a submodule of its own package, one inside a function, one of a package that runs
        "pkg.top": {"pkg.low", "pkg.sub", "pkg.sub.deep", "pkg.sub.leaf"},
        "pkg.low": {"pkg"},  # a name the package's __init__ defines
        "pkg.sub": set(),
        "pkg.sub.deep": {"pkg.low", "pkg.sub.leaf"},  # its own packages run before it anyway
        "pkg.sub.leaf": set(),
    }
    assert cycles(import_graph(tmp_path / "pkg")) == [["pkg", "pkg.top", "pkg.low", "pkg"]]


def test_cycles_are_found_round_and_through_others():
    assert cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b", "a"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_import_graph_has_no_cycle():
    found = cycles(import_graph())
    assert not found, "modules of pipeline/ import one another: " + "; ".join(" -> ".join(c) for c in found)


# The layers of the package, lowest first: a module imports modules of its
# own layer or of those below, never of one above. docs/ARCHITECTURE.md
# draws them. A module is in the layer of the longest prefix listed.
LAYERS = [
    (
        "foundations",
        [
            "version",
            "errors",
            "xmlchars",
            "confine",
            "dates",
            "limits",
            "terms",
            "pagemarks",
            "pagesize",
            "placement",
            "atomic",
            "yamlsafe",
            "textfiles",
            "sanitise",
            "output_folder",
        ],
    ),
    (
        "loading",
        [
            "options",
            "cover_options",
            "reading_options",
            "metadata_values",
            "metadata_people",
            "metadata_identifiers",
            "metadata",
            "layouts",
            "sources",
            "styles",
            "extras",
            "cache",
        ],
    ),
    ("reading", ["model", "titles", "readers", "transforms", "document"]),
    ("writers", ["pdf", "epub", "archive", "preflight", "cover"]),
    ("running", ["run"]),
    ("commands", ["", "__main__", "cli", "serve", "watch", "scaffold", "checks"]),
]
MAX_LINES = 350


def layer_of(module: str) -> int:
    """The index in LAYERS of a module of pipeline/ (pipeline.x.y)."""
    name = module.removeprefix("pipeline").removeprefix(".")
    best, found = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".") or prefix == "") and len(prefix) > best:
                best, found = len(prefix), index
    assert found is not None, f"{module} is in no layer of tests/test_imports.py: add it to LAYERS"
    return found


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Each import that runs up the layers, as 'a (layer) imports b (layer)'."""
    found = []
    for module, imported in sorted(graph.items()):
        for target in sorted(imported):
            if layer_of(target) > layer_of(module):
                found.append(
                    f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
                )
    return found


def test_a_module_is_placed_by_its_longest_prefix():
    assert LAYERS[layer_of("pipeline.sanitise.svg")][0] == "foundations"
    assert LAYERS[layer_of("pipeline.readers.commonmark")][0] == "reading"
    assert LAYERS[layer_of("pipeline")][0] == "commands"
    assert upward({"pipeline.errors": {"pipeline.run"}, "pipeline.run": {"pipeline.errors"}}) == [
        "pipeline.errors (foundations) imports pipeline.run (running)"
    ]


def test_no_import_runs_up_the_layers():
    found = upward(import_graph())
    assert not found, "imports that run up the layers: " + "; ".join(found)


def test_the_writers_stand_apart_and_the_engine_below_them():
    """The print and EPUB writers do not import each other or the archive;
    the engine package (pdf/engine/) imports nothing of Pressroom's but itself."""
    graph = import_graph()
    found = []
    for module, imported in sorted(graph.items()):
        for target in sorted(imported):
            if module.startswith("pipeline.pdf.engine") and not target.startswith("pipeline.pdf.engine"):
                found.append(f"{module} imports {target}")
            for writer, others in (("pdf", ("epub", "archive")), ("epub", ("pdf", "archive"))):
                if module.startswith(f"pipeline.{writer}") and target.startswith(
                    tuple(f"pipeline.{o}" for o in others)
                ):
                    found.append(f"{module} imports {target}")
    assert not found, "; ".join(found)


def test_no_module_is_over_the_size_limit():
    long = {
        p.relative_to(REPO).as_posix(): n
        for p in sorted(PIPELINE.rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by what they do): {long}"
