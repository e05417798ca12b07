"""The command line: every subcommand and its options."""

from __future__ import annotations

import argparse
import os

from ..version import __version__
from .editions import DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIMEOUT_SECONDS, EDITIONS


def _common(p, output=True) -> None:
    p.add_argument("-C", "--project", default=".", metavar="DIR", help="the project folder (default: here)")
    if output:
        p.add_argument("-o", "--output", metavar="DIR", help="the output folder (default: PROJECT/dist)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("-v", "--verbose", action="store_true", help="on an internal error, show its traceback")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return value


def _seconds(text: str) -> float | None:
    """A time limit: seconds, or 0 / none for no limit."""
    if text.strip().lower() in ("none", "0"):
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value == 0:
        return None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds (or 0 or 'none' for no limit)")
    return value


def _build_options(p, formats: str = ",".join(EDITIONS)) -> None:
    p.add_argument("publications", nargs="*", metavar="NAME", help="publication folder names (default: all)")
    p.add_argument(
        "-f",
        "--format",
        default=formats,
        metavar="LIST",
        help=f"editions to build, comma-separated (default: {formats}); also cover, the print cover",
    )
    p.add_argument(
        "--page-list",
        action="store_true",
        help="give an EPUB built without the print edition (-f epub) the print pages' page-list even when "
        "no print layout of its sources is cached: the print edition is typeset for it, not written",
    )
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--check", action="store_true", help="run the validators on what was built")
    p.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="publications built at once in worker processes (default: the number of cores, "
        f"{os.cpu_count() or 1}); 1 builds in this process",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="rebuild every edition even when its sources, styles and software are unchanged",
    )
    p.add_argument(
        "--memory-limit",
        type=_positive,
        default=DEFAULT_MEMORY_LIMIT_MIB,
        metavar="MIB",
        help=f"memory the build of each publication may use, in MiB (default: {DEFAULT_MEMORY_LIMIT_MIB})",
    )
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="time each publication may take before it is stopped and its previous editions kept "
        f"(default: {DEFAULT_TIMEOUT_SECONDS}); 0 or 'none' for no limit",
    )
    p.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where the work runs: local processes (default) or a Dask cluster, whose workers need "
        "Pressroom installed and nothing of the project (each task carries its files)",
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://10.0.0.5:8786")
    _common(p)


# --- press options the print edition for a press or a print-on-demand service
def _bleed(text: str) -> str:
    from ..pagesize import parse_bleed

    try:
        parse_bleed(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(f"{problem}; give a length with its unit, e.g. 3mm or 0.125in") from None
    return text


def _press_options(p) -> None:
    from ..pagesize import SIGNATURES

    p.add_argument(
        "--press", action="store_true", default=None, help="make the print edition a PDF/X-4 file for the press"
    )
    p.add_argument(
        "--bleed",
        nargs="?",
        const="3mm",
        type=_bleed,
        metavar="LENGTH",
        help="bleed beyond the trim on every side (default length: 3mm), without crop marks unless --marks",
    )
    p.add_argument(
        "--marks",
        action=argparse.BooleanOptionalAction,
        help="crop marks outside the bleed (--no-marks: none, whatever the metadata says)",
    )
    p.add_argument(
        "--signature",
        type=int,
        choices=SIGNATURES,
        metavar="N",
        help="pad the print edition with blank pages to a multiple of N pages (4, 8 or 16)",
    )


def _kind(p) -> None:
    from ..scaffold.starters import KINDS

    p.add_argument(
        "--kind",
        choices=KINDS,
        default="article",
        help="article (one Markdown file, the default), book (chapters with publication.yaml), "
        "collection (articles with their own authors), mdbook (book.toml and src/SUMMARY.md) "
        "or mkdocs (mkdocs.yml and docs/)",
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="pressroom",
        description=("Turn Markdown sources into finished editions: an accessible EPUB 3 and a print-ready PDF."),
    )
    top.add_argument("--version", action="version", version=f"pressroom {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    _build_options(
        sub.add_parser(
            "build",
            help="build publications from source/ into dist/",
            description="Build every publication in source/ (or those named) into dist/.",
        )
    )
    p = sub.add_parser("check", help="validate what is in dist/ (EPUBCheck, Ace, PDF structure, preflight)")
    p.add_argument("publications", nargs="*", metavar="NAME", help="publication names (default: all)")
    # The typographic preflight's options.
    p.add_argument("--strict", action="store_true", help="fail on each fault the typographic preflight finds")
    p.add_argument("--json", action="store_true", help="print the results and the preflight's measures as JSON")
    _common(p)
    p = sub.add_parser(
        "new",
        help="make a project anywhere, with a first publication that builds at once",
        description="Make a project folder: source/ with a first publication named after the "
        "folder, a .gitignore for dist/ and a README on what to do next.",
    )
    p.add_argument("path", metavar="PATH", help="the project's folder, made if needed (it must be empty)")
    _kind(p)
    _common(p, output=False)
    p = sub.add_parser("init", help="make this folder (or -C DIR) a project, keeping what it holds")
    _kind(p)
    _common(p, output=False)
    p = sub.add_parser("add", help="add a publication to the project, under source/")
    p.add_argument("folder", metavar="NAME", help="its folder's name, made under source/")
    _kind(p)
    _common(p, output=False)
    p = sub.add_parser(
        "styles",
        help="list the house styles, or copy some into styles/ to change them",
        description="Without names, list the house styles and which the project replaces. "
        "With names (print.css, fonts.css, fonts/charis, ...) copy those files into "
        "the project's styles/, where they replace the house's; nothing is overwritten.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="house files or folders to copy")
    p.add_argument("--all", action="store_true", help="copy every house file, to replace everything")
    _common(p, output=False)
    p = sub.add_parser("watch", help="rebuild when a source or style is saved")
    # While writing, the archive can wait for a real build.
    _build_options(p, formats="epub,pdf")
    p.add_argument(
        "--interval",
        type=float,
        default=0.5,
        help="seconds between looks where the system gives no notice of saves (default: 0.5)",
    )
    p = sub.add_parser(
        "serve",
        help="preview in a browser, rebuilt on every save",
        description="Build the EPUB and the PDF, show them on a local web page, and rebuild "
        "and refresh the page each time a source or style is saved.",
    )
    p.add_argument("publications", nargs="*", metavar="NAME", help="publication folder names (default: all)")
    p.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1, this computer only)"
    )
    p.add_argument("--port", type=int, default=0, help="the port (default: 0, any free one)")
    _common(p)
    p = sub.add_parser("clean", help="remove the built editions from dist/")
    _common(p)
    p = sub.add_parser(
        "verify",
        help="tell whether a bag or dist/ is as it was built",
        description="Check a bag (folder or .bag.tar) with bagit, or an output folder "
        "against its SHA256SUMS; name every altered, missing or unexpected file.",
    )
    p.add_argument(
        "target",
        nargs="?",
        metavar="PATH",
        help="a bag folder, a .bag.tar file or an output folder (default: PROJECT/dist)",
    )
    _common(p, output=False)
    _press_options(sub.choices["build"])
    return top
