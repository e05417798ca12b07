"""Loading stage: the publication's creators and contributors, each a name
with a MARC relator role and, when given, the form it is filed as."""

from __future__ import annotations

from dataclasses import dataclass

from .metadata_values import ValueReader, kind_of, suggest

# MARC relator codes that EPUB reading systems understand; others are refused
# with a suggestion rather than passed on silently.
ROLES = {
    "aut": "author",
    "edt": "editor",
    "trl": "translator",
    "ill": "illustrator",
    "aui": "author of introduction",
    "aft": "author of afterword",
    "ctb": "contributor",
    "com": "compiler",
    "pht": "photographer",
    "nrt": "narrator",
    "red": "redactor",
    "pbl": "publisher",
}


@dataclass(frozen=True)
class Creator:
    name: str
    role: str = "aut"
    file_as: str | None = None


def read_creators(r: ValueReader, key, default_role) -> list[Creator]:
    """The names under key: plain names, or mappings with name, role and file-as."""
    value = r.raw.get(key)
    if value is None:
        return []
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            if item.strip() and r.short(key, item.strip()):
                out.append(Creator(item.strip(), default_role))
        elif isinstance(item, dict):
            unknown = set(item) - {"name", "text", "role", "file-as"}
            for bad in sorted(unknown):
                r.error(key, f"unknown key '{bad}' in '{key}'", suggest(bad, {"name", "role", "file-as"}))
            name = item.get("name", item.get("text"))
            role = str(item.get("role", default_role)).strip()
            if not isinstance(name, str) or not name.strip():
                r.error(key, f"each '{key}' needs a 'name'")
                continue
            if not r.short(key, name.strip()):
                continue
            if role not in ROLES:
                by_word = {v: k for k, v in ROLES.items()}.get(role.lower())
                if by_word:
                    role = by_word
                else:
                    r.error(
                        key,
                        f"unknown role '{role}' for {name}",
                        "use a MARC relator code such as aut, edt, trl or ill",
                    )
                    continue
            file_as = item.get("file-as")
            if file_as is not None and not isinstance(file_as, str):
                r.error(key, f"'file-as' of {name.strip()} must be text, not {kind_of(file_as)}")
                file_as = None
            out.append(Creator(name.strip(), role, file_as.strip() or None if file_as else None))
        else:
            r.error(key, f"'{key}' must be a name or a list of names, not {kind_of(item)}")
    return out
