"""Builds on a Dask cluster that shares no file system with the client: a
scheduler and workers run as processes of their own, each in an empty
folder of its own, and the workers cannot read the client's project
(tests/guarded_worker.py). Each task carries its inputs; the editions
must be those of a local build, byte for byte, and a worker killed
during a build costs nothing but its time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import pipeline
from pipeline.errors import BuildError

from conftest import make_project, source_date_epoch

distributed = pytest.importorskip("distributed")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GENERATED = 4
OWN_FONT = "styles/fonts/own/Own-Bold.ttf"
# A shared image, outside the publications' folders: sent when a worker finds it missing.
FIGURE = "![A preview of a page](../../shared/preview.png)\n"


def _article(n: int) -> str:
    body = "\n\n".join(
        f"Paragraph {k} of article {n}: the committee met on {k} March and voted - after a long debate - to publish."
        for k in range(1, 6 + n)
    )
    figure = FIGURE if n % 2 else ""
    return f"---\ntitle: Generated article {n}\nauthor: A. Writer\nlang: en\n---\n\n# Article {n}\n\n{body}\n\n{figure}"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """The bundled publications and a few generated ones, with one style of
    the project's own (sent as a blob) and a shared image."""
    root = tmp_path_factory.mktemp("catalogue")
    files: dict[str, str | bytes] = {f"source/generated-{n}/article.md": _article(n) for n in range(1, GENERATED + 1)}
    files["shared/preview.png"] = (REPO / "source/pressroom-manual/images/preview.png").read_bytes()
    project = make_project(root / "project", files)
    for name in ("mali-mass-protests-and-coup", "pressroom-manual"):
        shutil.copytree(REPO / "source" / name, project / "source" / name)
    shutil.copytree(REPO / "styles", project / "styles")
    # A font of the project's own (a house font under another name): sent, as the house's are not.
    (project / OWN_FONT).parent.mkdir()
    shutil.copyfile(REPO / "styles/fonts/dejavu/DejaVuSerif-Bold.ttf", project / OWN_FONT)
    with (project / "styles/base.css").open("a", encoding="utf-8") as sheet:
        sheet.write("\n/* the project's own */\nblockquote { font-style: italic; }\n")
    return project


