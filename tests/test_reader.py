"""The CommonMark reader, unit by unit: what authors write for GitHub,
pandoc and mdBook is read as they meant it, and nothing is lost silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pipeline.errors import Diagnostics
from pipeline.model import Chapter
from pipeline.readers import reader_for
from pipeline.reading_options import ElementRule
from pipeline.transforms import content_model, rawhtml, sanitize

pytestmark = pytest.mark.fast


def read(text: str, lang: str = "en"):
    return reader_for("commonmark", lang=lang).read(text)


def html(text: str, **kw) -> str:
    return etree.tostring(read(text, **kw).tree, encoding="unicode")


def checked(text: str, elements=None) -> tuple[str, list[str]]:
    """The tree after the reader's reports and the sanitiser, and every message."""
    reading = read(text)
    chapter = Chapter("c", Path("book/chapter.md"), reading.tree)
    diags, unknown = Diagnostics(), {}
    rawhtml.report_reading(chapter, reading, text, diags)
    sanitize.sanitize(chapter, text, diags, False, elements or {}, unknown)
    sanitize.report_unknown(unknown, diags)
    return etree.tostring(chapter.body, encoding="unicode"), [str(d) for d in diags.items]


def test_a_fence_with_a_comma_in_its_info_string_is_code():
    out = html("```rust,ignore\nfn f<T>(x: &'static str) {}\n```\n\n# After\n")
    assert 'class="language-rust"' in out
    tree = read("```rust,ignore\nfn f<T>(x: &'static str) {}\n```\n\n# After\n").tree
    assert "".join(tree.find(".//code").itertext()) == "fn f<T>(x: &'static str) {}\n"
    assert [h.text for h in tree.iter("h1")] == ["After"]


@pytest.mark.parametrize(
    "info, language",
    [
        ("rust,ignore", "rust"),
        ("rust , no_run", "rust"),
        ("python title='x.py'", "python"),
        ("{.python .numberLines}", "python"),
        ("", ""),
    ],
)
def test_the_language_is_the_first_word_of_the_info_string(info, language):
    from pipeline.readers.render import fence_language

    assert fence_language(info)[0] == language


def test_code_keeps_its_blank_lines_and_attributes_lines():
    code = "\n\n#[derive(Debug)]\nstruct A;\n\n"
    tree = read(f"```rust\n{code}```\n").tree
    assert "".join(tree.find(".//code").itertext()) == code
    assert not list(tree.iter("h1"))


def test_text_after_an_html_comment_on_the_same_line_is_kept_and_the_comment_reported():
    out, messages = checked("See [the section][in]<!-- ignore --> in Chapter 1.\n\n[in]: #x\n")
    assert "in Chapter 1." in out
    assert messages == [
        "book/chapter.md:1: warning: this HTML comment is left out of the editions "
        "(nothing to do if it was a note to yourself)"
    ]


def test_comments_are_reported_once_per_file_with_their_count():
    _, messages = checked("One <!-- a -->.\n\nTwo.\n\n<!-- b -->\n\nThree <!-- c -->.\n")
    assert messages == [
        "book/chapter.md:1: warning: 3 HTML comments are left out of the editions; "
        "the first is here (nothing to do if it was a note to yourself)"
    ]


def test_a_custom_element_around_markdown_is_not_called_unclosed_and_is_reported_once_per_name():
    listing = (
        '<Listing number="1-{n}" file-name="src/main.rs" caption="Printing `hello`">\n\n'
        "```rust\nfn main() {{}}\n```\n\n</Listing>\n\n"
    )
    out, messages = checked("".join(listing.format(n=n) for n in range(1, 4)))
    assert out.count("<pre>") == 3
    assert len(messages) == 1
    assert messages[0].startswith(
        "book/chapter.md:1: warning: <listing> is not an HTML element, 3 times, "
        "first here; its content was kept without it"
    )


