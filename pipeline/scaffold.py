"""Starting points for a writer: ``pressroom new`` (a project anywhere),
``pressroom init`` (this folder as a project), ``pressroom add`` (a
publication in a project) and ``pressroom styles`` (house files to edit).

Everything made builds at once, strict; nothing a writer has is overwritten.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

from . import styles
from .errors import BuildError, Diagnostic, Exit, Location

KINDS = ("article", "book", "collection", "mdbook", "mkdocs")

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


MDBOOK_TOML = """\
[book]
title = "{title}"
# authors = ["Your Name"]
language = "en"
src = "src"
"""

MDBOOK_SUMMARY = """\
# Summary

[Introduction](introduction.md)

- [The first chapter](chapter-1.md)
- [The second chapter](chapter-2.md)
"""

MKDOCS_YML = """\
site_name: "{title}"
# site_author: Your Name
docs_dir: docs
nav:
  - Home: index.md
  - The first page: first-page.md
  - The second page: second-page.md
markdown_extensions:
  - admonition
  - footnotes
"""

MKDOCS_PAGE = """\
# {title}

The text of {lower}.

!!! note
    An admonition, as MkDocs writes them.
"""

GITIGNORE = ["dist/", ".cache/"]

PROJECT_README = """\
# {title}

A Pressroom project: the Markdown is in `source/`, the finished editions go
to `dist/`.

- Write in `source/{name}/`. Each folder of `source/` is one publication.
- `pressroom serve` shows the publication in your browser while you write
  (its chapters as the EPUB presents them, the print PDF beside them) and
  rebuilds it on every save.
- `pressroom build` makes the editions in `dist/`: an EPUB, a print PDF, an
  archival PDF/A and a bag with the sources; `pressroom check` validates them.
- `pressroom add NAME --kind book` adds another publication (kinds: article,
  book, collection, mdbook, mkdocs).
- The house styles and fonts apply. `pressroom styles` lists them;
  `pressroom styles print.css` copies one into `styles/`, where your copy
  replaces it.
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
            files[name] = CHAPTER.format(title=f"Chapter {i + 1}", lower=f"chapter {i + 1}", other=names[1 - i])
        return files
    if kind == "mdbook":
        files = {
            "book.toml": MDBOOK_TOML.format(title=title.replace('"', "'")),
            "src/SUMMARY.md": MDBOOK_SUMMARY,
            "src/introduction.md": "# Introduction\n\nWhat the book is about.\n",
        }
        for i, name in enumerate(["chapter-1.md", "chapter-2.md"]):
            files[f"src/{name}"] = CHAPTER.format(
                title=f"The {['first', 'second'][i]} chapter", lower=f"chapter {i + 1}", other=f"chapter-{2 - i}.md"
            )
        return files
    if kind == "mkdocs":
        files = {
            "mkdocs.yml": MKDOCS_YML.format(title=title.replace('"', "'")),
            "docs/index.md": MKDOCS_PAGE.format(title=title, lower="the home page"),
        }
        for i, name in enumerate(["first-page.md", "second-page.md"]):
            files[f"docs/{name}"] = MKDOCS_PAGE.format(
                title=f"The {['first', 'second'][i]} page", lower=f"page {i + 1}"
            )
        return files
    names = ["first-article.md", "second-article.md"]
    files = {
        "publication.yaml": BOOK_META.format(title=title, contents="\n".join(f"  - {n}" for n in names)).replace(
            "type: book", "type: collection"
        )
    }
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


def _write(folder: Path, files: dict[str, str]) -> None:
    try:
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _refuse(
            f"the files could not be made: {exc.strerror or exc}",
            folder,
            "check that the folder can be written",
            Exit.ENVIRONMENT,
        ) from None


def add(project: Path, name: str, kind: str = "article") -> Path:
    """Make source/NAME with a starter publication; NAME is one plain folder name."""
    source = project / "source"
    problem = name_problem(name)
    if problem:
        shown = name.encode("unicode_escape").decode("ascii") if problem.endswith("control character") else name
        raise _refuse(
            f"'{shown}' cannot be a publication's name: {problem}",
            source,
            "give a plain name such as 'leaflet' or 'annual-report-2024': "
            "letters, digits, '-' and '_' are safe everywhere",
        )
    target = source / name
    if os.path.lexists(source) and not Path(os.path.realpath(source)).is_relative_to(os.path.realpath(project)):
        raise _refuse(
            "source/ is a link to a place outside the project; nothing was made",
            source,
            "make source/ a folder of the project",
        )
    if os.path.islink(target) or (target.exists() and not target.is_dir()):
        raise _refuse("the name is taken by a file or a link", target, "choose another name")
    if target.exists() and any(target.iterdir()):
        raise _refuse("the folder already exists and is not empty", target, "choose another name")
    _write(target, _files(kind, _title(target)))
    return target


