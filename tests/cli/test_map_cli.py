"""Step 0 commands through the real entry point: map, search, resources, interests, focus, stack."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from learnloop.atlas.load import load_atlas


def test_map_tree_lists_every_kind(cli: Callable[..., object]) -> None:
    result = cli("map")
    assert result.exit_code == 0
    for heading in ("paradigms", "models", "applications", "tools", "math", "concepts"):
        assert heading in result.stdout
    assert "Support vector machine" in result.stdout or "svm" in result.stdout


def test_map_json_is_complete(cli: Callable[..., object]) -> None:
    data = json.loads(cli("map --json").stdout)
    assert sum(len(v) for v in data.values()) == len(load_atlas().topics)
    models = json.loads(cli("map --kind model --json").stdout)
    assert set(models) == {"model"}


def test_model_card_says_how_to_run_it(cli: Callable[..., object]) -> None:
    result = cli("map svm")
    assert result.exit_code == 0
    assert "learnloop try svm" in result.stdout
    assert "cost" in result.stdout and "why" in result.stdout
    card = json.loads(cli("map svm --json").stdout)
    assert card["model"]["estimator"] == "sklearn.svm.SVC"


def test_unknown_topic_suggests_close_ids(cli: Callable[..., object]) -> None:
    result = cli("map svn")
    assert result.exit_code == 2
    assert "did you mean" in result.stderr and "'svm'" in result.stderr
    assert result.stderr.count("\n") == 1
    assert cli("map --kind robots").exit_code == 2


def test_search_ranks_names_first(cli: Callable[..., object]) -> None:
    hits = json.loads(cli("search random forest --json").stdout)["hits"]
    assert hits[0]["id"] == "random-forest"
    hits = json.loads(cli("search graph neural --json").stdout)["hits"]
    assert hits[0]["id"] == "graph-neural-network"
    assert "graph-neural-networks" in [h["id"] for h in hits[:5] if h["kind"] == "focus"]
    assert cli("search ???").exit_code == 2
    assert "not on the map" in cli("search zzzzqqqxxx").stdout


def test_search_says_when_a_term_is_not_on_the_map(cli: Callable[..., object]) -> None:
    found = json.loads(cli("search LoRA --json").stdout)
    assert found["on_map"] and found["hits"][0]["id"] == "fine-tuning" and found["nearest"] == []
    absent = json.loads(cli("search blockchain --json").stdout)
    assert not absent["on_map"] and absent["hits"] == [] and absent["nearest"]
    assert all(h["kind"] == "topic" for h in absent["nearest"])
    shown = cli("search quantum annealing").stdout
    assert "'quantum annealing' is not on the map" in shown and "Nearest topics (not matches)" in shown
    assert "score" not in shown  # nearest topics are never dressed up as a table of hits


def test_resources_filter(cli: Callable[..., object]) -> None:
    books = json.loads(cli("resources --kind book --json").stdout)
    assert books and all(r["kind"] == "book" for r in books)
    free = json.loads(cli("resources --free --level beginner --json").stdout)
    assert free and all(r["free"] and r["level"] == "beginner" for r in free)
    for_svm = json.loads(cli("resources --topic svm --json").stdout)
    assert all("svm" in r["topics"] or r["id"] in load_atlas().topic("svm").resources for r in for_svm)
    assert cli("resources --kind poem").exit_code == 2
    assert cli("resources --topic nowhere").exit_code == 2


def test_interests_and_focus(cli: Callable[..., object]) -> None:
    assert "No ranking yet" in cli("interests").stdout
    assert cli("focus nlp").exit_code == 2  # no pass started
    cli("start")
    ranked = json.loads(cli("interests rank --order nlp,time-series --json").stdout)
    assert [r["rank"] for r in ranked] == [1, 2]
    assert cli("interests rank --order nlp,nlp").exit_code == 2
    assert cli("focus computer-vison").exit_code == 2
    listed = json.loads(cli("focus --json").stdout)  # without an id: the focuses, ranked, and the pinned one
    assert listed["pinned"] is None and [f["id"] for f in listed["focuses"][:2]] == ["nlp", "time-series"]
    assert json.loads(cli("focus nlp --json").stdout)["focus"] == "nlp"
    assert json.loads(cli("focus --json").stdout)["pinned"] == "nlp"
    assert "pinned" in cli("focus").stdout
    listing = json.loads(cli("interests --json").stdout)
    assert listing[0]["pinned"] is True


def test_interactive_ranking_takes_numbers(cli: Callable[..., object]) -> None:
    cli("start")
    focuses = list(load_atlas().focuses)
    result = cli("interests rank", input="2, 1\n")
    assert result.exit_code == 0, result.output
    assert json.loads(cli("interests --json").stdout)[0]["focus_id"] == focuses[1]


def test_stack_check_reports_installed_packages(cli: Callable[..., object]) -> None:
    assert cli("stack").exit_code == 2  # nothing pinned
    report = json.loads(cli("stack tabular-prediction --check --json").stdout)
    sklearn = next(p for p in report["packages"] if p["import_name"] == "sklearn")
    assert sklearn["installed"] is True and sklearn["version"]
    text = cli("stack tabular-prediction --check").stdout
    assert "scikit-learn" in text


def test_bad_home_and_corrupt_database_are_one_line(cli: Callable[..., object], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = cli(["--home", str(blocker / "sub"), "start"])
    assert result.exit_code == 2 and result.stderr.startswith("error:") and result.stderr.count("\n") == 1
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "learnloop.db").write_bytes(b"\x00garbage" * 500)
    result = cli(["--home", str(corrupt), "start"])
    assert result.exit_code == 2 and "not a learnloop database" in result.stderr


def test_no_color_output_has_no_escape_codes(cli: Callable[..., object]) -> None:
    assert "\x1b[" not in cli("map").stdout
    assert "\x1b[" not in cli([]).stdout


def test_narrow_terminal_still_renders(cli: Callable[..., object]) -> None:
    narrow = {"COLUMNS": "40"}
    for args in ("map", "map xgboost", "resources --kind book", "search svm", ""):
        result = cli(args, env=narrow)
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout.strip()


def test_reference_suggestions_carry_their_status(cli: Callable[..., object]) -> None:
    assert cli("start").exit_code == 0
    assert cli("focus large-language-models").exit_code == 0
    shown = cli("reference list")
    assert shown.exit_code == 0, shown.output
    assert "karpathy/nanoGPT" in shown.stdout and "deprecated" in shown.stdout and "nanochat" in shown.stdout
    data = json.loads(cli("reference list --json").stdout)
    statuses = {s["repo"]: s["status"] for s in data["suggestions"]}
    assert statuses["karpathy/nanoGPT"] == "deprecated" and statuses["karpathy/ng-video-lecture"] == "active"


def test_search_words_the_best_topic_s_practice_as_commands(cli: Callable[..., object]) -> None:
    shown = cli("search calibration").stdout
    assert "learnloop try naive-bayes" in shown and "learnloop baseline breast-cancer --target target" in shown
    shown = cli("search LoRA").stdout
    assert "--data tiny-shakespeare" in shown and "learnloop focus large-language-models" in shown