def test_a_publication_sets_a_custom_element_as_a_figure_with_its_caption():
    text = (
        '<Listing number="1-1" file-name="src/main.rs" caption="Printing `hello`">\n\n'
        "```rust\nfn main() {}\n```\n\n</Listing>\n"
    )
    out, messages = checked(text, {"listing": ElementRule("figure", "Listing {number}: {caption}")})
    assert messages == []
    tree = etree.fromstring(out)
    figure = tree.find("figure")
    assert figure.get("class") == "listing" and figure.find(".//pre") is not None
    assert (
        etree.tostring(figure.find("figcaption"), encoding="unicode")
        == "<figcaption>Listing 1-1: Printing <code>hello</code></figcaption>"
    )


def test_raw_html_left_open_is_still_reported_at_its_line():
    _, messages = checked('Text.\n\n<div class="box">\n\n*inside*\n\n<section>\n\nEnd.\n\n</div>\n')
    assert any("chapter.md:7:1: warning: raw HTML: <section> is not closed before </div>" in m for m in messages), (
        messages
    )


def test_lists_nested_by_two_spaces_stay_nested():
    tree = read("- one\n  - two\n    - three\n- four\n").tree
    assert [len(list(ul.iterancestors("ul"))) for ul in tree.iter("ul")] == [0, 1, 2]


def test_task_lists_show_boxes_not_brackets():
    out = html("- [ ] to do\n- [x] done\n")
    assert "[ ]" not in out and "[x]" not in out
    assert "\u2610</span> to do" in out and "\u2611</span> done" in out
    assert "<input" not in out


def test_a_trailing_backslash_is_a_line_break():
    assert "<br/>" in html("one\\\ntwo\n")


def test_heading_attributes_and_ids():
    tree = read("# The Title {#top .intro}\n\n## What's new?\n\n## What's new?\n\n## Ünïcode words\n").tree
    assert [(h.get("id"), h.text) for h in tree.iter("h1", "h2")] == [
        ("top", "The Title"),
        ("whats-new", "What’s new?"),
        ("whats-new-1", "What’s new?"),
        ("ünïcode-words", "Ünïcode words"),
    ]
    assert tree.find("h1").get("class") == "intro"


def test_a_heading_that_only_looks_like_attributes_keeps_its_words():
    tree = read("# Using {braces} here\n").tree
    assert tree.find("h1").text == "Using {braces} here"


def test_pandoc_fenced_divs_nest_with_fences_of_one_length():
    tree = read("::: {.outer #o}\nA\n\n::: inner\nB\n:::\n\nC\n:::\n\nD\n").tree
    outer = tree.find("div")
    assert outer.get("id") == "o" and outer.get("class") == "outer"
    assert outer.find("div").get("class") == "inner"
    assert [p.text for p in tree.iter("p")] == ["A", "B", "C", "D"]


def test_an_unclosed_fenced_div_is_text():
    assert [p.text for p in read("::: note\nA\n").tree.iter("p")] == ["::: note\nA"]


def test_spans_and_paragraph_attributes():
    out = html("[la lutte continue]{lang=fr} and *mot*{lang=fr}\n\nUn paragraphe.\n{lang=fr}\n")
    assert '<span lang="fr">la lutte continue</span>' in out
    assert "<em>mot</em>{lang=fr}" in out  # as pandoc: no attributes after emphasis, and no word lost
    assert '<p lang="fr">Un paragraphe.</p>' in out


def test_smart_punctuation_is_pandocs_and_leaves_letters_in_brackets_alone():
    tree = read('"Points (a), (b) and (c)" -- 1990--1995 --- and so on...\n').tree
    assert tree.find("p").text == "\u201cPoints (a), (b) and (c)\u201d \u2013 1990\u20131995 \u2014 and so on\u2026"


def test_smart_quotes_follow_the_language():
    assert read('"Ja"\n', lang="de").tree.find("p").text == "\u201eJa\u201c"
    assert read('"Oui"\n', lang="fr-CA").tree.find("p").text == "\u00ab\u202fOui\u202f\u00bb"


