"""YAML mappings read without surprises, for front matter, publication.yaml
and mkdocs.yml.

PyYAML's safe loader still lets through what later code cannot use or what
silently means something else: keys that are numbers, true/false or null
(or lists), a key given twice (the last one would win), nesting thousands
deep (its composer recurses until Python stops it), aliases that multiply
("billion laughs"), and escapes that make characters XML cannot carry.
Each is a located problem here, found on the composed nodes before any
value is built.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from . import xmlchars
from .errors import Diagnostics

MAX_DEPTH = 50  # far deeper than any configuration; Python's recursion limit is far off
MAX_NODES = 100_000  # values with aliases expanded: a large mkdocs.yml nav has a few thousand

STR = "tag:yaml.org,2002:str"
MERGE = "tag:yaml.org,2002:merge"
KINDS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "null (nothing)",
}
HINT = "check the indentation and quote values that contain ': '"


class _TooDeep(yaml.composer.ComposerError):
    pass


class _Limited:
    """A loader mix-in whose composer stops at MAX_DEPTH with a located error,
    and whose constructor remembers the node it is at, to say where a value
    could not be made."""

    _depth = 0
    _at = None

    def compose_node(self, parent, index):
        if self._depth >= MAX_DEPTH:
            raise _TooDeep(
                None, None, f"the values are nested more than {MAX_DEPTH} deep", self.peek_event().start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        self._at = node
        return super().construct_object(node, deep)


_LIMITED: dict[type, type] = {}


def _loader(base: type) -> type:
    if base not in _LIMITED:
        _LIMITED[base] = type(f"Limited{base.__name__}", (_Limited, base), {})
    return _LIMITED[base]


class _Problems:
    def __init__(self, path: Path, diags: Diagnostics, line_offset: int):
        self.path, self.diags, self.offset = path, diags, line_offset
        self.failed = False

    def where(self, node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def error(self, message, node, hint=None, fatal=True) -> None:
        """fatal: no mapping can be made; otherwise the rest of it is still checked."""
        self.failed = self.failed or fatal
        self.diags.error(message, self.path, *self.where(node), hint=hint)


def load_mapping(
    text: str, path: Path, diags: Diagnostics, base: type = yaml.SafeLoader, line_offset: int = 0
) -> tuple[dict | None, yaml.MappingNode | None]:
    """The YAML document as a mapping, and its node (for the line of any value);
    ({}, None) for an empty document, (None, None) when it cannot be used.
    ``base``: a SafeLoader subclass; ``line_offset``: lines before the text in its file."""
    problems = _Problems(path, diags, line_offset)
    loader = _loader(base)(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            diags.error(
                f"malformed YAML: {problem}",
                path,
                mark.line + 1 + line_offset if mark else None,
                mark.column + 1 if mark else None,
                hint="write the values less deeply nested" if isinstance(exc, _TooDeep) else HINT,
            )
            return None, None
        if node is None:
            return {}, None
        if not isinstance(node, yaml.MappingNode):
            problems.error(
                "the metadata must be a mapping of keys to values", node, hint="write one 'key: value' on each line"
            )
            return None, None
        if not _check(node, problems):
            return None, None
        try:
            data = loader.construct_document(node)
        except Exception as exc:  # noqa: BLE001 - a tag's constructor raises what its conversion raises
            # A value is not what its tag asks for (!!int abc, !!timestamp x) or
            # cannot be made (a whole number of 5000 digits).
            at = loader._at or node
            mark = getattr(exc, "problem_mark", None) or at.start_mark
            problem = getattr(exc, "problem", None) or (
                f"'{at.value}' is not what !!{at.tag.rsplit(':', 1)[-1]} asks for"
                if isinstance(at, yaml.ScalarNode)
                else str(exc)
            )
            diags.error(
                f"a value cannot be read: {problem}",
                path,
                mark.line + 1 + line_offset,
                mark.column + 1,
                hint="quote the value to keep it as text, or correct it",
            )
            return None, None
        return data, node
    finally:
        loader.dispose()


def key_lines(node: yaml.MappingNode | None, line_offset: int = 0) -> dict:
    """The line of each top-level key."""
    if node is None:
        return {}
    return {k.value: k.start_mark.line + 1 + line_offset for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _check(root: yaml.Node, problems: _Problems) -> bool:
    """Walk every node once (an alias is a node met again): report keys that
    are not text or are given twice, count the values as they would be once
    aliases are expanded, find an alias inside itself, and clean the scalars
    of characters no edition can carry. False when the mapping cannot be used."""
    size, depth, done, active = {}, {}, set(), set()
    stack = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        key = id(node)
        if leaving:
            active.discard(key)
            done.add(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            continue
        if key in done:
            continue
        if key in active:
            problems.error(
                "an alias refers to the value it is in",
                node,
                hint="an alias (*name) can only repeat a value written before it",
            )
            return False
        active.add(key)
        if isinstance(node, yaml.ScalarNode):
            _clean(node, problems)
        elif isinstance(node, yaml.MappingNode):
            _keys(node, problems)
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(_children(node)) if id(c) not in done)
    if size[id(root)] > MAX_NODES or depth[id(root)] > MAX_DEPTH:
        big = max(root.value, key=lambda kv: size[id(kv[1])])
        too = "values" if size[id(root)] > MAX_NODES else "levels"
        problems.error(
            f"'{big[0].value}' would expand to more than "
            f"{MAX_NODES if too == 'values' else MAX_DEPTH} {too} through its aliases",
            big[0],
            hint="write the value out instead of repeating aliases (*name)",
        )
        return False
    return not problems.failed


def _children(node: yaml.Node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _keys(node: yaml.MappingNode, problems: _Problems) -> None:
    """Report keys that are not names, and leave them out; report a key given twice."""
    seen, kept = {}, []
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag == MERGE:
            kept.append((key, value))
            continue
        if not isinstance(key, yaml.ScalarNode) or key.tag != STR:
            kind = KINDS.get(
                key.tag,
                "a list"
                if isinstance(key, yaml.SequenceNode)
                else "a mapping"
                if isinstance(key, yaml.MappingNode)
                else f"tagged {key.tag}",
            )
            shown = f"'{key.value}' " if isinstance(key, yaml.ScalarNode) else ""
            problems.error(
                f"the key {shown}is {kind}, not a name",
                key,
                hint="keys are names: put a key that looks like a number, true, false or null in quotes, or correct it",
                fatal=False,
            )
            continue
        kept.append((key, value))
        line = problems.where(key)[0]
        if key.value in seen:
            problems.error(
                f"'{key.value}' is given twice, on lines {seen[key.value]} and {line}; only one can count",
                key,
                hint="keep one of them",
                fatal=False,
            )
        else:
            seen[key.value] = line
    node.value = kept


def _clean(node: yaml.ScalarNode, problems: _Problems) -> None:
    cleaned, found = xmlchars.clean(node.value)
    if found:
        node.value = cleaned
        problems.diags.warning(
            xmlchars.describe([c for _, c in found]),
            problems.path,
            *problems.where(node),
            hint="remove the escape (\\x.., \\u....) that makes it",
        )
