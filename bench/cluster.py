"""The catalogue on a Dask cluster beside the same machine's worker processes.

    .venv/bin/python bench/cluster.py [--articles 200]

Writes that many one-page articles, builds them (EPUB + PDF, cold) with
`pressroom build --jobs 2`, then on a local cluster of a scheduler and two
single-threaded workers started as a user starts them (`dask scheduler`,
`dask worker`, each in an empty folder of its own: they share no files with
the build), with `pressroom build --executor dask`. Prints both times and
the bytes sent per publication: the inputs the build sent to the cluster
(each file once), and what the workers then passed each other.
Figures are printed, not asserted. Run from the checkout; also part of
bench/run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import BIN, environment, pressroom  # noqa: E402 - the checkout first, then its modules


def write_articles(folder: Path, count: int) -> Path:
    """A project of `count` one-page articles."""
    (folder / "source").mkdir(parents=True)
    for i in range(count):
        article = folder / "source" / f"article-{i:03d}"
        article.mkdir()
        (article / "a.md").write_text(
            f"---\ntitle: Article {i}\nlang: en\n---\n\n"
            + "\n\n".join(["Some text of an article, sentence after sentence."] * 12)
        )
    return folder


class LocalCluster:
    """`dask scheduler` and two `dask worker`s, each a process in an empty folder of its own."""

    def __init__(self, work: Path, workers: int = 2):
        self.work, self.processes = work, []
        file = work / "scheduler.json"
        self._start(
            "scheduler",
            [str(BIN / "dask"), "scheduler", "--port", "0", "--no-dashboard", "--scheduler-file", str(file)],
        )
        while not file.exists():
            time.sleep(0.1)
        self.address = json.loads(file.read_text())["address"]
        for n in range(workers):
            self._start(f"worker-{n}", [str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--no-dashboard"])
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)

    def _start(self, name: str, command: list[str]) -> None:
        folder = self.work / name
        folder.mkdir(parents=True)
        env = {**environment(), "TMPDIR": str(folder)}
        self.processes.append(
            subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )

    def passed_between_workers(self) -> int:
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            return sum(client.run(lambda dask_worker: dask_worker.transfer_outgoing_bytes_total).values())

    def close(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def sent_to_cluster(project: Path) -> int:
    """The bytes of the inputs a build sends: each distinct file once (run/inputs.py)."""
    from pipeline.run.inputs import Collector
    from pipeline.run.plan import discover

    collector, digests = Collector(project), set()
    for folder in discover(project / "source"):
        digests |= collector.inputs(folder).blobs()
    return sum(collector.paths[d].stat().st_size for d in digests)


def catalogue_on_cluster(work: Path, count: int) -> None:
    project = write_articles(work / "on-cluster", count)
    local = pressroom(project, "--no-cache", "--format", "epub,pdf", "--jobs", "2", "-o", str(work / "local"))
    cluster = LocalCluster(work / "cluster")
    try:
        remote = pressroom(
            project,
            "--no-cache",
            "--format",
            "epub,pdf",
            "--executor",
            "dask",
            "--scheduler",
            cluster.address,
            "-o",
            str(work / "remote"),
        )
        between = cluster.passed_between_workers()
    finally:
        cluster.close()
    same = (work / "local" / "SHA256SUMS").read_bytes() == (work / "remote" / "SHA256SUMS").read_bytes()
    sent = sent_to_cluster(project)
    print(f"-- {count} articles, EPUB + PDF, cold")
    print(f"   --jobs 2                        {local['wall']:7.1f} s")
    print(f"   two-worker local Dask cluster   {remote['wall']:7.1f} s   (same SHA256SUMS: {'yes' if same else 'NO'})")
    print(
        f"   bytes sent per publication:     {sent / count / 1024:7.1f} KiB of inputs to the cluster, "
        f"{between / count / 1024:.1f} KiB between workers"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="how many articles (default 200)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
    try:
        catalogue_on_cluster(work, args.articles)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    main()
