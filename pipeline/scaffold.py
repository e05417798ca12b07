"""``pressroom new``: a publication that builds at once, to be written over."""

from __future__ import annotations

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


def new(project: Path, name: str, kind: str = "article") -> Path:
    """Create source/NAME (or the folder NAME when it has a path) with a starter publication."""
    target = Path(name) if ("/" in name or name.startswith(".")) else project / "source" / name
    if target.exists() and any(target.iterdir()):
        raise BuildError([Diagnostic("error", "the folder already exists and is not empty",
                                     Location(str(target)), "choose another name")], Exit.USAGE)
    target.mkdir(parents=True, exist_ok=True)
    for file_name, text in _files(kind, _title(target)).items():
        (target / file_name).write_text(text, encoding="utf-8")
    return target
