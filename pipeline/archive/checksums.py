"""dist/SHA256SUMS: the checksum of every file a build wrote, in the format
of GNU ``sha256sum``, so ``sha256sum -c SHA256SUMS`` checks it too.

A build updates the entries of the files it wrote and keeps the others, so a
file built earlier and changed since is still caught.
"""

from __future__ import annotations

from pathlib import Path

from ..cache import file_digest

NAME = "SHA256SUMS"


digest = file_digest  # one way of reading a file for its checksum, shared with the cache


def _escape(name: str) -> tuple[str, str]:
    # sha256sum marks a line whose name holds a backslash or newline with a
    # leading backslash and escapes them.
    if "\\" in name or "\n" in name:
        return "\\", name.replace("\\", "\\\\").replace("\n", "\\n")
    return "", name


def _unescape(name: str) -> str:
    out, chars = [], iter(name)
    for c in chars:
        out.append({"\\": "\\", "n": "\n"}.get(next(chars, ""), "") if c == "\\" else c)
    return "".join(out)


def parse(text: str) -> dict[str, str]:
    """{file name: sha256} from a SHA256SUMS text; malformed lines raise ValueError."""
    entries = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        escaped = line.startswith("\\")
        body = line[1:] if escaped else line
        hexdigest, sep, name = body.partition(" ")
        if len(hexdigest) != 64 or not sep or not name or name[0] not in " *":
            raise ValueError(f"{NAME} line {number} is not '<sha256>  <file>'")
        name = name[1:]
        entries[_unescape(name) if escaped else name] = hexdigest.lower()
    return entries


def render(entries: dict[str, str]) -> bytes:
    lines = []
    for name in sorted(entries):
        mark, shown = _escape(name)
        lines.append(f"{mark}{entries[name]}  {shown}\n")
    return "".join(lines).encode("utf-8")


def updated(out_dir: Path, written: list[Path]) -> bytes:
    """The manifest after a build that wrote ``written`` into ``out_dir``."""
    manifest = out_dir / NAME
    entries = {}
    if manifest.is_file():
        try:
            entries = parse(manifest.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            entries = {}  # unreadable: start again from what this build wrote
    for path in written:
        entries[path.name] = digest(path)
    return render(entries)
