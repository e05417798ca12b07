"""The starting texts of each kind of publication (article, book, collection,
mdbook, mkdocs) and of a new project's README and .gitignore."""

from __future__ import annotations

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


def starter_files(kind: str, title: str) -> dict[str, str]:
    """The files of a new publication of kind, by their paths inside its folder."""
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