def test_code_is_never_made_typographic():
    out = html('`a -- b "c"`\n\n```\nx -- y "z"...\n```\n')
    assert 'a -- b "c"' in out.replace("&quot;", '"') and 'x -- y "z"...' in out.replace("&quot;", '"')


def test_money_is_not_math_but_math_is():
    out = html("It cost $5 and $10. Energy is $E = mc^2$.\n\n$$\n\\int x\n$$\n")
    assert "It cost $5 and $10." in out
    assert '<span class="arithmatex">\\(E = mc^2\\)</span>' in out
    assert '<div class="arithmatex">\\[\n\\int x\n\\]</div>' in out


def test_notes_are_read_in_the_model_conventions():
    tree = read("Text.[^a] Again.[^a] Inline.^[An inline note.]\n\n[^a]: The note.\n").tree
    calls = [a.get("href") for a in tree.find_class("footnote-ref")]
    assert calls == ["#fn:a", "#fn:a", "#fn:inline-2"]
    assert [a.text for a in tree.find_class("footnote-ref")] == ["1", "1", "2"]
    assert [sup.get("id") for sup in tree.iter("sup")] == ["fnref:a", "fnref:a:1", "fnref:inline-2"]
    notes = tree.find_class("footnote")[0]
    assert [li.get("id") for li in notes.iter("li")] == ["fn:a", "fn:inline-2"]
    assert "An inline note." in "".join(notes.itertext())


def test_gfm_tables_strikethrough_autolinks_alerts_and_definitions():
    out = html(
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~gone~~ www.example.org\n\n"
        "> [!WARNING]\n> Mind the gap.\n\nTerm\n: Its definition.\n",
        lang="de",
    )
    assert "<table>" in out and "<s>gone</s>" in out
    assert '<a href="http://www.example.org">www.example.org</a>' in out
    assert '<div class="admonition warning">' in out and '<p class="admonition-title">Warnung</p>' in out
    assert "<dt>Term</dt>" in out and "<dd>Its definition.</dd>" in out


def test_sub_and_superscript_the_pandoc_way():
    assert "H<sub>2</sub>O and 2<sup>10</sup>" in html("H~2~O and 2^10^\n")


@pytest.mark.parametrize(
    "text, caption_kind, figure_id",
    [
        ("![A map](map.png){#fig-map}\n", "Figure", "fig-map"),
        ("![A map](map.png)\n\n/// figure-caption | #fig-a\nThe *map*.\n///\n", "Figure", "fig-a"),
        ("| a |\n|---|\n| 1 |\n\nTable: The numbers.\n", "Table", None),
        ("| a |\n|---|\n| 1 |\n\n/// table-caption\nThe numbers.\n///\n", "Table", None),
    ],
)
def test_captions_the_pandoc_quarto_and_pressroom_ways(text, caption_kind, figure_id):
    tree = read(text).tree
    figure = tree.find("figure")
    assert figure is not None and figure.get("id") == figure_id
    assert figure.find(".//span[@class='caption-prefix']").text.startswith(caption_kind)
    assert "Table:" not in "".join(tree.itertext())


def test_an_unclosed_fence_is_a_warning_where_it_opens():
    reading = read("Text.\n\n```python\nx = 1\n\nMore text.\n")
    assert reading.warnings == [
        (
            "the code block opened here with ``` is never closed; it runs to the end of its container",
            3,
            "close it with a line ```",
        )
    ]
    assert read("```\nx\n```\n").warnings == []
    assert read("> ```\n> x\n> ```\n").warnings == []


def test_a_file_may_choose_the_python_markdown_dialect():
    reading = reader_for("python-markdown").read('!!! note "Careful"\n    Body.\n')
    assert reading.tree.find_class("admonition")[0].find("p").text == "Careful"


def _read_publication(project, slug):
    from pipeline import sources
    from pipeline.document import read_publication

    diags = Diagnostics(root=project)
    loaded = sources.load(project / "source" / slug, diags)
    pub = read_publication(loaded, project, diags) if loaded else None
    return pub, [str(d) for d in diags.items]


