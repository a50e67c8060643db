"""Every option that writes a named file refuses symlinks, devices, FIFOs and folders, and replaces
an existing file only with --force (export, study --out/--notes/--graph, history --png, project ics -o,
baseline --report, try --png). Everything happens inside tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent.parent / "store" / "data" / "two-passes.json"


@pytest.fixture
def learner(cli: Callable, frozen_now: object) -> Callable:
    """A home with two passes (the second at step 4 with an active project), made by importing an export."""
    run = cli(["import", str(SAMPLE)])
    assert run.exit_code == 0, run.output
    return cli


def _one_line_refusal(run: object, *needles: str) -> None:
    assert run.exit_code == 2, run.output  # type: ignore[attr-defined]
    err = run.stderr  # type: ignore[attr-defined]
    assert err.startswith("error:") and err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


def _targets(tmp_path: Path, name: str) -> dict[str, Path]:
    """A regular file, a symlink to one, a dangling symlink, a FIFO and a folder, all named like ``name``."""
    made = {}
    real = tmp_path / f"real-{name}"
    real.write_bytes(b"precious")
    made["file"] = tmp_path / f"file-{name}"
    made["file"].write_bytes(b"precious")
    made["symlink"] = tmp_path / f"link-{name}"
    made["symlink"].symlink_to(real)
    made["dangling"] = tmp_path / f"dangling-{name}"
    made["dangling"].symlink_to(tmp_path / f"nowhere-{name}")
    made["fifo"] = tmp_path / f"fifo-{name}"
    os.mkfifo(made["fifo"])
    made["folder"] = tmp_path / f"folder-{name}"
    made["folder"].mkdir()
    return made


def _unchanged(tmp_path: Path, name: str, targets: dict[str, Path]) -> None:
    assert (tmp_path / f"real-{name}").read_bytes() == b"precious"
    assert targets["file"].read_bytes() == b"precious"
    assert targets["symlink"].is_symlink() and targets["dangling"].is_symlink()
    assert not (tmp_path / f"nowhere-{name}").exists()
    assert targets["folder"].is_dir() and not any(targets["folder"].iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


COMMANDS = {
    "export": lambda p: ["export", str(p)],
    "history --png": lambda p: ["history", "--png", str(p)],
    "project ics -o": lambda p: ["project", "ics", "-o", str(p)],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_writers_refuse_what_is_not_a_new_regular_file(learner: Callable, tmp_path: Path, command: str) -> None:
    name = "out.png" if "png" in command else "out.json"
    targets = _targets(tmp_path, name)
    for kind, path in targets.items():
        run = learner(COMMANDS[command](path))
        needle = "already exists" if kind == "file" else "not a regular file"
        _one_line_refusal(run, needle)
        if kind == "file":
            assert "--force" in run.stderr
        forced = learner([*COMMANDS[command](path), "--force"])
        if kind == "file":
            assert forced.exit_code == 0, forced.output
            assert path.read_bytes() != b"precious"
            path.write_bytes(b"precious")
        else:
            _one_line_refusal(forced, "not a regular file")
    _unchanged(tmp_path, name, targets)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_writers_write_a_new_file_whole(learner: Callable, tmp_path: Path, command: str) -> None:
    path = tmp_path / ("new.png" if "png" in command else "new.out")
    run = learner(COMMANDS[command](path))
    assert run.exit_code == 0, run.output
    data = path.read_bytes()
    assert data
    if "png" in command:
        assert data[:4] == b"\x89PNG"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_history_png_needs_a_png_name(learner: Callable, tmp_path: Path) -> None:
    _one_line_refusal(learner(["history", "--png", str(tmp_path / "x.csv")]), ".png")
    assert not (tmp_path / "x.csv").exists()


def test_project_ics_into_a_folder_is_one_line(learner: Callable, tmp_path: Path) -> None:
    _one_line_refusal(learner(["project", "ics", "-o", str(tmp_path)]), "folder")


def test_export_refused_leaves_the_old_export(learner: Callable, tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    assert learner(["export", str(target)]).exit_code == 0
    first = target.read_bytes()
    _one_line_refusal(learner(["export", str(target)]), "already exists")
    assert target.read_bytes() == first


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "train.py").write_text("import numpy as np\n\nprint(np.zeros(3))\n")
    return folder


@pytest.mark.parametrize("option,name", [("--out", "report.md"), ("--notes", "notes.md"), ("--graph", "g.dot")])
def test_study_writers_alike(cli: Callable, tmp_path: Path, repo: Path, option: str, name: str) -> None:
    targets = _targets(tmp_path, name)
    for kind, path in targets.items():
        run = cli(["study", str(repo), option, str(path)])
        _one_line_refusal(run, "already exists" if kind == "file" else "not a regular file")
    forced = cli(["study", str(repo), option, str(targets["file"]), "--force"])
    assert forced.exit_code == 0, forced.output
    assert targets["file"].read_bytes() != b"precious"
    targets["file"].write_bytes(b"precious")
    _unchanged(tmp_path, name, targets)


def test_baseline_report_that_is_a_file_is_one_line(cli: Callable, tmp_path: Path) -> None:
    existing = tmp_path / "existing.txt"
    existing.write_text("keep")
    _one_line_refusal(cli(["baseline", "iris", "--report", str(existing)]), "folder")
    assert existing.read_text() == "keep"


def test_baseline_report_folder_with_a_report_needs_force(cli: Callable, tmp_path: Path) -> None:
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "baseline.md").write_text("an earlier report")
    _one_line_refusal(
        cli(["baseline", "iris", "--report", str(folder), "--models", "naive-bayes", "--cv", "2"]),
        "already exists",
        "--force",
    )
    assert (folder / "baseline.md").read_text() == "an earlier report"
    (folder / "baseline.md").unlink()
    (folder / "baseline.md").symlink_to(tmp_path / "elsewhere.md")
    _one_line_refusal(cli(["baseline", "iris", "--report", str(folder), "--force"]), "symbolic link")
    assert not (tmp_path / "elsewhere.md").exists()


def test_try_png_alike(cli: Callable, tmp_path: Path) -> None:
    targets = _targets(tmp_path, "t.png")
    for kind, path in targets.items():
        _one_line_refusal(
            cli(["try", "knn", "--png", str(path)]), "already exists" if kind == "file" else "not a regular file"
        )
    _unchanged(tmp_path, "t.png", targets)
