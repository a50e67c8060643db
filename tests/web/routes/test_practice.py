"""Steps 2 and 3 on the web: exercises (start, check), ladders (code, run), progress in the pass."""

from __future__ import annotations

import re

from ..conftest import Web


def _job(web: Web, response: object) -> object:
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert location.startswith("/jobs/")
    job = web.server.jobs.wait(location.removeprefix("/jobs/"), timeout=180)
    assert job.state == "done", job.error
    return web.get(location)


def test_exercises_list_and_one_exercise(web: Web) -> None:
    page = web.get("/exercises").text
    assert "0 of " in page and 'action="/exercises/1/start"' in page
    one = web.get("/exercises/1").text
    assert "Starter" in one and "<pre><code>" in one and "Start: write the starter file" in one


def test_a_script_exercise_shows_its_files_a_hint_on_request_and_the_sandbox(web: Web) -> None:
    from learnloop.exercises.catalog import find_exercise

    item = find_exercise("second-module")
    page = web.get(f"/exercises/{item.number}").text
    assert "geometry.py" in page and "main.py" in page and "sandbox" in page
    assert "Hint:" not in page and "A solution" not in page
    assert "Hint:" in web.get(f"/exercises/{item.number}?show=hint").text
    assert web.get(f"/exercises/{item.number}?show=solution").status_code == 400  # not passed yet


def test_unknown_exercise_is_a_404_or_400(web: Web) -> None:
    assert web.get("/exercises/999").status_code == 400
    response = web.get("/exercises/fizbuzz")
    assert response.status_code == 404 and "did you mean" in response.text


def test_start_then_check_records_the_result_in_the_pass(web: Web) -> None:
    web.ok("/start")
    response = web.ok("/exercises/1/start")
    assert "Starter file written" in response.text and "Check my answer" in response.text
    refused = web.refused("/exercises/1/start")
    assert refused.endswith("start over and overwrite it with the starter") and "--" not in refused
    page = _job(web, web.post("/exercises/1/check", follow=False))
    assert page.status_code == 200
    assert '<span class="tag bad">fail</span>' in page.text  # the starter does not solve it yet
    practice = web.rows()["practice"]
    assert len(practice) == 1 and practice[0][2] == "exercise" and practice[0][5] == 0


def test_ladders_list_and_rung_code(web: Web) -> None:
    page = web.get("/ladders").text
    assert "stop before LAPACK" in page and 'href="/ladders/diabetes/1"' in page
    rung = web.get("/ladders/diabetes/1").text
    assert "Rung 1 of 4" in rung and "def run(" in rung and "one level lower" in rung
    lowest = web.get("/ladders/diabetes/4").text
    assert "below it is LAPACK" in lowest
    assert web.get("/ladders/diabetes/9").status_code in (400, 404)
    assert web.get("/ladders/nope/1").status_code == 404


def test_running_a_rung_records_it_for_step_3(web: Web) -> None:
    web.to_step(3)
    page = _job(web, web.post("/ladders/diabetes/1/run", follow=False))
    assert re.search(r"Test r2: <strong>0\.\d{4}</strong>", page.text)
    assert "run 1×" in web.get("/ladders").text
    assert web.ok("/next").url.path == "/"  # a rung run satisfies step 3
    assert "Pass 1 · step 4" in web.get("/").text


def test_running_an_unknown_rung_starts_nothing(web: Web) -> None:
    assert "'nope'" in web.refused("/ladders/nope/1/run", status=404)
    assert web.server.jobs.recent() == []
