"""The commands that keep rebuilding while the writer works: watch and serve."""

from __future__ import annotations

import threading
from pathlib import Path

from ..errors import BuildError, Exit
from .editions import cmd_build, report_failures
from .terminal import report, stderr


def cmd_watch(args) -> int:
    from ..watch import watch

    project = Path(args.project).resolve()

    def rebuild(names):
        stderr(f"pressroom: rebuilding {', '.join(names) if names else 'everything'}")
        args.publications = names or []
        cmd_build(args)

    cmd_build(args)
    stderr("pressroom: watching source/ and styles/; press Ctrl-C to stop")
    try:
        watch(project, rebuild, threading.Event(), args.interval)
    except KeyboardInterrupt:
        pass
    return Exit.OK


def cmd_serve(args) -> int:
    from ..serve import serve

    def shown(error, result):
        if error is not None and error.result is None:
            report(error.diagnostics)
        elif error is not None:
            report_failures(error.result, args.verbose)
        elif not args.quiet:
            report(result.diagnostics)

    try:
        status = serve(
            Path(args.project),
            args.publications,
            args.output,
            args.host,
            args.port,
            say=(lambda msg: None) if args.quiet else (lambda msg: stderr(f"pressroom: {msg}")),
            warn=lambda msg: stderr(f"pressroom: warning: {msg}", "33"),
            report=shown,
        )
    except BuildError as exc:
        report(exc.diagnostics)
        return exc.exit_code
    if status == Exit.INTERRUPTED:
        stderr("pressroom: preview stopped")
    return status
