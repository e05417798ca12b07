"""The ``pressroom`` command: a thin layer over the library API.

Each subcommand is one function taking the parsed arguments and returning
an exit status; problems are printed as located diagnostics, never as a
traceback.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import threading
import traceback
from pathlib import Path

from .version import __version__
from .run import EDITIONS, build
from .run.task import DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIMEOUT_SECONDS
from .run.worker import GC_THRESHOLDS
from .errors import BuildError, Exit


def _stderr(text: str, colour: str | None = None) -> None:
    if colour and not os.environ.get("NO_COLOR") and sys.stderr.isatty():
        text = f"\033[{colour}m{text}\033[0m"
    sys.stderr.write(text + "\n")


def _report(diagnostics) -> None:
    for d in diagnostics:
        _stderr(str(d), "31" if d.severity == "error" else "33")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MiB"


def _table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


# --- build -------------------------------------------------------------------

def cmd_build(args) -> int:
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    progress = None if args.quiet else (lambda msg: _stderr(f"pressroom: {msg}"))
    try:
        result = build(args.project, args.publications, formats, args.output, args.strict, progress,
                       jobs=args.jobs, executor=args.executor, scheduler=args.scheduler,
                       use_cache=not args.no_cache, memory_limit=args.memory_limit, timeout=args.timeout)
    except BuildError as exc:
        if exc.result is None:  # nothing was attempted
            _report(exc.diagnostics)
            errors = sum(d.severity == "error" for d in exc.diagnostics)
            _stderr(f"pressroom: build failed with {errors} error{'s' * (errors != 1)}; "
                    "nothing in the output folder was changed", "31")
            return exc.exit_code
        result = exc.result
    failures = {id(d) for f in result.failed.values() for d in f.diagnostics}
    _report([d for d in result.diagnostics if id(d) not in failures])
    checks = {}
    if args.check and result.outputs:
        from .checks import check_outputs
        out = Path(args.output) if args.output else Path(args.project) / "dist"
        for c in check_outputs(out, Path(args.project).resolve(), [o.publication for o in result.outputs], progress):
            checks.setdefault(c.path.name, []).append(c)
    if not args.quiet and result.outputs:
        rows = [["edition", "file", "size", "pages", "checks"]]
        for o in result.outputs:
            done = checks.get(o.path.name)
            status = (", ".join(f"{c.name} {'passed' if c.passed else 'not run' if c.passed is None else 'FAILED'}"
                                for c in done) if done else "run 'pressroom check'")
            rows.append([o.edition, o.path.name, _size(o.size), str(o.pages or ""), status])
        _table(rows)
    failed = [c for cs in checks.values() for c in cs if c.passed is False]
    for c in failed:
        _stderr(f"{c.path.name}: {c.name} failed: " + "; ".join(c.details[:5]), "31")
    if result.failed:
        _report_failures(result, args.verbose)
        return result.exit_code
    return Exit.CHECK if failed else Exit.OK


def _report_failures(result, verbose: bool) -> None:
    """Each failed publication with all its diagnostics, then one line that
    says what the output folder holds now."""
    errors = 0
    for slug, failure in result.failed.items():
        n = sum(d.severity == "error" for d in failure.diagnostics)
        errors += n
        _stderr(f"pressroom: {slug} failed with {n} error{'s' * (n != 1)}; "
                "its editions in the output folder were left as they were", "31")
        _report(failure.diagnostics)
        if verbose and failure.details:
            sys.stderr.write(failure.details)
    built = len({o.publication for o in result.outputs})
    if not built:
        changed = (f"only the editions of {', '.join(result.completed)} that a stopped build left half in place "
                   "were completed" if result.completed else "nothing")
        _stderr(f"pressroom: build failed with {errors} error{'s' * (errors != 1)}; "
                f"{changed} in the output folder was changed", "31")
        return
    n, kept = len(result.failed), len(result.up_to_date)
    _stderr(f"pressroom: {n} of {n + built + kept} publications failed with {errors} error{'s' * (errors != 1)} "
            f"and were left as they were; {built} {'was' if built == 1 else 'were'} built"
            + (f", {kept} {'was' if kept == 1 else 'were'} up to date" if kept else ""), "31")


# --- check -------------------------------------------------------------------

def cmd_check(args) -> int:
    from .checks import check_outputs

    project = Path(args.project).resolve()
    out = Path(args.output).resolve() if args.output else project / "dist"
    say = None if args.quiet else (lambda msg: _stderr(f"pressroom: {msg}"))
    results = check_outputs(out, project, args.publications or None, say)
    if not results:
        _stderr(f"pressroom: nothing to check in {out}; run 'pressroom build' first", "31")
        return Exit.USAGE
    rows = [["file", "check", "result", "details"]]
    for c in results:
        verdict = "passed" if c.passed else "not run" if c.passed is None else "FAILED"
        rows.append([c.path.name, c.name, verdict, f"{len(c.details)} messages" if c.details else ""])
    _table(rows)
    for c in results:
        for line in c.details[:20] if c.passed is not True else []:
            _stderr(f"{c.path.name}: {c.name}: {line}", "31" if c.passed is False else "33")
    if any(c.passed is False for c in results):
        return Exit.CHECK
    if any(c.passed is None for c in results):
        return Exit.ENVIRONMENT
    return Exit.OK


# --- new, clean, watch -------------------------------------------------------

def _list_made(paths, folder: Path) -> None:
    for path in paths:
        print(f"  {os.path.relpath(path, folder)}{'/' if path.is_dir() else ''}")


def _start_project(make, folder: Path, kind: str, what: str, next_step: str) -> int:
    """Run ``pressroom new`` or ``init`` and list what was made."""
    try:
        made = make(folder, kind)
    except BuildError as exc:
        _report(exc.diagnostics)
        return exc.exit_code
    print(f"made {what} a project with a first {kind} in source/{made[0].name}/:")
    _list_made(made, folder)
    print(f"next: {next_step}pressroom serve   (or 'pressroom build'; README.md says more)")
    return Exit.OK


def cmd_new(args) -> int:
    from .scaffold import new_project

    return _start_project(new_project, Path(args.path), args.kind, args.path, f"cd {shlex.quote(args.path)} && ")


def cmd_init(args) -> int:
    from .scaffold import init

    return _start_project(init, Path(args.project), args.kind, "this folder", "")


def cmd_add(args) -> int:
    from .scaffold import add

    try:
        folder = add(Path(args.project).resolve(), args.folder, args.kind)
    except BuildError as exc:
        _report(exc.diagnostics)
        return exc.exit_code
    print(f"made {args.kind} {folder}; build it with: pressroom build {folder.name}")
    return Exit.OK


def cmd_styles(args) -> int:
    from . import styles
    from .scaffold import copy_styles

    project = Path(args.project).resolve()
    if args.files or args.all:
        try:
            copied = copy_styles(project, args.files or [""])
        except BuildError as exc:
            _report(exc.diagnostics)
            return exc.exit_code
        print("copied into styles/, where they replace the house's:")
        _list_made(copied, project)
        return Exit.OK
    in_use = styles.files(project)
    print(f"the house styles ({styles.house()}); the project's styles/ replaces any of them:")
    rows = [["file", "in use"]]
    for rel, shipped in styles.house_files().items():
        rows.append([rel, "the house's" if in_use[rel] == shipped else "the project's"])
    _table(rows)
    return Exit.OK


def cmd_clean(args) -> int:
    from .output_folder import left_over, unusable

    out = Path(args.output) if args.output else Path(args.project) / "dist"
    problem = unusable(out.resolve(), Path(args.project).resolve())
    if problem is not None and out.exists():  # never the sources, the styles or the project itself
        _stderr(f"{out}: error: {problem.message} ({problem.hint}); nothing was removed", "31")
        return problem.exit_code
    removed = 0
    for path in sorted(out.iterdir()) if out.is_dir() else []:
        if path.name != ".gitkeep" and path.is_file():
            path.unlink()
            removed += 1
    for staging, _placing, running in left_over(out):
        if not running:  # left by a killed build; a running build's is its own
            shutil.rmtree(staging)
    if not args.quiet:
        print(f"removed {removed} file{'s' * (removed != 1)} from {out}")
    return Exit.OK


def cmd_watch(args) -> int:
    from .watch import watch

    project = Path(args.project).resolve()

    def rebuild(names):
        _stderr(f"pressroom: rebuilding {', '.join(names) if names else 'everything'}")
        args.publications = names or []
        cmd_build(args)

    cmd_build(args)
    _stderr("pressroom: watching source/ and styles/; press Ctrl-C to stop")
    try:
        watch(project, rebuild, threading.Event(), args.interval)
    except KeyboardInterrupt:
        pass
    return Exit.OK


def cmd_serve(args) -> int:
    from .serve import serve

    def report(error, result):
        if error is not None and error.result is None:
            _report(error.diagnostics)
        elif error is not None:
            _report_failures(error.result, args.verbose)
        elif not args.quiet:
            _report(result.diagnostics)

    try:
        status = serve(Path(args.project), args.publications, args.output, args.host, args.port,
                       say=(lambda msg: None) if args.quiet else (lambda msg: _stderr(f"pressroom: {msg}")),
                       warn=lambda msg: _stderr(f"pressroom: warning: {msg}", "33"), report=report)
    except BuildError as exc:
        _report(exc.diagnostics)
        return exc.exit_code
    if status == Exit.INTERRUPTED:
        _stderr("pressroom: preview stopped")
    return status


# --- verify ------------------------------------------------------------------

def cmd_verify(args) -> int:
    from .archive.verify import verify

    target = Path(args.target) if args.target else Path(args.project) / "dist"
    try:
        report = verify(target)
    except FileNotFoundError as exc:
        _stderr(f"pressroom: {exc}", "31")
        return Exit.USAGE
    for line in report.problems:
        _stderr(line, "31")
    for line in report.notes:
        _stderr(line, "33")
    if report.problems:
        n = len(report.problems)
        _stderr(f"pressroom: {target}: {n} problem{'s' * (n != 1)}; it is not as it was built", "31")
        return Exit.CHECK
    if not args.quiet:
        print(f"{target}: {report.checked} files checked, all as built")
    return Exit.OK


# --- the parser --------------------------------------------------------------

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
    p.add_argument("-f", "--format", default=formats, metavar="LIST",
                   help=f"editions to build, comma-separated (default: {formats})")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--check", action="store_true", help="run the validators on what was built")
    p.add_argument("-j", "--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                   help="publications built at once in worker processes (default: the number of cores, "
                        f"{os.cpu_count() or 1}); 1 builds in this process")
    p.add_argument("--no-cache", action="store_true",
                   help="rebuild every edition even when its sources, styles and software are unchanged")
    p.add_argument("--memory-limit", type=_positive, default=DEFAULT_MEMORY_LIMIT_MIB, metavar="MIB",
                   help="memory the build of each publication may use, in MiB "
                        f"(default: {DEFAULT_MEMORY_LIMIT_MIB})")
    p.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
                   help="time each publication may take before it is stopped and its previous editions kept "
                        f"(default: {DEFAULT_TIMEOUT_SECONDS}); 0 or 'none' for no limit")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where the work runs: local processes (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://10.0.0.5:8786")
    _common(p)


def _kind(p) -> None:
    from .scaffold import KINDS

    p.add_argument("--kind", choices=KINDS, default="article",
                   help="article (one Markdown file, the default), book (chapters with publication.yaml), "
                        "collection (articles with their own authors), mdbook (book.toml and src/SUMMARY.md) "
                        "or mkdocs (mkdocs.yml and docs/)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="pressroom", description=(
        "Turn Markdown sources into finished editions: an accessible EPUB 3 and a print-ready PDF."))
    top.add_argument("--version", action="version", version=f"pressroom {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    _build_options(sub.add_parser("build", help="build publications from source/ into dist/",
                                  description="Build every publication in source/ (or those named) into dist/."))
    p = sub.add_parser("check", help="validate what is in dist/ (EPUBCheck, Ace, PDF structure)")
    p.add_argument("publications", nargs="*", metavar="NAME", help="publication names (default: all)")
    _common(p)
    p = sub.add_parser("new", help="make a project anywhere, with a first publication that builds at once",
                       description="Make a project folder: source/ with a first publication named after the "
                                   "folder, a .gitignore for dist/ and a README on what to do next.")
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
    p = sub.add_parser("styles", help="list the house styles, or copy some into styles/ to change them",
                       description="Without names, list the house styles and which the project replaces. "
                                   "With names (print.css, fonts.css, fonts/charis, ...) copy those files into "
                                   "the project's styles/, where they replace the house's; nothing is overwritten.")
    p.add_argument("files", nargs="*", metavar="FILE", help="house files or folders to copy")
    p.add_argument("--all", action="store_true", help="copy every house file, to replace everything")
    _common(p, output=False)
    p = sub.add_parser("watch", help="rebuild when a source or style is saved")
    # While writing, the archive can wait for a real build.
    _build_options(p, formats="epub,pdf")
    p.add_argument("--interval", type=float, default=0.5,
                   help="seconds between looks where the system gives no notice of saves (default: 0.5)")
    p = sub.add_parser("serve", help="preview in a browser, rebuilt on every save",
                       description="Build the EPUB and the PDF, show them on a local web page, and rebuild "
                                   "and refresh the page each time a source or style is saved.")
    p.add_argument("publications", nargs="*", metavar="NAME", help="publication folder names (default: all)")
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default: 127.0.0.1, this computer only)")
    p.add_argument("--port", type=int, default=0, help="the port (default: 0, any free one)")
    _common(p)
    p = sub.add_parser("clean", help="remove the built editions from dist/")
    _common(p)
    p = sub.add_parser("verify", help="tell whether a bag or dist/ is as it was built",
                       description="Check a bag (folder or .bag.tar) with bagit, or an output folder "
                                   "against its SHA256SUMS; name every altered, missing or unexpected file.")
    p.add_argument("target", nargs="?", metavar="PATH",
                   help="a bag folder, a .bag.tar file or an output folder (default: PROJECT/dist)")
    _common(p, output=False)
    return top


COMMANDS = {"build": cmd_build, "check": cmd_check, "new": cmd_new, "init": cmd_init, "add": cmd_add,
            "styles": cmd_styles, "serve": cmd_serve, "watch": cmd_watch, "clean": cmd_clean, "verify": cmd_verify}


def main(argv: list[str] | None = None) -> int:
    top = parser()
    try:
        args = top.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        top.print_help()
        return Exit.OK
    try:
        return int(COMMANDS[args.command](args))
    except KeyboardInterrupt:
        _stderr("pressroom: interrupted; the publications written before were kept, "
                "nothing else in the output folder was changed")
        return Exit.INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the one place a bug meets the user
        if args.verbose:
            traceback.print_exc()
        _stderr(f"pressroom: internal error: {type(exc).__name__}: {exc}", "31")
        _stderr("pressroom: nothing in the output folder was changed by the failed step; "
                "please report this with the input that caused it (--verbose shows the details)")
        return Exit.INTERNAL


def run() -> None:
    """The console script. The collector runs less often (as in the workers);
    and once main() has returned, everything is written and closed, so the
    process ends at once instead of freeing its objects one by one (a fifth
    of a second for one article)."""
    import gc
    import signal

    gc.set_threshold(*GC_THRESHOLDS)
    # Stopped by the system or a job runner: end as after Ctrl-C, the output folder as it was.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
