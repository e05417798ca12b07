"""The commands about editions: build, check, clean and verify."""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

# What the command takes from the build, in this one place.
from ..run import EDITIONS, build
from ..run.task import DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIMEOUT_SECONDS
from ..run.worker import GC_THRESHOLDS
from ..errors import BuildError, Exit
from .terminal import report, size, stderr, table

__all__ = [
    "EDITIONS",
    "DEFAULT_MEMORY_LIMIT_MIB",
    "DEFAULT_TIMEOUT_SECONDS",
    "GC_THRESHOLDS",
    "cmd_build",
    "cmd_check",
    "cmd_clean",
    "cmd_verify",
    "report_failures",
]


def cmd_build(args) -> int:
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    progress = None if args.quiet else (lambda msg: stderr(f"pressroom: {msg}"))
    view: contextlib.AbstractContextManager = contextlib.nullcontext()
    events = None
    if not args.quiet and sys.stderr.isatty():
        from . import bars  # rich only on a terminal, and only once the bars are shown

        if bars.wanted(sys.stderr):
            view = shown = bars.Bars()
            progress, events = shown.say, shown.event
    try:
        with view:  # the bars end before anything else is printed, Ctrl-C or not
            result = build(
                args.project,
                args.publications,
                formats,
                args.output,
                args.strict,
                progress,
                jobs=args.jobs,
                executor=args.executor,
                scheduler=args.scheduler,
                use_cache=not args.no_cache,
                memory_limit=args.memory_limit,
                timeout=args.timeout,
                events=events,
                page_list=args.page_list,
                press=press_given(args),
            )
    except BuildError as exc:
        if exc.result is None:  # nothing was attempted
            report(exc.diagnostics)
            errors = sum(d.severity == "error" for d in exc.diagnostics)
            stderr(
                f"pressroom: build failed with {errors} error{'s' * (errors != 1)}; "
                "nothing in the output folder was changed",
                "31",
            )
            return exc.exit_code
        result = exc.result
    failures = {id(d) for f in result.failed.values() for d in f.diagnostics}
    report([d for d in result.diagnostics if id(d) not in failures])
    checks = {}
    if args.check and result.outputs:
        from ..checks import check_outputs

        out = Path(args.output) if args.output else Path(args.project) / "dist"
        for c in check_outputs(out, [o.publication for o in result.outputs], progress):
            checks.setdefault(c.path.name, []).append(c)
    if not args.quiet and result.outputs:
        rows = [["edition", "file", "size", "pages", "checks"]]
        for o in result.outputs:
            done = checks.get(o.path.name)
            status = ", ".join(f"{c.name} {c.verdict}" for c in done) if done else "run 'pressroom check'"
            rows.append([o.edition, o.path.name, size(o.size), str(o.pages or ""), status])
        table(rows)
    failed = [c for cs in checks.values() for c in cs if c.passed is False]
    for c in failed:
        stderr(f"{c.path.name}: {c.name} failed: " + "; ".join(c.details[:5]), "31")
    if result.failed:
        report_failures(result, args.verbose)
        return result.exit_code
    return Exit.CHECK if failed else Exit.OK


def press_given(args) -> dict:
    """The press options given on the command line (parser.py), over the metadata's print options."""
    return {key: getattr(args, key, None) for key in ("press", "bleed", "marks", "signature")}


def report_failures(result, verbose: bool) -> None:
    """Each failed publication with all its diagnostics, then one line that
    says what the output folder holds now."""
    errors = 0
    for slug, failure in result.failed.items():
        n = sum(d.severity == "error" for d in failure.diagnostics)
        errors += n
        stderr(
            f"pressroom: {slug} failed with {n} error{'s' * (n != 1)}; "
            "its editions in the output folder were left as they were",
            "31",
        )
        report(failure.diagnostics)
        if verbose and failure.details:
            sys.stderr.write(failure.details)
    built = len({o.publication for o in result.outputs})
    if not built:
        changed = (
            f"only the editions of {', '.join(result.completed)} that a stopped build left half in place were completed"
            if result.completed
            else "nothing"
        )
        stderr(
            f"pressroom: build failed with {errors} error{'s' * (errors != 1)}; "
            f"{changed} in the output folder was changed",
            "31",
        )
        return
    n, kept = len(result.failed), len(result.up_to_date)
    stderr(
        f"pressroom: {n} of {n + built + kept} publications failed with {errors} error{'s' * (errors != 1)} "
        f"and were left as they were; {built} {'was' if built == 1 else 'were'} built"
        + (f", {kept} {'was' if kept == 1 else 'were'} up to date" if kept else ""),
        "31",
    )


def cmd_check(args) -> int:
    from ..checks import check_outputs

    project = Path(args.project).resolve()
    out = Path(args.output).resolve() if args.output else project / "dist"
    say = None if args.quiet or args.json else (lambda msg: stderr(f"pressroom: {msg}"))
    results = check_outputs(out, args.publications or None, say, strict=args.strict)
    if not results:
        stderr(f"pressroom: nothing to check in {out}; run 'pressroom build' first", "31")
        return Exit.USAGE
    if args.json:
        _print_json(results)
    else:
        rows = [["file", "check", "result", "details"]]
        for c in results:
            rows.append(
                [c.path.name, c.name, c.verdict, c.summary or (f"{len(c.details)} messages" if c.details else "")]
            )
        table(rows)
        for c in results:
            for line in c.details[:20]:
                stderr(f"{c.path.name}: {c.name}: {line}", "31" if c.passed is False else "33")
            if len(c.details) > 20:
                stderr(f"{c.path.name}: {c.name}: and {len(c.details) - 20} more (--json gives them all)", "33")
    if any(c.passed is False for c in results):
        return Exit.CHECK
    if any(c.passed is None for c in results):
        return Exit.ENVIRONMENT
    return Exit.OK


def _print_json(results) -> None:
    import json

    files: dict[str, list[dict]] = {}
    for c in results:
        entry = {"check": c.name, "result": {True: "passed", False: "failed", None: "not run"}[c.passed]}
        entry["details"] = c.details
        if c.data is not None:
            entry["measures"] = c.data
        files.setdefault(c.path.name, []).append(entry)
    print(
        json.dumps(
            {"files": [{"file": name, "checks": checks} for name, checks in files.items()]},
            indent=2,
            ensure_ascii=False,
        )
    )


def cmd_clean(args) -> int:
    from ..output_folder import left_over, unusable

    out = Path(args.output) if args.output else Path(args.project) / "dist"
    problem = unusable(out.resolve(), Path(args.project).resolve())
    if problem is not None and out.exists():  # never the sources, the styles or the project itself
        stderr(f"{out}: error: {problem.message} ({problem.hint}); nothing was removed", "31")
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


def cmd_verify(args) -> int:
    from ..archive.verify import verify

    target = Path(args.target) if args.target else Path(args.project) / "dist"
    try:
        found = verify(target)
    except FileNotFoundError as exc:
        stderr(f"pressroom: {exc}", "31")
        return Exit.USAGE
    for line in found.problems:
        stderr(line, "31")
    for line in found.notes:
        stderr(line, "33")
    if found.problems:
        n = len(found.problems)
        stderr(f"pressroom: {target}: {n} problem{'s' * (n != 1)}; it is not as it was built", "31")
        return Exit.CHECK
    if not args.quiet:
        print(f"{target}: {found.checked} files checked, all as built")
    return Exit.OK
