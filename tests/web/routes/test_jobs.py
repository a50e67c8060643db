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
