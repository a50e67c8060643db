"""A class server's own parts: heavy jobs queued per student with a quota and run outside the web process, each
student's folders apart, the database down (503, one line), and several server processes (`--workers`)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from tests.web.classroom.people import PASSWORD, alert


def test_jobs_have_a_quota_per_student(class_server: Any) -> None:
    from learnloop.jobs.board import QuotaReached

    ana_id, ben_id = class_server.account("ana"), class_server.account("ben")
    server = class_server.app.state.server
    release = threading.Event()

    def slow(progress: Any) -> dict[str, bool]:
        release.wait(30)
        return {"ok": True}

    ana_jobs = server.for_learner(ana_id).jobs
    try:
        for _ in range(server.options.job_quota):
            ana_jobs.submit("check", "a slow one", slow)
        with pytest.raises(QuotaReached) as refused:
            ana_jobs.submit("check", "one too many", slow)
        assert refused.value.http_status == 429 and "waiting or running" in str(refused.value)
        server.for_learner(ben_id).jobs.submit("check", "ben's own share", slow)  # ben's quota is his own
        ana = class_server.browser("ana")
        (server.for_learner(ana_id).settings.workspace / "proj").mkdir()
        page = ana.post("/study", {"path": "proj"})
        assert page.status_code == 429 and "waiting or running" in (alert(page) or "")
    finally:
        release.set()


def test_a_heavy_job_runs_in_a_child_process_in_the_students_folder(class_server: Any) -> None:
    ana_id = class_server.account("ana")
    ana = class_server.browser("ana")
    server = class_server.app.state.server
    workspace = server.for_learner(ana_id).settings.workspace
    assert workspace.is_relative_to(class_server.settings.home / "learners")
    (workspace / "proj").mkdir()
    (workspace / "proj" / "model.py").write_text("def fit(x):\n    return x\n")
    started = ana.post("/study", {"path": "proj"})
    assert started.status_code == 303, alert(started)
    job_id = started.headers["location"].removeprefix("/jobs/")
    seen: list[int | None] = []
    job = server.jobs.get(job_id)
    deadline = time.monotonic() + 60
    while not job.finished and time.monotonic() < deadline:
        seen.append(job.pid)
        time.sleep(0.02)
    assert job.state == "done", job.error
    assert job.learner_id == ana_id
    pids = {p for p in seen if p}
    assert pids and os.getpid() not in pids  # the study ran in a child process, never in the web process
    outside = ana.post("/study", {"path": str(class_server.settings.home)})  # the server's home is not hers
    assert outside.status_code == 400


def test_the_database_down_is_a_503_page(class_server: Any) -> None:
    from learnloop.store.db import Store

    class_server.account("ana")
    ana = class_server.browser("ana")
    server = class_server.app.state.server
    kept = server.store
    server.store = Store("postgresql+psycopg://learnloop:learnloop@127.0.0.1:9/none?connect_timeout=2")
    try:
        for path in ("/", "/gaps", "/login"):
            page = ana.get(path)
            if path == "/login":
                assert page.status_code in (200, 503)  # the sign-in page itself needs no database
                continue
            assert page.status_code == 503, (path, page.status_code)
            assert page.headers["retry-after"] == "60"
            assert "database is not answering" in page.text and "Traceback" not in page.text
        refused = ana.client.post("/login", data={"csrf": "x", "login": "ana", "password": PASSWORD})
        assert refused.status_code in (403, 503)
    finally:
        server.store.dispose()
        server.store = kept
    assert ana.get("/gaps").status_code == 200  # back as soon as the database answers


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_several_server_processes_share_sessions_and_pages(home: Path) -> None:
    """`learnloop serve --class --workers 2`: a session opened by one process is known to the other, and a
    change made through one is seen through both (nothing a page shows is kept in one process's memory)."""
    import httpx

    from learnloop import config
    from learnloop.classroom.accounts import create_learner
    from learnloop.config import resolve_settings
    from learnloop.store.db import open_store

    store = open_store(resolve_settings())
    with store.across_learners() as session:
        create_learner(
            session,
            login="ana",
            name="Ana",
            email="ana@school.example",
            role="student",
            password=PASSWORD,
            origin="server",
            now=config.now(),
        )
    store.dispose()
    port = _free_port()
    script = Path(sys.executable).parent / "learnloop"
    env = {**os.environ, "LEARNLOOP_HOME": str(home), "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    server = subprocess.Popen(
        [str(script), "serve", "--class", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).text == "ok":
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, follow_redirects=False, timeout=10) as browser:
            token = re.search(r'name="csrf" value="([0-9a-f]+)"', browser.get("/login").text).group(1)  # type: ignore[union-attr]
            signed = browser.post("/login", data={"csrf": token, "login": "ana", "password": PASSWORD})
            assert signed.status_code == 303
            assert browser.post("/start", data={"csrf": token}).status_code == 303
            added = browser.post("/gaps", data={"csrf": token, "text": "what is a margin?"})
            assert added.status_code == 303
            pages = [browser.get("/gaps") for _ in range(12)]  # answered by either process
            assert all(p.status_code == 200 and "what is a margin?" in p.text for p in pages)
    finally:
        server.send_signal(2)
        out, err = server.communicate(timeout=30)
    assert "2 processes" in out
    assert "Traceback" not in err, err
