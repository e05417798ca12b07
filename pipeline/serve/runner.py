"""The preview's builds: the first one, then one after each burst of saves.

One build at a time, in a thread of its own; saves made during a build are
gathered and cause one more build after it. Each finished build is a new
State, handed to whoever listens (the pages, over Server-Sent Events).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from ..run import build, discover
from ..errors import BuildError, Diagnostic, Exit

FORMATS = ("epub", "pdf")  # the archive can wait for a real build


@dataclass(frozen=True)
class State:
    generation: int = 0  # 0: nothing built yet
    building: bool = False
    ok: bool = True
    built: tuple[str, ...] = ()  # publications written by this build (not those up to date)
    diagnostics: tuple[Diagnostic, ...] = ()  # of a failed build: all of them; of a good one: its warnings

    def as_dict(self) -> dict:
        return {
            "generation": self.generation,
            "building": self.building,
            "ok": self.ok,
            "built": list(self.built),
            "diagnostics": [_as_dict(d) for d in self.diagnostics],
        }


def _as_dict(d: Diagnostic) -> dict:
    loc = d.location
    where = str(loc) if loc else ""
    return {
        "severity": d.severity,
        "message": d.message,
        "hint": d.hint or "",
        "file": loc.path if loc else "",
        "line": loc.line if loc else None,
        "where": where,
    }


@dataclass
class Runner:
    project: Path
    out: Path
    names: list[str] = field(default_factory=list)  # the publications previewed; none: all
    jobs: int | None = None
    say: Callable[[str], None] = lambda message: None
    report: Callable[[BuildError | None, object], None] = lambda error, result: None
    listeners: list[Callable[[State], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.state = State()
        self.last_error: BuildError | None = None  # of the last build, if it failed
        self._pending: set[str] | None = set()
        self._wanted = False
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def publications(self) -> list[str]:
        """What may be shown: the names asked for, or every publication in source/ now."""
        return list(self.names) or [p.name for p in discover(self.project / "source")]

    def build_now(self, names: list[str] | None = None) -> State:
        """Build (in the calling thread) and publish the new state."""
        self._publish(State(self.state.generation, True, self.state.ok, (), self.state.diagnostics))
        # Only publications still there and previewed: a folder removed is not an error to show.
        chosen = self.names if names is None else [n for n in names if n in self.publications()]
        if names is not None and not chosen:
            state = State(self.state.generation, False, self.state.ok, (), self.state.diagnostics)
            self._publish(state)
            return state
        try:
            result = build(
                self.project, chosen or None, FORMATS, self.out, progress=self.say, jobs=self.jobs, use_cache=True
            )
        except BuildError as exc:
            self.last_error = exc
            self.report(exc, exc.result)
            if exc.result is None:
                diagnostics = exc.diagnostics
            else:
                diagnostics = [d for f in exc.result.failed.values() for d in f.diagnostics]
            built = tuple(sorted({o.publication for o in exc.result.outputs})) if exc.result else ()
            state = State(self.state.generation + 1, False, False, built, tuple(diagnostics))
        else:
            self.last_error = None
            self.report(None, result)
            warnings = [d for d in result.diagnostics if d.severity == "warning"]
            state = State(
                self.state.generation + 1,
                False,
                True,
                tuple(sorted({o.publication for o in result.outputs})),
                tuple(warnings),
            )
        self._publish(state)
        return state

    def _publish(self, state: State) -> None:
        self.state = state
        for listener in list(self.listeners):
            listener(state)

    # --- builds after saves, in the background --------------------------------

    def request(self, names: list[str] | None) -> None:
        """Ask for a build of these publications (None: all) as soon as the current one is done."""
        with self._wake:
            if names is None or self._pending is None:
                self._pending = None
            else:
                self._pending.update(names)
            self._wanted = True
            self._wake.notify()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="pressroom-builds", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._wake:
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._wanted and not self._stop.is_set():
                    self._wake.wait()
                if self._stop.is_set():
                    return
                names, self._pending, self._wanted = self._pending, set(), False
            self.say(f"rebuilding {', '.join(sorted(names)) if names else 'everything'}")
            try:
                self.build_now(sorted(names) if names is not None else None)
            except Exception as exc:  # noqa: BLE001 - a bug must not end the preview: say it, keep serving
                self.say(f"internal error: {type(exc).__name__}: {exc}")
                state = self.state
                self._publish(
                    State(
                        state.generation + 1,
                        False,
                        False,
                        (),
                        (
                            Diagnostic(
                                "error",
                                f"internal error: {type(exc).__name__}: {exc}",
                                hint="please report this with the input that caused it",
                            ),
                        ),
                    )
                )


def nothing_attempted(exc: BuildError) -> bool:
    """A first build that failed before any publication was read for a reason
    the page cannot help with (the output folder, the command line)."""
    return exc.result is None and exc.exit_code != Exit.INPUT