@pytest.fixture(scope="module")
def local_sums(catalogue, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "dist"
    with source_date_epoch(None):  # dated by their metadata, else by their newest file
        pipeline.build(catalogue, out_dir=out, formats=("epub", "pdf", "archive"), jobs=2, use_cache=False)
    return _sums(out)


def _sums(out: Path) -> dict[str, str]:
    lines = (out / "SHA256SUMS").read_text().splitlines()
    return {name.lstrip("*"): digest for digest, name in (line.split(maxsplit=1) for line in lines)}


def _on(cluster: Cluster, project: Path, publications, out: Path, **how):
    """A cold build of every edition on the cluster, dated as a local build without SOURCE_DATE_EPOCH."""
    with source_date_epoch(None):
        return pipeline.build(
            project,
            publications,
            out_dir=out,
            formats=("epub", "pdf", "archive"),
            executor="dask",
            scheduler=cluster.address,
            use_cache=False,
            **how,
        )


def _fetched() -> dict[str, int]:
    """On a worker: how many times it fetched each blob from the cluster."""
    from pipeline.run import sandbox

    return dict(sandbox.fetched)


class Cluster:
    """A scheduler and workers, each a process in an empty folder of its own."""

    def __init__(self, folder: Path, forbidden: Path, workers: dict[str, dict[str, str]]):
        self.folder, self.processes = folder, {}
        file = folder / "scheduler.json"
        self._start(
            "scheduler",
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(file),
            ],
            {},
        )
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.address = json.loads(file.read_text())["address"]
        for name, env in workers.items():
            own = {"PRESSROOM_TEST_UNREADABLE": str(forbidden), **env}
            self._start(
                name,
                [
                    sys.executable,
                    str(HERE / "guarded_worker.py"),
                    self.address,
                    "--name",
                    name,
                    "--nthreads",
                    "2",
                    "--no-nanny",
                    "--no-dashboard",
                    "--death-timeout",
                    "60",
                ],
                own,
            )
        with distributed.Client(self.address, timeout="30s") as client:
            client.wait_for_workers(len(workers), timeout=60)

    def _start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        here = self.folder / name
        (here / "tmp").mkdir(parents=True)
        environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH")}
        environment.update(env, TMPDIR=str(here / "tmp"))
        self.processes[name] = subprocess.Popen(
            command,
            cwd=here / "tmp",
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=open(here / "log", "wb"),
            start_new_session=True,  # noqa: SIM115 - closed with the process
        )

    def log(self, name: str) -> str:
        return (self.folder / name / "log").read_text(errors="replace")

    def close(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


@pytest.fixture
def cluster_of(tmp_path):
    made = []

    def start(forbidden: Path, workers: dict[str, dict[str, str]]) -> Cluster:
        made.append(Cluster(tmp_path / "cluster", forbidden, workers))
        return made[-1]

    yield start
    for cluster in made:
        cluster.close()


def test_a_catalogue_built_on_workers_that_share_no_files_has_the_bytes_of_a_local_build(
    catalogue, local_sums, cluster_of, tmp_path
):
    cluster = cluster_of(catalogue, {"left": {}, "right": {}})
    out = tmp_path / "dist"
    said: list[str] = []
    try:
        result = _on(cluster, catalogue, None, out, progress=said.append)
    except BuildError as exc:
        pytest.fail("\n".join(str(f.details or f.diagnostics) for f in exc.result.failed.values()))
    sums = _sums(out)
    assert sums == local_sums, sorted(name for name in {*sums, *local_sums} if sums.get(name) != local_sums.get(name))
    assert not [d for d in result.diagnostics if "worker" in d.message]
    # The shared image: found missing by the worker, then sent.
    assert sorted(line for line in said if "sent again" in line) == [
        f"generated-{n}: sent again with the files it names outside its folder" for n in (1, 3)
    ], said
    font = (catalogue / OWN_FONT).read_bytes()
    assert len(font) < result.sent < len(font) + 2**20, "the house fonts are not sent; the rest once"
    # Every publication's task needs the project's font: each worker fetched it once at most, and kept it.
    digest = hashlib.sha256(font).hexdigest()
    with distributed.Client(cluster.address, timeout="30s") as client:
        fetched = client.run(_fetched)
    assert any(fetched.values()), "the workers fetched the blobs they lacked"
    assert all(n == 1 for counts in fetched.values() for n in counts.values()), fetched
    assert any(digest in counts for counts in fetched.values()), fetched
    for name in ("left", "right"):
        assert "client's project" not in cluster.log(name)


def test_a_worker_killed_during_a_build_costs_only_its_time(catalogue, local_sums, cluster_of, tmp_path):
    """Every task on the doomed worker stalls until it is killed; Dask runs
    them on the other, and the build reports the loss."""
    generated = [f"generated-{n}" for n in range(1, GENERATED + 1)]
    cluster = cluster_of(catalogue, {"doomed": {"PRESSROOM_TEST_STALL": ",".join(generated)}, "spare": {}})
    out = tmp_path / "dist"
    done: dict = {}

    def build() -> None:
        try:
            done["result"] = _on(cluster, catalogue, generated, out)
        except BuildError as exc:  # pragma: no cover - reported by the assertion below
            done["error"] = exc

    builder = threading.Thread(target=build)
    builder.start()
    with distributed.Client(cluster.address, timeout="30s") as watcher:
        doomed = next(a for a, w in watcher.scheduler_info()["workers"].items() if w["name"] == "doomed")
        deadline = time.monotonic() + 120
        while not any("-task-generated-" in str(k) for k in watcher.processing([doomed]).get(doomed, ())):
            assert time.monotonic() < deadline, "no task reached the doomed worker"
            time.sleep(0.2)
    os.killpg(cluster.processes["doomed"].pid, signal.SIGKILL)
    builder.join(timeout=600)
    assert not builder.is_alive(), "the build did not end after its worker was killed"
    assert "error" not in done, done.get("error") and done["error"].diagnostics
    sums = _sums(out)
    assert sums == {name: local_sums[name] for name in sums}
    assert {name.split(".")[0] for name in sums} == set(generated)
    lost = [d for d in done["result"].diagnostics if "was lost" in d.message]
    assert lost and "generated-" in lost[0].message, lost
    assert not any(p.name.startswith(".") for p in out.iterdir()), "no staging left in the output folder"


def test_a_file_the_project_lacks_or_that_leads_out_is_reported_as_in_a_local_build(tmp_path):
    text = "# Missing\n\n![gone](../../shared/gone.png)\n\n![out](out.png)\n\n![shared](../../shared/here.png)\n"
    project = make_project(
        tmp_path / "project",
        {
            "source/pub/a.md": text,
            "shared/here.png": (REPO / "source/pressroom-manual/images/preview.png").read_bytes(),
        },
    )
    os.symlink("/etc/hostname", project / "source/pub/out.png")

    def messages(**how) -> list[str]:
        try:
            result = pipeline.build(
                project, out_dir=tmp_path / how.get("executor", "local"), formats=("epub",), use_cache=False, **how
            )
            found = result.diagnostics
        except BuildError as exc:
            found = exc.diagnostics
        return sorted(str(d) for d in found)

    with source_date_epoch():
        here = messages(jobs=1)
        with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
            there = messages(executor="dask", scheduler=cluster.scheduler_address)
    assert here == there
    assert any("gone.png" in m for m in here) and any("out.png" in m and "/etc/hostname" in m for m in here), here


def test_workers_of_another_version_stop_the_build_before_anything_is_sent(tmp_path, monkeypatch):
    import importlib.metadata

    project = make_project(tmp_path / "project", {"source/pub/a.md": "---\ntitle: A\n---\n\nText.\n"})
    installed = importlib.metadata.version
    # What the (in-process) workers answer when asked their version.
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "0.0.1-other" if name == "pressroom" else installed(name)
    )
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        with pytest.raises(BuildError) as stopped:
            pipeline.build(project, executor="dask", scheduler=cluster.scheduler_address)
    message = stopped.value.diagnostics[0].message
    assert "Pressroom 0.0.1-other" in message and f"Pressroom {pipeline.__version__}" in message, message
    assert stopped.value.result is None, "nothing was attempted"


def test_a_book_and_an_article_on_one_single_threaded_worker_do_not_wait_for_each_other(tmp_path):
    """The book holds the worker's building lock while its chapters, tasks
    of their own, wait for a thread: the article's task waits for the lock
    outside the worker's only thread."""
    from test_parts import book_files

    files = {**book_files(), "source/z-article/a.md": "---\ntitle: An article\nlang: en\n---\n\nIts one paragraph.\n"}
    project = make_project(tmp_path / "project", files)
    done: dict = {}

    def build(address: str) -> None:
        try:
            with source_date_epoch():
                done["result"] = pipeline.build(project, formats=("pdf",), executor="dask", scheduler=address)
        except BuildError as exc:
            done["result"] = exc.result or exc

    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        builder = threading.Thread(target=build, args=(cluster.scheduler_address,), daemon=True)
        builder.start()
        builder.join(timeout=300)
        assert not builder.is_alive(), "the build is stuck: a task waits for the lock in the worker's only thread"
    assert {o.publication for o in done["result"].outputs} == {"parted", "z-article"}, done["result"]
