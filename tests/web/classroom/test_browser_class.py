"""A class in a real browser (Debian's chromium through Playwright) on a real class server: a teacher signs in,
creates a class and gets a code; students join on the web; the teacher sees them in the class view, the one
who did nothing for longer than the class allows marked stuck.

:func:`more_students` is the hook for students who join another way (the lead adds the one who joins by
``learnloop class join`` + ``learnloop sync`` from a CLI home once the sync branch lands): each entry is called
with ``(base_url, code)`` after the web students joined and returns the name the class view must show.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.classroom.people import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS_ENV = "LEARNLOOP_SHOTS"  # a folder to copy the screenshots into, to look at them after the run
START = "2026-11-02T09:00:00+00:00"
LATER = "2026-11-12T09:00:00+00:00"  # ten days on: past the class's inactive_days (7)


def join_by_sync(laptop: Path) -> Callable[[str, str], str]:
    """A laptop learner in a CLI home of their own: `learnloop start`, `learnloop class join URL --code CODE`,
    `learnloop sync`, as a user types them (the installed script, in a subprocess)."""
    import subprocess
    import sys

    def join(base: str, code: str) -> str:
        script = Path(sys.executable).parent / "learnloop"
        env = {**os.environ, "LEARNLOOP_HOME": str(laptop / "home"), "LEARNLOOP_CONFIG_DIR": str(laptop / "config")}
        for line in (
            ["start"],
            ["class", "join", base, "--code", code, "--name", "Cleo Laptop", "--login", "cleo"],
            ["sync"],
        ):
            done = subprocess.run([str(script), *line], env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, (line, done.stdout, done.stderr)
        return "Cleo Laptop"

    return join


@pytest.fixture
def more_students(tmp_path: Path) -> list[Callable[[str, str], str]]:
    """Students who join other than on the web (see the module's doc): the laptop one once `learnloop sync`
    is in this tree."""
    import importlib.util

    if importlib.util.find_spec("learnloop.cli.sync") is None:
        return []
    return [join_by_sync(tmp_path / "laptop")]


@pytest.fixture
def class_url(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import socket

    import uvicorn

    from learnloop import config
    from learnloop.classroom.accounts import create_learner
    from learnloop.config import resolve_settings
    from learnloop.web.app import WebOptions, create_app

    monkeypatch.setenv("LEARNLOOP_NOW", START)
    settings = resolve_settings()
    app = create_app(settings, options=WebOptions(class_mode=True))
    with app.state.server.store.across_learners() as session:
        create_learner(
            session,
            login="tess",
            name="Tess Teacher",
            email="tess@school.example",
            role="teacher",
            password=PASSWORD,
            origin="server",
            now=config.now(),
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    web = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not web.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert web.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    web.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def chromium(require_system: Any) -> Iterator[Any]:
    require_system("Debian's chromium", CHROMIUM.exists(), "apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def _join_on_the_web(chromium: Any, base: str, code: str, name: str, email: str) -> Any:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/join")
    page.fill("#code", code)
    page.fill("#name", name)
    page.fill("#email", email)
    page.fill("#join-password", PASSWORD)
    page.get_by_role("button", name="Join").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{base}/"), page.url
    assert page.locator(".error").count() == 0, page.locator(".error").first.inner_text()
    assert name in page.locator("header").inner_text()  # signed in as the new account
    return page


def test_a_teacher_makes_a_class_and_sees_students_join(
    chromium: Any,
    class_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    more_students: list[Callable[[str, str], str]],
) -> None:
    teacher = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    teacher.goto(f"{class_url}/classes")
    assert "/login" in teacher.url  # signed out: sent to sign in
    teacher.fill("#login", "tess")
    teacher.fill("#password", PASSWORD)
    teacher.get_by_role("button", name="Sign in").click()
    teacher.wait_for_load_state()
    assert teacher.url.endswith("/classes")
    teacher.fill("#class-name", "ML top-down, autumn")
    teacher.get_by_role("button", name="Create class").click()
    teacher.wait_for_load_state()
    assert teacher.locator("h1").inner_text() == "ML top-down, autumn"
    class_page = teacher.url.split("?")[0]
    teacher.get_by_role("button", name="Make a code").click()
    teacher.wait_for_load_state()
    code = teacher.locator("#invite-code strong.code").inner_text().strip()
    assert code

    _join_on_the_web(chromium, class_url, code, "Ben Ito", "ben@school.example")  # joins, then never comes back
    monkeypatch.setenv("LEARNLOOP_NOW", LATER)  # ten days later (the class calls 7 days idle "inactive")
    ana = _join_on_the_web(chromium, class_url, code, "Ana Lima", "ana@school.example")
    ana.get_by_role("button", name="Start").first.click()  # she starts her first pass today
    ana.wait_for_load_state()
    names = ["Ana Lima", "Ben Ito"] + [join(class_url, code) for join in more_students]

    teacher.goto(class_page)
    teacher.wait_for_load_state()
    rows = teacher.locator("table.class-view tbody tr")
    assert rows.count() == len(names)
    text = teacher.locator("table.class-view").inner_text()
    for name in names:
        assert name in text
    stuck = teacher.locator("tr.stuck-row")
    assert stuck.count() >= 1 and "Ben Ito" in stuck.first.inner_text()  # stuck first
    assert "inactive" in stuck.first.inner_text()
    assert "Ana Lima" in rows.nth(stuck.count()).inner_text()  # she is working: after the stuck ones
    assert teacher.locator("figure.funnel meter").count() >= 7  # not started + steps 0-6
    overflow = teacher.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shot = tmp_path / "class-view.png"
    teacher.screenshot(path=str(shot), full_page=True)
    if os.environ.get(SHOTS_ENV):
        folder = Path(os.environ[SHOTS_ENV])
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, folder / "class-view.png")
