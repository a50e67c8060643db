"""`learnloop demo` replays the article author's first pass through the real commands, in a throwaway home."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from learnloop.cli import demo as demo_module


@pytest.mark.slow
def test_the_demo_replays_a_whole_pass_and_keeps_it_when_asked(cli: Callable[..., object], tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = cli(["demo", "--dir", str(folder), "--json"])
    assert result.exit_code == 0, result.stdout[-2000:]
    run = json.loads(result.stdout)
    steps = run["steps"]
    assert len(steps) == len(demo_module.STEPS)
    assert [s["command"] for s in steps if s["exit_code"] != 0] == [], "every command of the pass succeeded"
    commands = [s["command"] for s in steps]
    expected_commands = (
        "learnloop focus supply-chain",
        "learnloop gap keep 1 --days 3",
        "learnloop ladder run supply_chain",
    )
    for expected in expected_commands:
        assert any(c.startswith(expected) for c in commands), expected
    assert any(c.startswith("learnloop study ") and "--reference" in c for c in commands)
    clock = [s["when"] for s in steps]
    assert clock[0].startswith("Mon 05 Jan") and clock[-1] != clock[0], "the clock moves"

    # the kept home holds the closed pass: a second pass is open, the first has its project and gap done
    home = Path(run["home"])
    assert home == folder / "home" and (home / "learnloop.db").is_file()
    history = json.loads(cli(["--home", str(home), "history", "--json"]).stdout)
    text = json.dumps(history)
    assert "Which firms will a port closure hit" in text and "why GCNs normalise the adjacency" in text
    assert (folder / "repos" / "pygcn-mini" / "pygcn" / "utils.py").is_file()
    assert not list((folder / "repos").rglob("__pycache__")), "the studied code was never imported"


def test_the_demo_refuses_a_folder_that_is_not_empty(cli: Callable[..., object], tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    result = cli(["demo", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a new or empty folder" in result.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_demo_web_serves_the_demo_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """--web hands the replayed home to the same server as `serve` (the server itself is not started here)."""
    import learnloop.cli.web as web

    served: dict[str, object] = {}

    def fake_serve(**options: object) -> None:
        from learnloop.cli.app import settings

        served.update(options, home=settings().home)

    monkeypatch.setattr(web, "serve", fake_serve)
    demo_module.serve_home(tmp_path / "home", 8123)
    assert served == {
        "host": "127.0.0.1",
        "port": 8123,
        "open_browser": True,
        "allow_remote": None,  # serve takes the list of allowed remote hosts; None is none
        "home": tmp_path / "home",
    }


def test_the_shipped_mini_repository_is_pygcn_shaped_and_row_normalises(tmp_path: Path) -> None:
    place = demo_module.Place(tmp_path)
    demo_module.copy_mini_repository(place, "")
    files = sorted(p.relative_to(place.repo).as_posix() for p in place.repo.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "pygcn/__init__.py",
        "pygcn/layers.py",
        "pygcn/models.py",
        "pygcn/train.py",
        "pygcn/utils.py",
        "requirements.txt",
    ]
    utils = (place.repo / "pygcn" / "utils.py").read_text()
    assert "adj = normalize(adj + sp.eye(adj.shape[0]))" in utils and "range(140)" in utils
