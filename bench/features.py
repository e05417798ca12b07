"""Where the print edition's time goes: one print build with one feature switched off.

    .venv/bin/python bench/features.py PROJECT FEATURE [--profile FILE]
    .venv/bin/python bench/run.py --features     (the table, for the 500-page book)

FEATURE is one of FEATURES (or "none": everything on). The switch is made
from here only, never by an option of the product: a stylesheet of the
publication's own (print.css in its folder, which Pressroom layers last)
or a patch of the function that does the work, set before the build. Then
pipeline.build makes the print edition in this process (--jobs 1, no
cache), so that the patches hold. Each run is a fresh process: bench/run.py
measures its wall time and peak memory, and a feature's cost is the time
with it on minus the time with it off. --profile writes a cProfile of the
build to FILE; bench/run.py groups its entries (``profile_table``).
"""

from __future__ import annotations

import argparse
import contextlib
import pstats
import sys
from pathlib import Path

# feature -> CSS of the publication's own print.css that switches it off (None: a patch, below)
FEATURES: dict[str, str | None] = {
    # The notes set where they are called, in the text, instead of floated to the page's foot.
    "page-foot notes": ".footnote-body { float: none; }\n",
    "tagging (PDF/UA structure tree)": None,
    "hyphenation": "* { hyphens: manual !important; }\n",
    "page numbers in the contents": "nav.toc a::after { content: none; }\n",
    "running heads": (
        "@page chapter:left, chapter:right, first-chapter:left, first-chapter:right, :left, :right"
        " { @top-center { content: none; } }\n"
        "* { string-set: none !important; }\n"
    ),
    "notes page loop": None,
    # Not one of the issue's: the code book's cost (the spans Pygments makes, one per token).
    "code highlighting": None,
}


def _untagged() -> None:
    """PDF/UA-1 asks WeasyPrint for the structure tree: the variant is kept, the tree is not made."""
    from weasyprint import pdf
    from weasyprint.document import Document

    for name, (function, properties) in list(pdf.VARIANTS.items()):
        pdf.VARIANTS[name] = (function, {**properties, "pdf_tags": False})
    write_pdf = Document.write_pdf

    def untagged(self, *args, **kwargs):
        kwargs["pdf_tags"] = False
        return write_pdf(self, *args, **kwargs)

    Document.write_pdf = untagged  # type: ignore[method-assign]


def _no_page_loop() -> None:
    """Notes are laid out by WeasyPrint alone: no page is checked and made again."""
    from pipeline.pdf import notes
    from pipeline.pdf.engine import pageloop

    notes.notes_kept = lambda pushed, on_page=None: contextlib.nullcontext(pageloop.Runs())


def _no_highlighting() -> None:
    """Code is set as plain text, as for a language Pygments does not know."""
    from pygments.util import ClassNotFound

    from pipeline.readers import render

    def unknown(*args, **kwargs):
        raise ClassNotFound("switched off by the bench")

    render.get_lexer_by_name = unknown


PATCHES = {
    "tagging (PDF/UA structure tree)": _untagged,
    "notes page loop": _no_page_loop,
    "code highlighting": _no_highlighting,
}


def switch_off(feature: str, project: Path) -> None:
    if feature == "none":
        return
    css = FEATURES[feature]
    if css is None:
        PATCHES[feature]()
        return
    for publication in (project / "source").iterdir():
        own = publication / "print.css"
        before = own.read_text(encoding="utf-8") if own.exists() else ""
        own.write_text(before + "\n" + css, encoding="utf-8")


def build(project: Path, feature: str, profile: Path | None) -> None:
    switch_off(feature, project)
    import shutil

    import pipeline

    # A cold layout: chapters laid out before would be taken from the cache.
    shutil.rmtree(project / ".cache", ignore_errors=True)

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    pipeline.build(
        project, formats=("pdf",), out_dir=project / "dist", jobs=1, use_cache=False, memory_limit=None, timeout=None
    )
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)


