"""`learnloop ladder` through the real entry point: list (pinned focus first), show, run, copy, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from learnloop.ladders.registry import load_ladders


def test_ladder_alone_lists_every_ladder(cli: Callable[..., object]) -> None:
    result = cli("ladder")
    assert result.exit_code == 0
    for ladder_id in load_ladders():
        assert ladder_id in result.stdout
    assert "stop before LAPACK" in result.stdout
    assert json.loads(cli("ladder list --json").stdout) == json.loads(cli("ladder --json").stdout)


def test_the_pinned_focus_ladders_come_first(cli: Callable[..., object]) -> None:
    assert cli("start").exit_code == 0
    assert cli("focus nlp").exit_code == 0
    ladders = json.loads(cli("ladder --json").stdout)
    assert [item["id"] for item in ladders[:2]] == ["reviews", "shakespeare"]
    assert all(item["for_pinned_focus"] for item in ladders[:2])
    assert not any(item["for_pinned_focus"] for item in ladders[2:])
    assert "serves your pinned focus (nlp)" in cli("ladder").stdout


def test_show_prints_the_code_and_what_the_level_hides(cli: Callable[..., object]) -> None:
    result = cli("ladder show diabetes --rung 3")
    assert result.exit_code == 0
    assert "what this level hides from you" in result.stdout
    assert "np.linalg.solve" in result.stdout and "def run(" in result.stdout
    assert "rung 3 of 4" in result.stdout
    view = json.loads(cli("ladder show cora --rung 1 --json").stdout)
    assert view["library"] == "torch_geometric" and "GCNConv" in view["code"] and view["extra"] == "deep"


def test_a_rung_below_the_lowest_explains_the_floor(cli: Callable[..., object]) -> None:
    result = cli("ladder show cora --rung 4")
    assert result.exit_code == 2
    assert "stops at rung 3" in result.stderr and "LAPACK" in result.stderr
    assert result.stderr.count("\n") == 1  # one line, no traceback


def test_unknown_ladder_and_bad_rung(cli: Callable[..., object]) -> None:
    unknown = cli("ladder run pengins --rung 1")
    assert unknown.exit_code == 2 and "did you mean 'penguins'" in unknown.stderr
    zero = cli("ladder show digits --rung 0")
    assert zero.exit_code == 2 and "numbered from 1" in zero.stderr
    epochs = cli("ladder run digits --rung 4 --epochs 0")
    assert epochs.exit_code == 2 and "the number of epochs must be at least 1 (--epochs N)" in epochs.stderr


def test_run_prints_the_score_and_records_it_in_the_pass(cli: Callable[..., object]) -> None:
    outside = cli("ladder run diabetes --rung 3")
    assert outside.exit_code == 0
    assert "test r2 0.3594" in outside.stdout
    assert "not recorded: no pass in progress" in outside.stdout
    assert cli("start").exit_code == 0
    run = json.loads(cli("ladder run diabetes --rung 4 --epochs 2000 --json").stdout)
    assert run["recorded"] is True and run["metric"] == "r2" and run["epochs"] == 2000
    assert cli("ladder run diabetes --rung 4 --epochs 500").exit_code == 0
    listed = {item["id"]: item for item in json.loads(cli("ladder --json").stdout)}
    rung4 = listed["diabetes"]["rungs"][3]
    assert rung4["runs"] == 2 and rung4["best_score"] == run["score"]
    from learnloop.config import resolve_settings
    from learnloop.loop.practice import practice_summary
    from learnloop.store.db import open_store

    with open_store(resolve_settings()).read() as session:
        summary = practice_summary(session)
    assert [(r.ladder, r.rung, r.runs) for r in summary.rungs] == [("diabetes", 4, 2)]


def test_copy_puts_the_script_where_the_learner_edits_it(
    cli: Callable[..., object], tmp_path: Path, home: Path
) -> None:
    result = cli(f"ladder copy digits --rung 4 {tmp_path / 'mine'}")
    assert result.exit_code == 0
    copied = tmp_path / "mine" / "rung4_numpy.py"
    assert copied.is_file() and "def run(" in copied.read_text()
    again = cli(f"ladder copy digits --rung 4 {tmp_path / 'mine'}")
    assert again.exit_code == 2 and "already exists" in again.stderr and again.stderr.rstrip().endswith("(--force)")
    default = json.loads(cli("ladder copy reviews --rung 3 --json").stdout)
    assert Path(default["path"]) == home / "workspace" / "ladders" / "reviews" / "rung3_numpy.py"


def test_compare_runs_every_rung_and_baseline_side_by_side(cli: Callable[..., object]) -> None:
    result = cli("ladder compare anomaly")
    assert result.exit_code == 0
    assert "the rungs agree" in result.stdout and "baseline z-score" in result.stdout
    data = json.loads(cli("ladder compare anomaly --json").stdout)
    assert [row["kind"] for row in data["rows"]] == ["rung", "rung", "rung", "baseline", "baseline"]
    assert data["agree"] is True and data["metric"] == "roc_auc"
    missing = cli("ladder compare no-such-ladder")
    assert missing.exit_code == 2 and "no ladder called" in missing.stderr
