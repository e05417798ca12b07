"""Running `pressroom serve` in a subprocess for the tests: started with the
interpreter running the tests, its printed address read, always stopped."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

STARTUP = 180  # seconds: the first build typesets every publication
ADDRESS = re.compile(r"^pressroom: preview at (http://\S+) — press Ctrl-C to stop$")


class Preview:
    def __init__(self, project: Path, *args: str):
        self.project = Path(project)
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "-C", str(project), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self._read, args=(self.process.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self.err.append), daemon=True).start()
        self.url = self._address()

    @staticmethod
    def _read(stream, put) -> None:
        for line in stream:
            put(line.rstrip("\n"))
        put(None)

    def _address(self) -> str:
        while True:
            try:
                line = self.lines.get(timeout=STARTUP)
            except queue.Empty:
                self.kill()
                raise AssertionError("no address printed; stderr:\n" + "\n".join(map(str, self.err))) from None
            if line is None:
                self.process.wait(timeout=30)
                raise AssertionError(
                    f"pressroom serve ended ({self.process.returncode}) before printing "
                    "its address; stderr:\n" + "\n".join(map(str, self.err))
                )
            if match := ADDRESS.match(line):
                return match.group(1)

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    def get(self, path: str, timeout: float = 60):
        return urllib.request.urlopen(self.url.rstrip("/") + path, timeout=timeout)

    def json(self, path: str):
        with self.get(path) as response:
            return json.load(response)

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, and the exit status."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


class Events:
    """The page's event stream, read line by line in a thread of its own."""

    def __init__(self, preview: Preview):
        self.response = preview.get("/events", timeout=300)
        self.events: queue.Queue[tuple[str, dict] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif not line and data:
                    self.events.put((name, json.loads(data)))
                    name, data = "message", ""
        except (OSError, ValueError, AttributeError):  # closed by close(), from another thread
            pass
        self.events.put(None)

    def next(self, name: str, condition=lambda state: True, timeout: float = 180) -> dict:
        """The next event of this name whose state meets the condition."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                event = self.events.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise AssertionError(f"no '{name}' event within {timeout} s") from None
            if event is None:
                raise AssertionError("the event stream ended")
            if event[0] == name and condition(event[1]):
                return event[1]

    def close(self) -> None:
        self.response.close()