def slug(text: str) -> str:
    """A portable publication name from a folder's name ('Mein Buch!' -> 'mein-buch')."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9_]+", "-", plain).strip("-_")[:80]
    return name if name and not name_problem(name) else "my-publication"


def _is_project(folder: Path) -> bool:
    return os.path.isdir(folder / "source")


def _project_files(folder: Path, kind: str) -> list[Path]:
    """The first publication, .gitignore and README.md of a project at folder;
    an existing .gitignore gains the lines it lacks, an existing README stays."""
    made = [add(folder, slug(folder.name), kind)]
    ignore = folder / ".gitignore"
    had = ignore.read_text(encoding="utf-8", errors="replace").splitlines() if ignore.is_file() else []
    missing = [line for line in GITIGNORE if line not in had and line.rstrip("/") not in had]
    if missing:
        text = "\n".join(had + missing) + "\n"
        _write(folder, {".gitignore": text})
        made.append(ignore)
    if not os.path.lexists(folder / "README.md"):
        _write(folder, {"README.md": PROJECT_README.format(title=_title(folder), name=made[0].name)})
        made.append(folder / "README.md")
    return made


def new_project(path: Path, kind: str = "article") -> list[Path]:
    """A whole project at path: source/ with a first publication named after
    the folder, a .gitignore for dist/ and a README on what to do next."""
    path = Path(os.path.abspath(path))
    if os.path.lexists(path) and (not path.is_dir() or path.is_symlink()):
        raise _refuse("a file or a link is in the way; nothing was made", path, "choose a new folder's name")
    if path.is_dir() and any(path.iterdir()):
        raise _refuse(
            "the folder already exists and is not empty; nothing was made",
            path,
            "choose a new folder, or run 'pressroom init' inside this one to make it a project",
        )
    if _is_project(path.parent):
        raise _refuse(
            "this would make a project inside the project of the folder above; nothing was made",
            path,
            f"to add a publication to that project, run 'pressroom add {slug(path.name)}' there",
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _refuse(
            f"the folder could not be made: {exc.strerror or exc}",
            path,
            "check that its parent folder can be written",
            Exit.ENVIRONMENT,
        ) from None
    return _project_files(path, kind)


def init(folder: Path, kind: str = "article") -> list[Path]:
    """Make the folder a project, keeping whatever it holds."""
    folder = Path(os.path.abspath(folder))
    if _is_project(folder):
        raise _refuse(
            "this folder is a project already (it has source/); nothing was made",
            folder,
            "to add a publication, run 'pressroom add NAME'",
        )
    if not folder.is_dir():
        raise _refuse("there is no such folder", folder, "make it first, or use 'pressroom new PATH'")
    return _project_files(folder, kind)


def copy_styles(project: Path, names: list[str]) -> list[Path]:
    """Copy house files (names inside styles/, or folders such as fonts) into
    the project's styles/, where they replace the house's; all or nothing."""
    house = styles.house_files()
    chosen: dict[str, Path] = {}
    problems = []
    for name in names:
        rel = name.strip().strip("/").removeprefix("styles/")
        found = {r: p for r, p in house.items() if r == rel or r.startswith(rel + "/")} if rel else house
        if not found:
            problems.append(
                Diagnostic(
                    "error",
                    f"'{name}' is not one of the house styles",
                    Location("styles"),
                    "'pressroom styles' lists them",
                )
            )
        chosen.update(found)
    for rel in list(chosen):  # a font travels with its licence
        if rel.startswith("fonts/") and rel.lower().endswith(styles.FONT_SUFFIXES):
            folder = rel.rsplit("/", 1)[0] + "/"
            chosen.update(
                {
                    r: p
                    for r, p in house.items()
                    if r.startswith(folder)
                    and "/" not in r[len(folder) :]
                    and not r.lower().endswith(styles.FONT_SUFFIXES)
                }
            )
    own = project / styles.STYLES
    if os.path.lexists(own) and not Path(os.path.realpath(own)).is_relative_to(os.path.realpath(project)):
        problems.append(
            Diagnostic(
                "error",
                "styles/ is a link to a place outside the project; nothing was copied",
                Location(str(own)),
                "make styles/ a folder of the project",
            )
        )
    for rel in chosen:
        if os.path.lexists(own / rel):
            problems.append(
                Diagnostic(
                    "error",
                    "the project has this file already; it was kept as it is",
                    Location(str(own / rel)),
                    "remove it first to start again from the house's",
                )
            )
    if problems:
        raise BuildError(problems, Exit.USAGE)
    copied = []
    try:
        for rel, path in chosen.items():
            (own / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, own / rel)
            copied.append(own / rel)
    except OSError as exc:
        raise _refuse(
            f"the styles could not be copied: {exc.strerror or exc}",
            own,
            "check that the project's folder can be written",
            Exit.ENVIRONMENT,
        ) from None
    return copied
