"""``pressroom new``: a publication that builds at once, to be written over."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import BuildError, Diagnostic, Exit, Location

ARTICLE = """\
---
title: "{title}"
lang: en
# author: Your Name
# publisher: Your Press
# subject: [A subject, Another]
---

The first paragraph of the article. Footnotes are written like this.[^1]

## A first section

Write the text here. *Emphasis*, **strong emphasis**, "quotes" and dashes --
like these -- become proper typography in both editions.

[^1]: The note's text; it pops up in the EPUB and sits at the foot of the page in print.
"""

BOOK_META = """\
title: "{title}"
lang: en
type: book
# author:
#   - name: Your Name
#     file-as: Name, Your
# publisher: Your Press
# identifier: {{text: 978-..., scheme: ISBN}}
contents:
{contents}
"""

CHAPTER = """\
# {title}

The text of {lower}. Link to another chapter like [this]({other}).
"""

PIECE = """\
---
title: "{title}"
author: An Author
---

The text of {lower}, with its own title and author.
"""


def _title(folder: Path) -> str:
    words = re.sub(r"[-_]+", " ", folder.name).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"


def _files(kind: str, title: str) -> dict[str, str]:
    if kind == "article":
        return {"article.md": ARTICLE.format(title=title)}
    if kind == "book":
        names = ["chapter-1.md", "chapter-2.md"]
        files = {"publication.yaml": BOOK_META.format(title=title, contents="\n".join(f"  - {n}" for n in names))}
        for i, name in enumerate(names):
            files[name] = CHAPTER.format(title=f"Chapter {i + 1}", lower=f"chapter {i + 1}",
                                         other=names[1 - i])
        return files
    names = ["first-article.md", "second-article.md"]
    files = {"publication.yaml": BOOK_META.format(title=title, contents="\n".join(f"  - {n}" for n in names))
             .replace("type: book", "type: collection")}
    for i, name in enumerate(names):
        files[name] = PIECE.format(title=f"The {['first', 'second'][i]} article", lower=f"article {i + 1}")
    return files


# Names Windows keeps for devices, with or without an extension (con.txt).
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
NOT_PORTABLE = set('<>:"|?*')
MAX_NAME_BYTES = 255


def name_problem(name: str) -> str | None:
    """Why a publication name cannot be a folder under source/ on every system, or None."""
    if not name.strip():
        return "the name is empty"
    if "/" in name or "\\" in name:
        return "a publication name is the name of one folder under source/, without '/' or '\\'"
    if name.startswith("."):
        return "a name starting with '.' is hidden, and '.' and '..' are not folders of their own"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "the name holds a control character"
    bad = sorted({c for c in name if c in NOT_PORTABLE})
    if bad:
        return f"the name holds {' '.join(bad)}, which Windows and macOS do not allow in a folder's name"
    if name[-1] in ". " or name[0] == " ":
        return "the name starts with a space or ends with a space or a dot, which Windows drops"
    if name.split(".")[0].lower() in RESERVED:
        return f"'{name.split('.')[0]}' is the name of a device on Windows"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"the name is longer than {MAX_NAME_BYTES} bytes"
    return None


def _refuse(message: str, where: Path, hint: str, code: Exit = Exit.USAGE) -> BuildError:
    return BuildError([Diagnostic("error", message, Location(str(where)), hint)], code)


def new(project: Path, name: str, kind: str = "article") -> Path:
    """Create source/NAME with a starter publication; NAME is one plain folder name."""
    source = project / "source"
    problem = name_problem(name)
    if problem:
        shown = name.encode("unicode_escape").decode("ascii") if problem.endswith("control character") else name
        raise _refuse(f"'{shown}' cannot be a publication's name: {problem}", source,
                      "give a plain name such as 'leaflet' or 'annual-report-2024': "
                      "letters, digits, '-' and '_' are safe everywhere")
    target = source / name
    if os.path.lexists(source) and not Path(os.path.realpath(source)).is_relative_to(os.path.realpath(project)):
        raise _refuse("source/ is a link to a place outside the project; nothing was made", source,
                      "make source/ a folder of the project")
    if os.path.islink(target) or (target.exists() and not target.is_dir()):
        raise _refuse("the name is taken by a file or a link", target, "choose another name")
    if target.exists() and any(target.iterdir()):
        raise _refuse("the folder already exists and is not empty", target, "choose another name")
    try:
        target.mkdir(parents=True, exist_ok=True)
        for file_name, text in _files(kind, _title(target)).items():
            (target / file_name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _refuse(f"the publication could not be made: {exc.strerror or exc}", target,
                      "check that the project's folder can be written", Exit.ENVIRONMENT) from None
    return target
