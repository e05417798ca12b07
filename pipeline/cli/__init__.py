"""The ``pressroom`` command: a thin layer over the library API.

Each subcommand is one function taking the parsed arguments and returning
an exit status; problems are printed as located diagnostics, never as a
traceback. The parser is in parser.py, the commands about editions in
editions.py, those that make a project in projects.py, watch and serve in
preview.py.
"""

from __future__ import annotations

import os
import sys
import traceback

from ..errors import Exit
from .editions import GC_THRESHOLDS, cmd_build, cmd_check, cmd_clean, cmd_verify
from .parser import parser
from .preview import cmd_serve, cmd_watch
from .projects import cmd_add, cmd_init, cmd_new, cmd_styles
from .terminal import stderr

__all__ = ["COMMANDS", "main", "parser", "run"]


COMMANDS = {
    "build": cmd_build,
    "check": cmd_check,
    "new": cmd_new,
    "init": cmd_init,
    "add": cmd_add,
    "styles": cmd_styles,
    "serve": cmd_serve,
    "watch": cmd_watch,
    "clean": cmd_clean,
    "verify": cmd_verify,
}


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
        stderr(
            "pressroom: interrupted; the publications written before were kept, "
            "nothing else in the output folder was changed"
        )
        return Exit.INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the one place a bug meets the user
        if args.verbose:
            traceback.print_exc()
        stderr(f"pressroom: internal error: {type(exc).__name__}: {exc}", "31")
        stderr(
            "pressroom: nothing in the output folder was changed by the failed step; "
            "please report this with the input that caused it (--verbose shows the details)"
        )
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