DRAWING = (
    "/weasyprint/pdf/",
    "/weasyprint/draw",
    "/weasyprint/images.py",
    "/weasyprint/stacking.py",
    "/pydyf/",
    "/fontTools/",
)


def group(filename: str, function: str = "") -> str:
    """Whose code a profile entry is: WeasyPrint's layout, its drawing and PDF writing, ours, or other."""
    name = filename.replace("\\", "/")
    if any(part in name for part in DRAWING) or (
        name.endswith("/weasyprint/document.py") and function in ("write_pdf", "paint")
    ):
        return "WeasyPrint drawing/PDF writing"
    if "/weasyprint/" in name or "/tinycss2/" in name or "/pyphen/" in name or "/tinyhtml5/" in name:
        return "WeasyPrint layout"
    if "/pipeline/" in name:
        return "Pressroom's own code"
    return "other"


def _own_by_group(entries: dict) -> dict[str, float]:
    """Own time by group. The time of a function of no group (a built-in such as a Pango call
    through cffi, cffi's wrappers, lxml, re) goes to its callers' groups, in proportion to the
    time each call spent in it; what the import machinery runs stays "other"."""
    memo: dict = {}

    def shares_of(func, seen: frozenset) -> dict[str, float]:
        if func in memo:
            return memo[func]
        filename, _, function = func
        name = group(filename, function)
        callers = entries[func][4] if func in entries else {}
        if name != "other" or "<frozen" in filename or not callers or func in seen:
            return {name: 1.0}
        spent = sum(edge[2] or edge[3] for edge in callers.values()) or 1.0
        out: dict[str, float] = {}
        for caller, edge in callers.items():
            for key, part in shares_of(caller, seen | {func}).items():
                out[key] = out.get(key, 0.0) + part * (edge[2] or edge[3]) / spent
        memo[func] = out
        return out

    totals: dict[str, float] = {}
    for func, (_, _, own, _, _) in entries.items():
        for key, part in shares_of(func, frozenset()).items():
            totals[key] = totals.get(key, 0.0) + own * part
    return totals


def profile_table(path: Path, top: int = 15) -> list[str]:
    """The top entries by cumulative time under their groups (less the calls that only
    pass on the time of the one above them), then each group's share of the build's own time."""
    stats = pstats.Stats(str(path))
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(ct for _, _, _, ct, _ in entries.values())
    picked: dict[str, list[str]] = {}
    shown, last = 0, total
    for (filename, line, function), (_, _, own, cumulative, _) in sorted(entries.items(), key=lambda kv: -kv[1][3]):
        if filename == "~" or "<frozen" in filename or function.startswith("<") or cumulative > 0.9 * total:
            continue  # built-ins, imports and the calls that carry the whole build say nothing of where it goes
        if last - cumulative < 0.02 * total:
            continue  # a call that passes on the time of the one above it (layout_document, make_page, ...)
        last = cumulative
        short = "/".join(Path(filename).parts[-2:])
        picked.setdefault(group(filename, function), []).append(
            f"  {cumulative:8.2f} s {100 * cumulative / total:4.0f}%  own {own:6.2f} s  {short}:{line}({function})"
        )
        shown += 1
        if shown == top:
            break
    lines = [f"the build: {total:.2f} s under the profiler"]
    for name in ("WeasyPrint layout", "WeasyPrint drawing/PDF writing", "Pressroom's own code", "other"):
        if name in picked:
            lines += [name, *picked[name]]
    shares = _own_by_group(entries)
    lines.append(
        "own time by group: "
        + ", ".join(
            f"{name} {seconds:.1f} s ({100 * seconds / total:.0f}%)"
            for name, seconds in sorted(shares.items(), key=lambda kv: -kv[1])
        )
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("feature", choices=["none", *FEATURES])
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    build(args.project.resolve(), args.feature, args.profile)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
