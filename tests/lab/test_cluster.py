"""The Dask path: a LocalCluster and a real `dask scheduler` with two `dask worker` processes on 127.0.0.1.

Both must give the leaderboard of the local workers, and a fit past its timeout must be stopped there too.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from learnloop.lab import workers
from learnloop.lab.baseline import run_baseline

CHOSEN = ["logistic-regression", "decision-tree", "knn"]


def board_of(board: object) -> dict[str, tuple]:
    return {r.model: (r.score_mean, r.score_std, r.train_score, r.verdict) for r in board.results}  # type: ignore[attr-defined]


def test_local_dask_cluster_matches_local_workers() -> None:
    local = run_baseline("iris", models=CHOSEN, cv=3, jobs=1)
    dask = run_baseline("iris", models=CHOSEN, cv=3, jobs=1, cluster="local")
    assert board_of(dask) == board_of(local)
    assert any("Dask" in n for n in dask.notices)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A `dask scheduler` and two single-threaded `dask worker`s, on 127.0.0.1, with learnloop importable."""
    if shutil.which("dask") is None:
        pytest.skip("the dask command is missing: pip install 'learnloop[scale]'")
    helpers = tmp_path_factory.mktemp("dask-jobs")
    (helpers / "napping_jobs.py").write_text(
        "import time\n\ndef nap(seconds, folds=None):\n    time.sleep(seconds)\n    return seconds\n"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(src), str(helpers), os.environ.get("PYTHONPATH", "")]))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = helpers / "logs.txt"
    with logs.open("w") as out:
        procs = [
            subprocess.Popen(
                ["dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                env=env,
                stdout=out,
                stderr=out,
            )
        ]
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.2)
            for _ in range(2):
                procs.append(
                    subprocess.Popen(
                        [
                            "dask",
                            "worker",
                            address,
                            "--nthreads",
                            "1",
                            "--nworkers",
                            "1",
                            "--no-dashboard",
                            "--host",
                            "127.0.0.1",
                        ],
                        env=env,
                        stdout=out,
                        stderr=out,
                    )
                )
            from dask.distributed import Client

            with Client(address, timeout="30s") as client:
                client.wait_for_workers(2, timeout=90)
            sys.path.insert(0, str(helpers))
            yield address, helpers
        finally:
            for proc in reversed(procs):
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
            if str(helpers) in sys.path:
                sys.path.remove(str(helpers))


def test_a_real_scheduler_gives_the_local_leaderboard(scheduler: tuple[str, Path]) -> None:
    address, _ = scheduler
    local = run_baseline("penguins", models=CHOSEN, cv=3, jobs=2)
    remote = run_baseline("penguins", models=CHOSEN, cv=3, jobs=2, cluster=address)
    assert board_of(remote) == board_of(local)
    assert [r.model for r in remote.results] == [r.model for r in local.results]


def test_a_fit_past_its_timeout_is_stopped_on_the_cluster(scheduler: tuple[str, Path]) -> None:
    import napping_jobs  # written by the fixture, importable by the workers too

    from learnloop.lab.cluster import Session

    address, _ = scheduler
    jobs = [
        workers.Job("slow", "slow", "slow", napping_jobs.nap, (60,), timeout=2.0),
        workers.Job("quick", "quick", "quick", napping_jobs.nap, (0.1,), timeout=30.0),
    ]
    session = Session(address, 2)
    started = time.monotonic()
    try:
        outcomes, interrupted = session.run(jobs, {"folds": None}, lambda outcome, running: None, None)
        # the worker that was stuck is restarted: the next run still has two workers to use
        again, _ = session.run(
            [workers.Job("after", "after", "after", napping_jobs.nap, (0.1,), timeout=30.0)],
            {"folds": None},
            lambda outcome, running: None,
            None,
        )
    finally:
        session.close()
    assert time.monotonic() - started < 50
    status = {o.job.key: o.status for o in outcomes}
    assert not interrupted
    assert status == {"slow": workers.TIMEOUT, "quick": workers.OK}
    assert again[0].status == workers.OK
