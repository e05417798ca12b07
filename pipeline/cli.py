"""The ``pressroom`` command: a thin layer over the library API."""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .build import EDITIONS, build
from .errors import BuildError, Exit


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pressroom", description=(
        "Turn Markdown sources into finished editions: an accessible EPUB 3 and a print-ready PDF."))
    parser.add_argument("--version", action="version", version=f"pressroom {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    b = sub.add_parser("build", help="build publications from source/ into dist/",
                       description="Build every publication in source/ (or those named) into dist/.")
    b.add_argument("publications", nargs="*", metavar="NAME", help="publication folder names (default: all)")
    b.add_argument("-C", "--project", default=".", metavar="DIR", help="the project folder (default: here)")
    b.add_argument("-f", "--format", default=",".join(EDITIONS), metavar="LIST",
                   help="editions to build, comma-separated (default: epub,pdf)")
    b.add_argument("-o", "--output", metavar="DIR", help="where editions go (default: PROJECT/dist)")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    b.add_argument("-v", "--verbose", action="store_true", help="say what is being done")
    return parser


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MiB"


def _paint(text: str, code: str, stream) -> str:
    if os.environ.get("NO_COLOR") or not stream.isatty():
        return text
    return f"\033[{code}m{text}\033[0m"


def _report(diagnostics, stream) -> None:
    for d in diagnostics:
        line = str(d)
        colour = "31" if d.severity == "error" else "33"
        stream.write(_paint(line, colour, stream) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return Exit.OK
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    progress = (lambda msg: sys.stderr.write(f"pressroom: {msg}\n")) if args.verbose else None
    try:
        result = build(args.project, args.publications, formats, args.output, args.strict, progress)
    except BuildError as exc:
        _report(exc.diagnostics, sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        sys.stderr.write(f"pressroom: build failed with {errors} error{'s' * (errors != 1)}; "
                         "nothing in the output folder was changed\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("pressroom: interrupted; finished editions were kept\n")
        return Exit.INTERRUPTED
    _report(result.diagnostics, sys.stderr)
    if not args.quiet:
        width = max((len(o.path.name) for o in result.outputs), default=4)
        for o in result.outputs:
            pages = f"{o.pages} pages" if o.pages else ""
            print(f"{o.edition:5} {o.path.name:{width}}  {_size(o.size):>9}  {pages}")
    return Exit.OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
