"""What the CLI can do, the page can do: one route test per power that was missing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ..conftest import Web


def _job_of(web: Web, response: object) -> object:
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert location.startswith("/jobs/")
    return web.server.jobs.wait(location.removeprefix("/jobs/"), timeout=300)


def test_the_lab_page_offers_every_baseline_option(web: Web) -> None:
    page = web.get("/lab").text
    for name in ("metric", "task", "models", "drop", "model_timeout", "budget", "cv", "upload", "target"):
        assert f'name="{name}"' in page, name


@pytest.mark.slow
def test_baseline_with_metric_task_models_drop_and_model_timeout_writes_its_report(web: Web) -> None:
    response = web.post(
        "/lab/baseline",
        {
            "dataset": "penguins",
            "cv": "2",
            "metric": "balanced_accuracy",
            "task": "classification",
            "models": ["logistic-regression", "decision-tree"],
            "drop": "island",
            "model_timeout": "120",
        },
        follow=False,
    )
    job = _job_of(web, response)
    assert job.state == "done", job.error  # type: ignore[attr-defined]
    board = job.result["board"]  # type: ignore[attr-defined]
    assert board["metric"] == "balanced_accuracy" and board["task"] == "classification"
    assert {r["model"] for r in board["results"]} == {"dummy", "logistic-regression", "decision-tree"}
    folder = Path(job.folder)  # type: ignore[attr-defined]
    assert folder.is_relative_to(web.settings.workspace / "lab")
    for name in ("baseline.md", "baseline.json", "leaderboard.png", "leaderboard.csv"):
        assert (folder / name).is_file(), name
    assert json.loads((folder / "baseline.json").read_text())["metric"] == "balanced_accuracy"
    assert job.params["drop"] == ["island"] and job.params["model_timeout"] == 120.0  # type: ignore[attr-defined]
    page = web.get(f"/jobs/{job.id}").text  # type: ignore[attr-defined]
    assert "balanced accuracy" in page.lower()


def test_bad_baseline_options_are_refused_beside_their_field(web: Web) -> None:
    assert "no metric called" in web.refused("/lab/baseline", {"dataset": "penguins", "metric": "speed"})
    assert "classification or regression" in web.refused("/lab/baseline", {"dataset": "penguins", "task": "x"})
    assert "no model called" in web.refused("/lab/baseline", {"dataset": "penguins", "models": ["nope"]}, status=404)
    assert "positive number of seconds" in web.refused("/lab/baseline", {"dataset": "penguins", "model_timeout": "inf"})


@pytest.mark.slow
def test_try_with_a_data_set_of_the_map(web: Web) -> None:
    response = web.post("/lab/try/decision-tree", {"topic": "decision-tree", "dataset": "iris"}, follow=False)
    job = _job_of(web, response)
    assert job.state == "done", job.error  # type: ignore[attr-defined]
    assert job.result["trial"]["data"].lower().startswith("iris")  # type: ignore[attr-defined]
    assert "try.json" in job.files() and "decision-tree.png" in job.files()  # type: ignore[attr-defined]
    card = web.get("/map/decision-tree").text
    assert 'name="dataset"' in card


def test_notes_are_edited_and_deleted_and_stay_visible_after_the_pass(web: Web) -> None:
    web.start()
    web.ok("/notes", {"text": "first note", "kind": "pattern"})
    web.ok("/notes", {"text": "note-to-delete", "kind": "unclear"})
    note_id = re.findall(r'action="/notes/(\d+)/edit"', web.get("/study").text)[0]
    web.ok(f"/notes/{note_id}/edit", {"text": "first note, better", "kind": "understood"})
    page = web.get("/study").text
    assert "first note, better" in page and "first note</li>" not in page
    other = re.findall(r'action="/notes/(\d+)/delete"', page)[1]
    web.ok(f"/notes/{other}/delete")
    assert "note-to-delete" not in web.get("/study").text
    assert len(web.rows()["notes"]) == 1
    assert "not found" not in web.refused("/notes/999/edit", {"text": "x", "kind": "pattern"}, status=404)


def test_past_passes_notes_are_visible_after_a_pass_closes(web: Web) -> None:
    web.to_step(6)
    web.ok("/pass/close", {"retro": "went well"})
    page = web.get("/study").text
    assert "Notes of past passes" in page and "layers repeat" in page
    assert 'action="/notes/' not in page  # read-only: the pass is closed


def test_gaps_are_edited_and_deleted(web: Web) -> None:
    web.start()
    web.ok("/gaps", {"text": "kernels"})
    web.ok("/gaps", {"text": "priors"})
    page = web.get("/gaps").text
    first, second = re.findall(r'action="/gaps/(\d+)/edit"', page)[:2]
    web.ok(f"/gaps/{first}/edit", {"text": "kernel trick"})
    web.ok(f"/gaps/{second}/delete")
    page = web.get("/gaps").text
    assert "kernel trick" in page and "priors" not in page
    assert [r[2] for r in web.rows()["gaps"]] == ["kernel trick"]
    assert web.refused(f"/gaps/{first}/edit", {"text": "  "}).startswith("describe the gap")


def test_references_are_edited_and_deleted(web: Web) -> None:
    web.start()
    web.ok("/reference", {"source": "tkipf/pygcn", "why": "the author's"})
    ref_id = re.findall(r'action="/reference/(\d+)/edit"', web.get("/study").text)[0]
    web.ok(f"/reference/{ref_id}/edit", {"source": "pyg-team/pytorch_geometric", "why": "bigger"})
    page = web.get("/study").text
    assert "https://github.com/pyg-team/pytorch_geometric" in page and "tkipf/pygcn</a>" not in page
    web.ok(f"/reference/{ref_id}/delete")
    assert web.rows()["reference_projects"] == []


def test_ladder_copy_writes_the_script_into_the_workspace(web: Web) -> None:
    response = web.ok("/ladders/penguins/1/copy")
    assert "Copied to" in response.text
    copied = list((web.settings.workspace / "ladders" / "penguins").glob("*.py"))
    assert len(copied) == 1 and "def run(" in copied[0].read_text()
    message = web.refused("/ladders/penguins/1/copy")
    assert "already in your workspace" in message
    web.ok("/ladders/penguins/1/copy", {"force": "true"})
    assert web.refused("/ladders/nope/1/copy", status=404)


def test_resources_filter_and_come_in_pages(web: Web) -> None:
    first = web.get("/resources").text
    assert "page 1 of" in first and 'rel="next"' in first
    rows = first.count("<tr id=")
    assert rows == 25
    second = web.get("/resources?page=2").text
    assert 'rel="prev"' in second
    books = web.get("/resources?kind=book&free=1").text
    assert "<td>book</td>" in books and "<td>blog</td>" not in books
    words = web.get("/resources?q=deep+learning").text
    assert words.count("<tr id=") >= 1
    assert "0 resources" in web.get("/resources?q=zzzzqqqq").text
    assert web.get("/resources?page=9999").status_code == 200
