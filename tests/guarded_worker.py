"""A Dask worker for the cluster tests that cannot open, list, copy or
link anything under the folders named in PRESSROOM_TEST_UNREADABLE (the
client's project), nor run a program there: what a task reads must come
from what it was sent. Any such attempt raises, and the task fails with
it (Python's audit hooks see no stat() or readlink(): those pass).
"""

import os
import sys

_FORBIDDEN = [os.path.realpath(p) for p in os.environ.get("PRESSROOM_TEST_UNREADABLE", "").split(os.pathsep) if p]
_EVENTS = {"open", "os.listdir", "os.scandir", "os.chdir", "shutil.copyfile", "os.symlink", "os.link"}


def _guard(event: str, args: tuple) -> None:
    if event == "subprocess.Popen":  # (executable, args, cwd, env): git run in the client's folder
        args = (args[2],)
    elif event not in _EVENTS:
        return
    for arg in args[:2]:
        if isinstance(arg, (str, bytes, os.PathLike)):
            path = os.path.realpath(os.fsdecode(arg))
            if any(path == f or path.startswith(f + os.sep) for f in _FORBIDDEN):
                raise PermissionError(f"a worker tried to read the client's project: {path}")


if __name__ == "__main__":
    sys.addaudithook(_guard)
    from distributed.cli.dask_worker import main

    sys.exit(main())
