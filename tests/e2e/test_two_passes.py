"""Two full passes round the loop through the CLI, as a learner types them, with a frozen clock.

The database, the export and the files on disk must all say what happened; every bad input on the
way gets one clear line, exit 2, and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

DAY0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FIZZBUZZ = """
def fizzbuzz(n):
    words = {15: "FizzBuzz", 3: "Fizz", 5: "Buzz"}
    return [next((w for d, w in words.items() if i % d == 0), str(i)) for i in range(1, n + 1)]
"""


class Learner:
    """Drives the CLI at a given day of the experiment."""

    def __init__(self, cli: Callable[..., object], tmp_path: Path) -> None:
        self.cli = cli
        self.tmp = tmp_path
        self.day = 0

    def at(self, day: int) -> Learner:
        self.day = day
        return self

    def run(self, args: str | list[str], input: str | None = None) -> object:
        env = {"LEARNLOOP_NOW": (DAY0 + timedelta(days=self.day)).isoformat()}
        return self.cli(args, input=input, env=env)

    def ok(self, args: str | list[str], input: str | None = None) -> str:
        result = self.run(args, input=input)
        assert result.exit_code == 0, f"{args!r} failed: {result.output}"  # type: ignore[attr-defined]
        return result.stdout  # type: ignore[attr-defined]

    def json(self, args: str) -> object:
        return json.loads(self.ok(args + " --json"))

    def refused(self, args: str | list[str], *needles: str) -> str:
        """A bad input: exit 2, one line on stderr, and the learner's data unchanged."""
        before = self.snapshot()
        result = self.run(args)
        assert result.exit_code == 2, f"{args!r} should fail: {result.output}"  # type: ignore[attr-defined]
        err = result.stderr  # type: ignore[attr-defined]
        assert err.startswith("error:") and err.count("\n") == 1, err
        assert "Traceback" not in result.output  # type: ignore[attr-defined]
        for needle in needles:
            assert needle in err, (needle, err)
        assert self.snapshot() == before, f"{args!r} changed the data"
        return err

    def snapshot(self) -> dict[str, object]:
        out = self.tmp / "snapshot.json"
        result = self.cli(["export", str(out), "--force"], env={"LEARNLOOP_NOW": DAY0.isoformat()})
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        return json.loads(out.read_text())["tables"]


@pytest.fixture
def learner(cli: Callable[..., object], tmp_path: Path) -> Learner:
    return Learner(cli, tmp_path)


def _parse_ics(path: Path) -> object:
    from icalendar import Calendar

    return Calendar.from_ical(path.read_bytes())


