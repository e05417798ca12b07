"""``pressroom serve``: build, then serve the editions on a local address and
build again on every save, telling the open pages."""

from __future__ import annotations

import errno
import ipaddress
import socket
import sys
import threading
from pathlib import Path
from collections.abc import Callable

from ..run import select
from ..errors import BuildError, Diagnostic, Diagnostics, Exit
from ..output_folder import unusable
from .runner import Runner, nothing_attempted


def loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound here so that port 0 gives a free port we can print."""
    infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        # Listening before the address is printed: a client that is quick waits, it is not refused.
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _url(sock: socket.socket, host: str) -> str:
    address, port = sock.getsockname()[:2]
    shown = "127.0.0.1" if address in ("0.0.0.0", "") else "[::1]" if address == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def check(project: Path, names: list[str], out: Path) -> None:
    """What stops the preview before it starts: raises BuildError."""
    diags = Diagnostics(root=project)
    if (problem := unusable(out, project)) is not None:
        diags.error(problem.message, out, hint=problem.hint)
        raise BuildError(diags.items, problem.exit_code)
    select(project, names, diags)
    diags.raise_if_errors(Exit.INPUT)


def serve(
    project: Path,
    names: list[str],
    out: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    say: Callable[[str], None] = lambda message: None,
    warn: Callable[[str], None] = lambda message: None,
    report: Callable = lambda error, result: None,
    jobs: int | None = None,
    announce: Callable[[str], None] | None = None,
) -> int:
    """Run the preview until interrupted; returns the exit status. Raises
    BuildError for what stops it from starting (no publications, an unknown
    name, a port taken)."""
    import uvicorn

    from ..watch import watch
    from .app import create_app

    project = Path(project).resolve()
    out = Path(out).resolve() if out else project / "dist"
    check(project, names, out)
    if not loopback(host):
        warn(
            f"serving on {host}: anyone who can reach this computer on that address can read the "
            "publications; the default, 127.0.0.1, is this computer only"
        )
    try:
        sock = _listen(host, port)
    except (OSError, UnicodeError) as exc:
        taken = isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE
        message = (
            f"port {port} on {host} is in use by another program"
            if taken
            else f"cannot listen on {host} port {port}: {getattr(exc, 'strerror', None) or exc}"
        )
        raise BuildError(
            [Diagnostic("error", message, hint="choose another with --port, or --port 0 for any free one")], Exit.USAGE
        ) from None
    runner = Runner(project, out, list(names), jobs=jobs, say=say, report=report)
    stop = threading.Event()
    try:
        first = runner.build_now()
        if not first.ok and runner.last_error is not None and nothing_attempted(runner.last_error):
            return runner.last_error.exit_code
        bound_port = sock.getsockname()[1]
        allowed = (
            {f"127.0.0.1:{bound_port}", f"localhost:{bound_port}", f"[::1]:{bound_port}"} if loopback(host) else None
        )
        app = create_app(runner, allowed)
        watcher = threading.Thread(
            target=watch,
            args=(project, runner.request, stop),
            kwargs={"ignored": [out]},
            name="pressroom-watch",
            daemon=True,
        )
        watcher.start()
        runner.start()
        server = _Server(
            uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2),
            app.state.hub,
        )
        (announce or (lambda line: (print(line), sys.stdout.flush())))(
            f"pressroom: preview at {_url(sock, host)} — press Ctrl-C to stop"
        )
        server.run(sockets=[sock])
        # uvicorn returns (rather than raising) when it was told to stop by a signal it caught.
        return Exit.INTERRUPTED
    except KeyboardInterrupt:
        return Exit.INTERRUPTED
    finally:
        stop.set()
        runner.stop()
        sock.close()


def _Server(config, hub):
    """uvicorn's server, ending the pages' event streams as soon as it is told
    to stop (they would otherwise hold it open until its grace time is up)."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            hub.close()
            super().handle_exit(sig, frame)

    return Server(config)
