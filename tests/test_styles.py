"""The house styles with a project's styles/ over them: which sheets and fonts
an edition uses, how the PDF's fetcher finds them, and the cache's key."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import REPO, epub_files, make_project
from pipeline import styles
from pipeline.cli import main
from pipeline.errors import Diagnostics, Exit

HOUSE = REPO / "styles"
ARTICLE = {"source/a/article.md": "---\ntitle: A\n---\n\nSome *words*.\n"}


def embedded_families(pdf) -> set[str]:
    """The family names inside the font files a PDF embeds (its font names
    follow the CSS family, whatever the file)."""
    import io

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    found = set()
    for page in PdfReader(pdf).pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            data = descriptor["/FontFile2"].get_object().get_data()
            found.add(TTFont(io.BytesIO(data))["name"].getDebugName(1))
    return found


def _rel(project, paths):
    return [styles.relative(project, p) for p in paths]


@pytest.mark.fast
def test_a_project_without_styles_uses_the_house_sheets_and_fonts(tmp_path):
    project = make_project(tmp_path, ARTICLE)
    assert not (project / "styles").exists()
    stack = styles.stack(project, "print", project / "source" / "a", with_fonts=True)
    assert stack == [styles.house() / n for n in ("fonts.css", "base.css", "print.css", "highlight.css")]
    fonts = styles.font_files(project)
    assert len(fonts) == 12 and all(p.is_relative_to(styles.house()) for p in fonts)
    assert _rel(project, fonts)[0] == "fonts/charis/CharisSIL-Regular.ttf"


def test_a_project_sheet_replaces_the_house_sheet_of_its_name_only(tmp_path):
    project = make_project(tmp_path, {**ARTICLE, "styles/print.css": "p { color: red; }\n"})
    stack = styles.stack(project, "print", project / "source" / "a", with_fonts=True)
    assert stack[2] == project / "styles" / "print.css"
    assert [p.is_relative_to(styles.house()) for p in stack] == [True, True, False, True]
    assert styles.files(project)["print.css"] == project / "styles" / "print.css"
    assert styles.files(project)["base.css"] == styles.house() / "base.css"


@pytest.mark.fast
def test_the_fonts_are_those_the_fonts_css_in_use_declares(tmp_path):
    sheet = (
        '@font-face { font-family: "Mine"; src: url("fonts/mine/Mine.ttf"); }\n'
        "/* url(fonts/charis/CharisSIL-Bold.ttf) in a comment is no declaration */\n"
        '@font-face { font-family: "Out"; src: url(../../outside.ttf), url(https://example.com/x.ttf); }\n'
        "body { background: url(fonts/dejavu/DejaVuSerif.ttf); }\n"
    )
    project = make_project(
        tmp_path,
        {
            **ARTICLE,
            "styles/fonts.css": sheet,
            "styles/fonts/mine/Mine.ttf": (HOUSE / "fonts/dejavu/DejaVuSerif.ttf").read_bytes(),
        },
    )
    assert styles.font_files(project) == [project / "styles" / "fonts" / "mine" / "Mine.ttf"]


def test_a_project_font_file_replaces_the_house_font_at_its_place(tmp_path):
    # The house fonts.css names fonts/charis/CharisSIL-Regular.ttf; the project's file there wins.
    project = make_project(
        tmp_path,
        {**ARTICLE, "styles/fonts/charis/CharisSIL-Regular.ttf": (HOUSE / "fonts/dejavu/DejaVuSerif.ttf").read_bytes()},
    )
    fonts = styles.font_files(project)
    assert project / "styles" / "fonts" / "charis" / "CharisSIL-Regular.ttf" in fonts
    assert main(["build", "-C", str(project), "-q", "-f", "pdf", "-j", "1"]) == Exit.OK
    # Its regular face, the house's italic.
    assert embedded_families(project / "dist" / "a.pdf") == {"DejaVu Serif", "Charis SIL"}


def test_a_project_may_replace_every_font_and_the_house_fonts_are_not_shipped(tmp_path):
    sheet = (
        '@font-face { font-family: "Charis SIL"; src: url(fonts/mine/Mine.ttf); }\n'
        '@font-face { font-family: "DejaVu Sans Mono"; src: url(fonts/mine/Mine.ttf); }\n'
    )
    project = make_project(
        tmp_path,
        {
            "source/a/article.md": "---\ntitle: A\nepub:\n  embed-fonts: true\n---\n\nSome words.\n",
            "styles/fonts.css": sheet,
            "styles/fonts/mine/Mine.ttf": (HOUSE / "fonts/dejavu/DejaVuSerif.ttf").read_bytes(),
        },
    )
    assert main(["build", "-C", str(project), "-q", "-f", "epub,pdf", "-j", "1", "--strict"]) == Exit.OK
    fonts = [n for n in epub_files(project / "dist" / "a.epub") if n.endswith(".ttf")]
    assert fonts == ["EPUB/fonts/mine/Mine.ttf"]
    assert embedded_families(project / "dist" / "a.pdf") == {"DejaVu Serif"}


def test_a_fonts_css_declaring_no_font_stops_the_build_at_its_file(tmp_path, capsys):
    project = make_project(tmp_path, {**ARTICLE, "styles/fonts.css": "/* nothing yet */\n"})
    assert main(["build", "-C", str(project), "-q"]) == Exit.INPUT
    err = capsys.readouterr().err
    assert "styles/fonts.css: error: the fonts.css in use declares no font" in err


@pytest.mark.fast
def test_a_project_font_no_sheet_declares_is_named_as_unused(tmp_path):
    project = make_project(
        tmp_path, {**ARTICLE, "styles/fonts/extra/Extra.ttf": (HOUSE / "fonts/dejavu/DejaVuSerif.ttf").read_bytes()}
    )
    diags = Diagnostics()
    styles.check_files(project, project / "source" / "a", diags)
    assert [(d.severity, d.location.path) for d in diags.items] == [
        ("warning", str(project / "styles" / "fonts" / "extra" / "Extra.ttf"))
    ]
    assert "not used" in diags.items[0].message


@pytest.mark.fast
def test_the_pdf_fetcher_finds_house_files_through_the_project_styles_folder(tmp_path):
    from pipeline.pdf.fetcher import ProjectFetcher

    project = make_project(tmp_path / "p", {**ARTICLE, "styles/fonts/dejavu/DejaVuSerif.ttf": b"mine"})
    (tmp_path / "secret.ttf").write_bytes(b"secret")
    (project / "styles" / "fonts" / "link.ttf").symlink_to(tmp_path / "secret.ttf")
    fetcher = ProjectFetcher(project)
    own = project / "styles"

    def read(path):
        got = fetcher.fetch(path.as_uri())
        try:
            return got.read()
        finally:
            got.close()

    assert (
        read(own / "fonts" / "charis" / "CharisSIL-Regular.ttf")
        == (HOUSE / "fonts/charis/CharisSIL-Regular.ttf").read_bytes()
    )
    assert read(own / "fonts" / "dejavu" / "DejaVuSerif.ttf") == b"mine"
    for path in (own / "fonts" / "link.ttf", own / "nothing.ttf", own / ".." / ".." / "secret.ttf"):
        with pytest.raises(ValueError):
            fetcher.fetch(path.as_uri())


def test_the_cache_key_changes_when_a_project_replaces_a_house_file(tmp_path):
    from pipeline.cache import styles_digest

    project = make_project(tmp_path, ARTICLE)
    before = styles_digest(project)
    shutil.copytree(HOUSE, project / "styles")  # the same files: the same key
    assert styles_digest(project) == before
    (project / "styles" / "base.css").write_text("p { margin: 0; }\n")
    assert styles_digest(project) != before


# --- pressroom styles ----------------------------------------------------------


def test_styles_lists_the_house_files_and_which_the_project_replaces(tmp_path, capsys):
    project = make_project(tmp_path, {**ARTICLE, "styles/print.css": "p {}\n"})
    assert main(["styles", "-C", str(project)]) == Exit.OK
    out = capsys.readouterr().out
    assert re.search(r"^print\.css +the project's$", out, re.M) and re.search(r"^base\.css +the house's$", out, re.M)
    assert "fonts/charis/CharisSIL-Regular.ttf" in out


def test_styles_copies_house_files_with_their_licences_and_overwrites_nothing(tmp_path, capsys):
    project = make_project(tmp_path, {**ARTICLE, "styles/base.css": "mine\n"})
    assert main(["styles", "-C", str(project), "print.css", "fonts/dejavu/DejaVuSerif.ttf"]) == Exit.OK
    own = project / "styles"
    assert (own / "print.css").read_bytes() == (HOUSE / "print.css").read_bytes()
    assert sorted(p.name for p in (own / "fonts" / "dejavu").iterdir()) == ["COPYRIGHT", "DejaVuSerif.ttf"]
    capsys.readouterr()
    # All or nothing: one name taken, one unknown, so nothing is copied.
    assert main(["styles", "-C", str(project), "base.css", "epub.css", "nothing.css"]) == Exit.USAGE
    err = capsys.readouterr().err
    assert "base.css: error: the project has this file already" in err and "'nothing.css' is not one" in err
    assert (own / "base.css").read_text() == "mine\n" and not (own / "epub.css").exists()
    assert main(["styles", "-C", str(project), "--all"]) == Exit.USAGE  # base.css and print.css are there
    (own / "base.css").unlink()
    shutil.rmtree(own / "fonts")
    (own / "print.css").unlink()
    assert main(["styles", "-C", str(project), "--all"]) == Exit.OK
    assert sorted(p.relative_to(own) for p in own.rglob("*") if p.is_file()) == sorted(
        p.relative_to(HOUSE) for p in HOUSE.rglob("*") if p.is_file()
    )
