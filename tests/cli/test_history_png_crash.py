"""`history --png` under SIGKILL at random moments and on a full disk: the picture under the learner's name is
always the old one or the whole new one, never empty or cut short; a full disk is one line."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent.parent / "store" / "data" / "two-passes.json"
NOW = "2026-11-25T09:00:00+00:00"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_END = b"IEND\xaeB`\x82"


def _whole_png(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE) and data.endswith(PNG_END)


def _env(home: Path) -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {
        **os.environ,
        "LEARNLOOP_HOME": str(home),
        "LEARNLOOP_NOW": NOW,
        "MPLBACKEND": "Agg",
        "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p),
    }


def _history_png(home: Path, png: Path) -> list[str]:
    return [sys.executable, "-m", "learnloop", "--home", str(home), "history", "--png", str(png), "--force"]


@pytest.fixture
def drawn(tmp_path: Path) -> tuple[Path, Path, bytes, float]:
    """A home with two passes and an existing descent plot; how long a full redraw takes here."""
    home = tmp_path / "home"
    env = _env(home)
    subprocess.run(
        [sys.executable, "-m", "learnloop", "import", str(SAMPLE)],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    png = tmp_path / "pictures" / "descent.png"
    png.parent.mkdir()
    started = time.monotonic()
    subprocess.run(_history_png(home, png)[:-1], env=env, check=True, capture_output=True, timeout=120)
    took = time.monotonic() - started
    old = png.read_bytes()
    assert _whole_png(old)
    return home, png, old, took


def _kill_trials(drawn: tuple[Path, Path, bytes, float], trials: int, seed: int) -> dict[str, int]:
    home, png, old, took = drawn
    rng = random.Random(seed)
    outcomes = {"old": 0, "new": 0, "finished": 0, "empty_or_cut": 0, "temp_left": 0}
    for _ in range(trials):
        proc = subprocess.Popen(
            _history_png(home, png), env=_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0.3, 1.15) * took)  # anywhere in the drawing and the write
        else:  # right in the window that matters: the temp file is being written, fsynced, renamed
            deadline = time.monotonic() + 3 * took + 30
            while proc.poll() is None and time.monotonic() < deadline:
                if any(p.name.endswith(".tmp") for p in png.parent.iterdir()):
                    time.sleep(rng.uniform(0, 0.004))
                    break
                time.sleep(0.0005)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        data = png.read_bytes()
        if not _whole_png(data):
            outcomes["empty_or_cut"] += 1
        elif finished:
            outcomes["finished"] += 1
        else:
            outcomes["old" if data == old else "new"] += 1
        left = [p for p in png.parent.iterdir() if p.name != png.name]
        outcomes["temp_left"] += len(left)
        for p in left:  # a kill between writing the temp file and the rename leaves it (never under the name)
            p.unlink()
    return outcomes


def test_kills_never_leave_an_empty_or_cut_png(drawn: tuple[Path, Path, bytes, float]) -> None:
    outcomes = _kill_trials(drawn, trials=12, seed=13)
    print(outcomes)  # for the closing note
    assert outcomes["empty_or_cut"] == 0, outcomes


@pytest.mark.slow
def test_many_kills_never_leave_an_empty_or_cut_png(drawn: tuple[Path, Path, bytes, float]) -> None:
    outcomes = _kill_trials(drawn, trials=60, seed=1313)
    print(outcomes)
    assert outcomes["empty_or_cut"] == 0, outcomes


def test_full_disk_is_one_line_and_keeps_the_old_png(
    cli: Callable, tmp_path: Path, frozen_now: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli(["import", str(SAMPLE)]).exit_code == 0
    png = tmp_path / "descent.png"
    png.write_bytes(PNG_SIGNATURE + b"old" + PNG_END)

    def no_space(*_a: object, **_k: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("learnloop.files.os.write", no_space)
    run = cli(["history", "--png", str(png), "--force"])
    assert run.exit_code == 2, run.output
    assert run.stderr.startswith("error:") and run.stderr.count("\n") == 1 and "disk is full" in run.stderr
    assert png.read_bytes() == PNG_SIGNATURE + b"old" + PNG_END
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def _unshare_works() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    return (
        subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True).returncode == 0
    )


@pytest.mark.skipif(
    not _unshare_works(),
    reason="needs root and `unshare --mount` (util-linux) for a private "
    "small tmpfs; the monkeypatched full-disk test above covers the same path",
)
def test_a_real_full_disk(drawn: tuple[Path, Path, bytes, float], tmp_path: Path) -> None:
    """A 16 KB tmpfs mounted in a private mount namespace over a folder of tmp_path: the new PNG cannot fit."""
    home, _png, old, _took = drawn
    small = tmp_path / "small-disk"
    small.mkdir()
    target = small / "descent.png"
    lm = " ".join(_history_png(home, target))
    assert len(old) > 16 * 1024
    script = (
        f"mount -t tmpfs -o size=16k tmpfs {small} && "
        f"printf 'old' > {target}; {lm} 2> {tmp_path}/err.txt; echo rc=$?; "
        f"cat {target}; echo; ls -a {small}"
    )
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    err = (tmp_path / "err.txt").read_text()
    assert "rc=2" in done.stdout, (done.stdout, done.stderr, err)
    assert err.startswith("error:") and err.count("\n") == 1 and "disk is full" in err, err
    lines = done.stdout.splitlines()
    assert lines[lines.index("rc=2") + 1] == "old"  # the old file is untouched
    assert not [n for n in lines if n.endswith(".tmp")], lines  # and no temp file is left on the full disk
