"""The CLI's edge: every failure is one line and a non-zero exit, never a traceback (the issue's seven
tracebacks each have a test here), numbers have ranges, a missing home is not made by a read, a read-only
home can be read and exported, `doctor` finds a damaged page, Ctrl-C says what was kept."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent.parent / "store" / "data" / "two-passes.json"
LONG = "x" * 10_000
HUGE = str(10**23)


def _one_line(run: object, *needles: str, code: int = 2) -> str:
    assert run.exit_code == code, run.output  # type: ignore[attr-defined]
    err = run.stderr  # type: ignore[attr-defined]
    assert err.startswith("error:") and err.count("\n") == 1, err
    assert "Traceback" not in run.output  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in err, (needle, err)
    return err


@pytest.fixture
def learner(cli: Callable, frozen_now: object) -> Callable:
    assert cli(["import", str(SAMPLE)]).exit_code == 0
    return cli


@pytest.mark.parametrize(
    "args",
    [
        ["export", LONG],
        ["export", f"/tmp/{LONG}/e.json"],
        ["import", LONG],
        ["study", LONG],
        ["study", "{repo}", "--out", LONG],
        ["study", "{repo}", "--notes", f"{LONG}.md"],
        ["history", "--png", f"{LONG}.png"],
        ["project", "ics", "-o", LONG],
        ["try", "knn", "--data", LONG],
        ["try", "knn", "--png", f"{LONG}.png"],
        ["baseline", LONG],
        ["baseline", "iris", "--report", LONG],
        ["--home", LONG, "history"],
        ["--home", LONG, "gap", "add", "x"],
        ["--home", LONG, "doctor"],
    ],
)
def test_ten_thousand_character_paths_are_one_line(learner: Callable, tmp_path: Path, args: list[str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    (repo / "a.py").write_text("x = 1\n")
    argv = [a.replace("{repo}", str(repo)) for a in args]
    run = learner(argv)
    assert run.exit_code in (1, 2), run.output
    assert "Traceback" not in run.output
    assert run.stderr.startswith("error:") and run.stderr.count("\n") == 1, run.stderr
    assert len(run.stderr) < 600  # the path is cut down, not printed whole


@pytest.mark.parametrize(
    "args, needle",
    [
        (["gap", "show", HUGE], "gap_id"),
        (["gap", "keep", HUGE, "--days", "2"], "gap_id"),
        (["gap", "rank", "--order", HUGE], "too large"),
        (["ladder", "run", "diabetes", "--seed", "-1"], "--seed"),
        (["ladder", "run", "diabetes", "--epochs", HUGE], "--epochs"),
        (["baseline", "iris", "--model-timeout", "-1"], "--model-timeout"),
        (["baseline", "iris", "--jobs", HUGE], "--jobs"),
        (["baseline", "iris", "--time-budget", "nan"], "finite"),
        (["baseline", "iris", "--cv", "0"], "--cv"),
        (["study", ".", "--max-file-mb", "inf"], "--max-file-mb"),
        (["study", ".", "--max-file-mb", "nan"], "finite"),
        (["exercises", "check", "--timeout", "nan"], "finite"),
        (["--home", "", "history"], "empty name"),
        (["study", ""], "give the repository"),
    ],
)
def test_numbers_and_names_out_of_range_are_one_line(learner: Callable, args: list[str], needle: str) -> None:
    _one_line(learner(args), needle)


def test_an_os_error_nobody_worded_is_one_line(
    learner: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "somewhere"))

    monkeypatch.setattr("learnloop.store.transfer.export_data", full)
    err = _one_line(learner(["export", str(tmp_path / "e.json")]), "disk is full", "somewhere")
    assert not (tmp_path / "e.json").exists()
    monkeypatch.setattr(
        "learnloop.loop.reads.history",
        lambda *_a: (_ for _ in ()).throw(PermissionError(errno.EACCES, "Permission denied")),
    )
    _one_line(learner(["history"]), "permission denied")
    assert "Errno" not in err


def test_ctrl_c_says_nothing_was_saved(learner: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("learnloop.loop.reads.history", interrupted)
    err = _one_line(learner(["history"]), "interrupted: nothing was saved", code=130)
    assert err.count("\n") == 1


def test_ctrl_c_after_a_change_says_it_was_kept(learner: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    import learnloop.cli.gap as gap_cli

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(gap_cli, "console", type("Interrupting", (), {"print": interrupted})())
        _one_line(learner(["gap", "add", "vectorised attention"]), "interrupted: kept", "1 change recorded", code=130)
    assert "vectorised attention" in learner(["gap", "list"]).stdout


def test_ctrl_c_in_a_real_process_is_one_line(tmp_path: Path) -> None:
    """SIGINT to the installed entry point while it waits: one line, exit 130."""
    import signal
    import time

    env = {**os.environ, "LEARNLOOP_HOME": str(tmp_path / "home"), "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    waiting = (
        tmp_path / "waiting"
    )  # made by the child once it is inside the command: no guess of how long start-up takes
    script = (
        "import time, learnloop.loop.reads as h\n"
        "def slow(*a, **k):\n"
        f"    open({str(waiting)!r}, 'w').close()\n"
        "    time.sleep(60)\n"
        "h.history = slow\n"
        "from learnloop.cli import main\nimport sys\nsys.argv = ['learnloop', 'history']\nmain()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while not waiting.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the command never reached its read"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (out, err)
    assert err.strip().splitlines()[-1] == "error: interrupted: nothing was saved", err
    assert "Traceback" not in err


def test_reads_of_a_home_that_does_not_exist_create_nothing(cli: Callable, tmp_path: Path) -> None:
    missing = tmp_path / "typo-home"
    for args in (
        [],
        ["history"],
        ["notes"],
        ["gap", "list"],
        ["project", "status"],
        ["history", "--json"],
        ["export", str(tmp_path / "empty.json")],
    ):
        run = cli(["--home", str(missing), *args])
        assert run.exit_code in (0, 2), run.output
        assert "Traceback" not in run.output
        assert "no learnloop home at" in run.stderr
        assert not missing.exists(), f"{args} made the home"
    assert cli(["--home", str(missing), "start"]).exit_code == 0  # the first change makes it
    assert (missing / "learnloop.db").exists()
    assert "no learnloop home" not in cli(["--home", str(missing), "history"]).stderr


def test_a_read_only_home_can_be_read_and_exported(
    learner: Callable, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root no chmod stops a write, so the home is declared read-only the way a read-only disk answers."""

    def files() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(home.iterdir()) if p.is_file()}

    before = files()
    real_access = os.access

    def read_only(path: object, mode: int, *a: object, **k: object) -> bool:
        if mode & os.W_OK and str(path).startswith(str(home)):
            return False
        return real_access(path, mode, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr("learnloop.store.db.os.access", read_only)
    for args in ([], ["history"], ["notes"], ["project", "status"], ["gap", "list"]):
        run = learner(args)
        assert run.exit_code in (0, 2), run.output
        assert "read-only" in run.stderr
    out = tmp_path / "rescued.json"
    assert learner(["export", str(out)]).exit_code == 0
    assert len(__import__("json").loads(out.read_text())["tables"]["gaps"]) == 3
    _one_line(learner(["gap", "add", "won't be written"]), "read-only")
    assert files() == before


def _unshare_works() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(
    not _unshare_works(),
    reason="needs root and `unshare --mount` (util-linux) to mount a "
    "read-only view of the home; the monkeypatched test above covers the same path",
)
def test_a_home_on_a_read_only_mount(learner: Callable, home: Path, tmp_path: Path) -> None:
    """A private mount namespace binds the home read-only (nothing outside the test's process sees it)."""
    out = tmp_path / "from-ro.json"
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", ""), "LEARNLOOP_NOW": "2026-11-25T09:00:00+00:00"}
    lm = f"{sys.executable} -m learnloop --home {home}"
    script = (
        f"mount --bind {home} {home} && mount -o remount,bind,ro {home} && "
        f"{lm} history > {tmp_path}/history.txt 2>&1; echo history=$?; "
        f"{lm} export {out} 2>&1; echo export=$?; "
        f"{lm} gap add x 2> {tmp_path}/gap.txt; echo gap=$?"
    )
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "history=0" in done.stdout and "export=0" in done.stdout and "gap=2" in done.stdout, done
    assert "Cora node" in (tmp_path / "history.txt").read_text()
    assert len(__import__("json").loads(out.read_text())["tables"]["passes"]) == 2
    assert "read-only" in (tmp_path / "gap.txt").read_text()


def test_doctor_on_a_healthy_home(learner: Callable) -> None:
    run = learner(["doctor"])
    assert run.exit_code == 0, run.output
    assert "quick_check" in run.stdout and "Everything looks right" in run.stdout
    data = __import__("json").loads(learner(["doctor", "--json"]).stdout)
    assert data["ok"] is True and {f["check"] for f in data["findings"]} >= {"journals", "quick_check", "schema"}


def test_doctor_finds_four_kilobytes_of_noise_in_a_middle_page(learner: Callable, home: Path) -> None:
    db = home / "learnloop.db"
    size = db.stat().st_size
    assert size > 12 * 4096
    with open(db, "r+b") as f:
        f.seek((size // 4096 // 2) * 4096)
        f.write(os.urandom(4096))
    run = learner(["doctor"])
    assert run.exit_code == 1, run.output
    assert "damaged" in run.stdout and "copy the whole home folder aside" in run.stdout


def test_doctor_reports_a_stray_wal_without_replaying_it(learner: Callable, home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-home"
    from learnloop.config import Settings
    from learnloop.store.db import open_store

    store = open_store(Settings(home=other))
    with store.session() as s:
        from datetime import UTC, datetime

        from learnloop.loop.passes import start_pass

        start_pass(s, datetime(2026, 11, 1, tzinfo=UTC))
    stray = (other / "learnloop.db-wal").read_bytes()
    store.dispose()
    before = (home / "learnloop.db").read_bytes()
    (home / "learnloop.db-wal").write_bytes(stray)
    run = learner(["doctor"])
    assert run.exit_code == 1 and "journals" in run.stdout and "move learnloop.db-wal" in run.stdout
    assert (home / "learnloop.db").read_bytes() == before
    _one_line(learner(["history"]), "learnloop.db-wal")