def test_each_file_may_name_its_dialect_and_both_read_into_the_same_model(tmp_path):
    from conftest import make_project

    project = make_project(
        tmp_path,
        {
            "source/b/publication.yaml": "title: Two Dialects\ncontents: [one.md, two.md]\n",
            "source/b/one.md": "# One\n\n> [!NOTE]\n> GitHub's way.\n",
            "source/b/two.md": "---\nmarkdown: python-markdown\n---\n\n# Two\n\n!!! note\n    MkDocs' way.\n",
        },
    )
    pub, messages = _read_publication(project, "b")
    assert messages == []
    titles = [[p.text for p in c.body.find_class("admonition-title")] for c in pub.chapters]
    assert titles == [["Note"], ["Note"]]


def test_an_unknown_dialect_is_an_error_at_its_line(tmp_path):
    from conftest import make_project

    project = make_project(tmp_path, {"source/a/a.md": "---\ntitle: A\nmarkdown: gfm\n---\n\nText.\n"})
    _, messages = _read_publication(project, "a")
    assert messages[0].startswith("source/a/a.md:3: error: 'markdown' must be commonmark or python-markdown, not 'gfm'")


def test_fenced_divs_pair_openers_and_closers_once_for_the_whole_file():
    # An opener left open stays text; the div inside it still closes; a fence's ::: is code.
    tree = read("::: a\n::: b\nX\n\n```\n:::\n```\n:::\n\n" + "::: c\n" * 50 + "::: d\nY\n:::\n").tree
    divs = list(tree.iter("div"))
    assert [d.get("class") for d in divs if d.get("class") in ("a", "b", "c", "d")] == ["b", "d"]
    assert tree.find(".//div[@class='b']//code").text == ":::\n"
    assert sum(p.text.count("::: c") for p in tree.iter("p") if p.text) == 50


def test_a_ruby_without_its_annotation_keeps_its_text_and_is_reported():
    text = 'Word <ruby class="fr">h</ruby> and <ruby>漢<rt>kan</rt></ruby>.\n'
    reading = read(text)
    chapter = Chapter("c", Path("book/chapter.md"), reading.tree)
    diags = Diagnostics()
    content_model.content_model(chapter, text, diags)
    out = etree.tostring(chapter.body, encoding="unicode")
    assert "Word h and <ruby>漢<rt>kan</rt></ruby>." in out
    assert [str(d) for d in diags.items] == [
        "book/chapter.md:1: warning: <ruby> has no <rt> annotation; its content "
        "was kept without it (give the reading in <rt>...</rt>)"
    ]


def test_the_same_problem_at_the_same_place_is_said_once():
    diags = Diagnostics()
    for _ in range(2):
        diags.warning("broken link 'x.html'", "a.md", 3)
    diags.warning("broken link 'x.html'", "a.md", 4)
    assert [str(d) for d in diags.items] == [
        "a.md:3: warning: broken link 'x.html'",
        "a.md:4: warning: broken link 'x.html'",
    ]


def test_html_elements_names_only_elements_that_are_not_html(tmp_path):
    from conftest import make_project

    project = make_project(
        tmp_path,
        {"source/a/a.md": "---\ntitle: A\nhtml-elements:\n  div: {as: figure}\n  Listing: {as: table}\n---\n\nText.\n"},
    )
    _, messages = _read_publication(project, "a")
    assert messages[0].startswith("source/a/a.md:3: error: 'div' in 'html-elements' is an HTML element")
    assert messages[1].startswith(
        "source/a/a.md:3: error: 'html-elements: Listing: as' must be one of figure, div, span, aside, not 'table'"
    )


def test_a_formula_never_reaches_across_a_code_span():
    text = (
        "this directory will be *$HOME/.cargo/bin*. Ensure that\n"
        "it is in your `$PATH` to run them, and $x^2$ is math.\n"
    )
    out = html(text)
    assert "<em>$HOME/.cargo/bin</em>" in out and "<code>$PATH</code>" in out
    assert out.count("arithmatex") == 1 and "\\(x^2\\)" in out