def test_two_full_passes(learner: Learner, tmp_path: Path, home: Path) -> None:
    # First run: the loop in five lines and the one command to type.
    first = learner.at(0).ok([])
    assert "learnloop start" in first and "gradient descent" in first
    learner.refused("next", "learnloop start")
    learner.ok("start")
    learner.refused("start", "under way")

    # Step 0: rank interests, pin one focus.
    learner.refused("interests rank --order graph-neural-networks,no-such-focus", "no-such-focus")
    ranked = learner.json("interests rank --order graph-neural-networks,nlp,time-series")
    assert [r["focus_id"] for r in ranked] == ["graph-neural-networks", "nlp", "time-series"]
    learner.refused("next", "pin one focus")
    assert "graph-neural-networks" in learner.ok("focus")  # the list, ranked
    learner.ok("focus graph-neural-networks")
    assert "Graph" in learner.ok("stack")
    assert "pass 1" in learner.ok([]).lower() and "learnloop next" in learner.ok([])
    assert learner.json("next")["to_step"] == 1

    # Step 1: a reference project and notes.
    learner.at(1)
    assert "tkipf/pygcn" in learner.ok("reference list")
    learner.refused("next", "reference", "note")
    learner.refused("focus nlp", "kept for the whole pass")
    learner.ok(["reference", "add", "tkipf/pygcn", "--why", "GNNs on citation graphs are my endgame"])
    learner.refused(["notes", "add", "x", "--kind", "opinion"], "pattern")
    learner.ok(["notes", "add", "each layer multiplies by the normalised adjacency", "--kind", "pattern"])
    learner.ok(["notes", "add", "why add self-loops?", "--kind", "unclear"])
    notes = learner.json("notes")
    assert [n["text"] for n in notes["unclear"]] == ["why add self-loops?"]
    learner.ok("next")

    # Steps 2 and 3: skipped with reasons (speed-ups).
    learner.at(2)
    learner.refused("next", "exercise")
    learner.refused("next --skip", "why")
    learner.ok(["next", "--skip", "--reason", "I write Python every day"])
    learner.ok(["next", "--skip", "--reason", "I used PyTorch at work"])

    # Step 4: a time-boxed project with a scaffold and a calendar.
    learner.ok(["gap", "add", "how does message passing generalise convolution?"])  # gaps come any time
    project_dir = tmp_path / "cora-project"
    learner.refused(["project", "new", "Cora node classifier", "--days", "40", "--data", "cora"], "7-31 days")
    learner.refused(["project", "new", "Cora node classifier", "--days", "14"], "no data, no project")
    learner.refused(["project", "new", "Cora node classifier", "--days", "14", "--data", "coraa"], "cora")
    view = json.loads(
        learner.ok(
            [
                "project",
                "new",
                "Cora node classifier",
                "--days",
                "14",
                "--data",
                "cora",
                "--dir",
                str(project_dir),
                "--json",
            ]
        )
    )
    assert view["deadline"] == "2026-11-18"
    for name in ("README.md", "data/cora.npz", "notebooks/01-explore.ipynb", "src", ".gitignore", "deadline.ics"):
        assert (project_dir / name).exists(), name
    assert (project_dir / ".git").is_dir()
    import nbformat

    notebook = nbformat.read(project_dir / "notebooks" / "01-explore.ipynb", as_version=4)
    assert "cora.npz" in notebook.cells[1].source
    cal = _parse_ics(project_dir / "deadline.ics")
    assert cal["PRODID"] and cal["VERSION"] == "2.0"
    events = [c for c in cal.walk("VEVENT")]
    deadline_event = next(e for e in events if "Deadline" in str(e["SUMMARY"]))
    assert deadline_event.decoded("DTSTART") == date(2026, 11, 18)
    assert deadline_event["UID"] and deadline_event["DTSTAMP"]
    triggers = sorted(a.decoded("TRIGGER") for a in deadline_event.walk("VALARM"))
    assert triggers == [timedelta(days=-1, hours=9), timedelta(hours=9)]  # 09:00 local, the day before and on it
    assert any("check-in" in str(e["SUMMARY"]) for e in events)
    learner.refused(["project", "new", "Another", "--days", "10", "--data", "cora"], "one project at a time")

    learner.at(9).ok(["project", "checkin", "GCN trains, 78% on validation"])
    overdue = learner.at(18).ok([])
    assert "overdue" in overdue and "project done" in overdue
    learner.refused(["project", "extend", "--days", "20", "--reason", "more time"], "31 days")
    learner.ok(["project", "extend", "--days", "5", "--reason", "the sparse matrix code took longer"])
    cal = _parse_ics(project_dir / "deadline.ics")
    deadline_event = next(e for e in cal.walk("VEVENT") if "Deadline" in str(e["SUMMARY"]))
    assert deadline_event.decoded("DTSTART") == date(2026, 11, 23)
    assert int(deadline_event["SEQUENCE"]) == 1
    learner.refused("next", "finish your project")
    learner.at(21).ok(["project", "done", "--summary", "2-layer GCN, 80.9% test accuracy"])  # on the day
    learner.ok("next")

    # Step 5: three gaps ranked, one kept, the rest out of sight, then closed.
    learner.ok(["gap", "add", "what is the spectral view of graphs?", "--topic", "linear-algebra"])
    learner.ok(["gap", "add", "dropout on sparse inputs"])
    gaps = learner.json("gap list")
    assert len(gaps) == 3
    ids = [g["id"] for g in gaps]
    learner.refused(["gap", "rank", "--order", "1,1"], "twice")
    learner.refused(["gap", "rank", "--order", "99"], "99")
    ranked = learner.json(f"gap rank --order {ids[2]},{ids[0]},{ids[1]}")
    assert [g["id"] for g in ranked] == [ids[2], ids[0], ids[1]]
    learner.refused(["gap", "keep", str(ids[2]), "--days", "9"], "1-7 days")
    guide = learner.json(f"gap keep {ids[2]} --days 3")
    assert guide["gap"]["status"] == "kept" and guide["topic"] is not None
    assert [g["id"] for g in learner.json("gap list")] == [ids[2]]
    everything = learner.json("gap list --all")
    assert {g["status"] for g in everything} == {"kept", "set_aside"}
    learner.refused(["gap", "keep", str(ids[0]), "--days", "2"], "already keep")
    learner.at(24).ok(["gap", "done", "--learned", "a GCN layer is a first-order filter on the graph spectrum"])
    learner.ok("next")

    # Step 6: the retrospective; pass 2 starts with the focus still pinned.
    learner.refused(["pass", "close", "--retro", " "], "retrospective")
    closed = learner.json("pass close --retro Time-boxing-worked")
    assert closed == {"closed": 1, "started": 2, "focus": "graph-neural-networks"}

    # Pass 2 starts by looking at the map again: re-rank (or keep the ranking), then confirm the focus.
    learner.at(25)
    assert "learnloop interests rank" in learner.ok([]) and "learnloop interests keep" in learner.ok([])
    learner.refused("next", "re-rank")
    learner.ok("interests keep")
    assert "learnloop focus graph-neural-networks" in learner.ok([])
    # A faster pass on another focus, finished early.
    learner.ok("focus nlp")
    learner.ok("next")
    learner.ok(["reference", "add", str(project_dir), "--why", "my own last project"])
    learner.ok(["notes", "add", "tokenise, vectorise, fit", "--kind", "understood"])
    learner.ok("next")
    # This time steps 2 and 3 are done for real: one exercise passed, one ladder rung run.
    learner.refused("next", "exercise")
    learner.ok("exercises start 1")
    starter = home / "workspace" / "exercises" / "01_fizzbuzz.py"
    starter.write_text(FIZZBUZZ, encoding="utf-8")
    assert "pass" in learner.ok("exercises check 1").lower()
    learner.ok("next")
    learner.refused("next", "rung")
    learner.ok("ladder run diabetes --rung 1")
    assert "rung" in learner.ok([])  # the status shows the practice of this pass
    learner.ok("next")
    csv = tmp_path / "messages.csv"
    csv.write_text("text,label\nhello there,ham\nWIN A PRIZE now,spam\n", encoding="utf-8")
    learner.ok(["project", "new", "Spam filter", "--days", "7", "--data", str(csv), "--dir", str(tmp_path / "spam")])
    assert (tmp_path / "spam" / "data" / "messages.csv").read_text(encoding="utf-8").startswith("text,label")
    learner.at(28).ok(["project", "done", "--summary", "TF-IDF + logistic regression"])  # 4 days early
    learner.ok("next")
    learner.ok(["gap", "add", "what does TF-IDF's idf term do?"])
    gap_id = learner.json("gap list")[0]["id"]
    learner.ok(f"gap keep {gap_id} --days 2")
    learner.at(29).ok(["gap", "done", "--learned", "it down-weights words every document has"])
    learner.ok("next")
    learner.ok(["pass", "close", "--retro", "shorter project, sharper gap"])

    # History and the descent plot say what happened.
    rows = learner.json("history")
    assert [r["number"] for r in rows] == [1, 2, 3]
    first_pass, second_pass = rows[0], rows[1]
    assert first_pass["focus_id"] == "graph-neural-networks" and second_pass["focus_id"] == "nlp"
    assert [c["kind"] for c in first_pass["speed_ups"]] == ["skip", "skip"]
    assert [c["kind"] for c in first_pass["slow_downs"]] == ["extend"]
    assert sorted(c["kind"] for c in second_pass["speed_ups"]) == ["early", "early"]
    assert second_pass["days_per_step"]["language"] == 0 and second_pass["days_per_step"]["libraries"] == 0
    assert first_pass["project_status"] == "done" and first_pass["gap_status"] == "done"
    assert first_pass["days"] == 24.0 and second_pass["days"] == 5.0
    assert first_pass["gaps_open_after"] == 2 and second_pass["gaps_open_after"] == 2
    png = tmp_path / "descent.png"
    learner.ok(["history", "--png", str(png)])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Export, import into a fresh home, export again: identical.
    out1, out2 = tmp_path / "one.json", tmp_path / "two.json"
    learner.ok(["export", str(out1)])
    other_home = tmp_path / "other-home"
    learner.ok(["--home", str(other_home), "import", str(out1)])
    learner.refused(["--home", str(other_home), "import", str(out1)], "already has data")
    learner.ok(["--home", str(other_home), "export", str(out2)])
    assert out1.read_bytes() == out2.read_bytes()
    tables = json.loads(out1.read_text())["tables"]
    assert len(tables["passes"]) == 3 and len(tables["projects"]) == 2 and len(tables["gaps"]) == 4
    assert (home / "learnloop.db").exists()
