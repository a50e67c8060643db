"""A job's page refreshes itself while it runs, then shows the result or one error line."""

from __future__ import annotations

import threading

from learnloop.errors import UserError

from ..conftest import Web, alert


def test_running_job_page_refreshes_without_javascript(web: Web) -> None:
    release = threading.Event()

    def work(progress: object) -> dict[str, object]:
        progress(3, 10, "reading files")  # type: ignore[operator]
        release.wait(10)
        return {"report": None}

    job = web.server.jobs.submit("study", "Study of slow", work, back="/study")
    for _ in range(200):
        if job.state == "running" and job.label:
            break
        threading.Event().wait(0.01)
    page = web.get(f"/jobs/{job.id}").text
    assert '<meta http-equiv="refresh" content="1">' in page
    assert "reading files (3 of 10)" in page
    assert '<progress max="100" value="30"' in page
    release.set()
    web.server.jobs.wait(job.id)


def test_failed_job_shows_its_one_line_with_its_status(web: Web) -> None:
    def work(progress: object) -> None:
        raise UserError("lab.csv has no column 'price'")

    job = web.server.jobs.submit("baseline", "Baseline on lab.csv", work, back="/lab")
    web.server.jobs.wait(job.id)
    response = web.get(f"/jobs/{job.id}")
    assert response.status_code == 400
    assert alert(response) == "lab.csv has no column 'price'"
    assert 'http-equiv="refresh"' not in response.text
    assert 'href="/lab"' in response.text


def _wait_for(condition: object, seconds: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)
    assert condition(), "timed out"  # type: ignore[operator]


def test_a_huge_study_is_cancelled_from_its_page_while_a_baseline_runs_beside_it(web: Web) -> None:
    import os
    import re

    huge = web.settings.workspace / "huge"
    for d in range(40):
        sub = huge / f"pkg{d}"
        sub.mkdir(parents=True)
        for f in range(400):
            (sub / f"m{f}.py").write_text(f"import os\nfrom pkg{d} import m{(f + 1) % 400}\nX = {f}\n")
    baseline = web.post("/lab/baseline", {"dataset": "penguins", "cv": "3"}, follow=False)
    baseline_id = baseline.headers["location"].removeprefix("/jobs/")
    study = web.post("/study", {"path": "huge"}, follow=False)
    study_id = study.headers["location"].removeprefix("/jobs/")
    board = web.server.jobs
    job = board.get(study_id)
    _wait_for(lambda: job.state == "running" and job.pid is not None and job.done > 0)
    assert board.get(baseline_id).state == "running"  # both at once: the pool has two workers
    page = web.get(f"/jobs/{study_id}").text
    assert f'action="/jobs/{study_id}/cancel"' in page
    listing = web.get("/jobs").text
    assert f'action="/jobs/{study_id}/cancel"' in listing and f'action="/jobs/{baseline_id}/cancel"' in listing
    pid = job.pid
    response = web.post(f"/jobs/{study_id}/cancel", {})
    assert response.status_code == 200
    _wait_for(lambda: job.finished, 10)
    assert job.state == "cancelled"
    assert "cancelled" in web.get(f"/jobs/{study_id}").text
    _wait_for(lambda: not _alive(pid), 5)  # the study's process (and its group) is gone, not left running
    done = board.wait(baseline_id, timeout=300)
    assert done.state == "done", done.error
    assert re.search(r"Done in [0-9.]+ s", web.get(f"/jobs/{baseline_id}").text)
    assert not os.path.exists(os.path.join(job.folder or "", "study.md"))


def _alive(pid: int | None) -> bool:
    import os

    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_results_are_listed_and_downloaded_after_a_restart(web: Web, tmp_path: object) -> None:
    from fastapi.testclient import TestClient

    from learnloop.web.app import create_app

    repo = web.settings.workspace / "tiny"
    repo.mkdir(parents=True)
    (repo / "a.py").write_text("import numpy\n")
    study_id = web.post("/study", {"path": "tiny"}, follow=False).headers["location"].removeprefix("/jobs/")
    assert web.server.jobs.wait(study_id).state == "done"
    with TestClient(create_app(web.settings), base_url="http://127.0.0.1") as again:
        page = again.get(f"/jobs/{study_id}")
        assert page.status_code == 200 and "Reading order" in page.text, page.text[page.text.find("<main") :][:1500]
        assert study_id in again.get("/jobs").text and study_id in again.get("/study").text
        download = again.get(f"/jobs/{study_id}/files/study.md")
        assert download.status_code == 200 and download.text.startswith("#")
        assert "attachment" in download.headers["content-disposition"]
