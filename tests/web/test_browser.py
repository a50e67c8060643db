"""A learner's whole pass in a real browser (Debian's chromium through Playwright), on a real server.

The server runs uvicorn in a thread of this process, so moving the clock (``LEARNLOOP_NOW``) between
the steps of the pass is one environment change. The walk runs at 1280 px and at 375 px wide; every
page is checked for sideways overflow, and screenshots go to the test's temp folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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
# The deepest element that sticks out on the right, to name it when a page is too wide.
WIDEST = """() => { let found = '';
  for (const e of document.querySelectorAll('body *')) {
    if (e.closest('.table-wrap, pre')) continue;  // these scroll inside their own box
    const r = e.getBoundingClientRect();
    if (r.right > window.innerWidth + 1)
      found = e.tagName + '.' + e.className + ' ' + Math.round(r.right) + ' ' + (e.textContent || '').slice(0, 60);
  } return found; }"""
SCRIPT_GAP = "<script>alert('gap')</script> why does the kernel trick work?"
# Controls (buttons, fields, button links, summaries) that stick out of the window, outside a box that scrolls.
CUT_OFF = """() => { const found = [];
  for (const e of document.querySelectorAll('button, input:not([type=hidden]), select, textarea, a.button, summary')) {
    if (e.closest('.table-wrap, pre')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // inside a closed <details>
    if (r.right > window.innerWidth + 1 || r.left < -1)
      found.push(e.tagName + ' ' + (e.getAttribute('name') || e.textContent || '').trim().slice(0, 40));
  } return found; }"""
SHOTS_ENV = "LEARNLOOP_SHOTS"  # a folder to copy the screenshots into, to look at them after the run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import uvicorn

    from learnloop.config import resolve_settings
    from learnloop.web.app import create_app

    monkeypatch.setenv("LEARNLOOP_NOW", "2026-11-02T09:00:00+00:00")
    port = _free_port()
    web = uvicorn.Server(
        uvicorn.Config(
            create_app(resolve_settings()), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
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


class Walk:
    """One browser tab walking the dashboard, checking each page as it goes."""

    def __init__(self, page: Any, base: str, shots: Path, width: int) -> None:
        self.page, self.base, self.shots, self.width = page, base, shots, width
        self.dialogs: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def go(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.check()

    def check(self, *, refused: bool = False) -> None:
        """No error line (unless a refusal is expected), nothing wider than the window (a phone must not scroll
        sideways), and no control cut off at the edge."""
        if not refused:
            assert self.page.locator(".error").count() == 0, self.page.locator(".error").first.inner_text()
        cut = self.page.evaluate(CUT_OFF)
        assert cut == [], f"{self.page.url}: controls cut off at {self.width}px: {cut}"
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        culprit = self.page.evaluate(WIDEST) if overflow > 0 else ""
        if overflow > 0:
            self.page.screenshot(path=str(self.shots / f"{self.width}-too-wide.png"), full_page=True)
        assert overflow <= 0, f"{self.page.url} is {overflow}px wider than a {self.width}px window: {culprit}"

    def click(self, role: str, name: str, **kwargs: Any) -> None:
        self.page.get_by_role(role, name=name, **kwargs).first.click()
        self.page.wait_for_load_state()
        self.check()

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{self.width}-{name}.png"), full_page=True)

    def until(self, text: str, seconds: float = 120) -> None:
        """A job's page refreshes itself (no JavaScript): wait until ``text`` shows, then check the page."""
        self.page.get_by_text(text).first.wait_for(timeout=seconds * 1000)
        self.page.wait_for_load_state()
        self.check()

    def heading(self) -> str:
        return str(self.page.locator("h1").first.inner_text())


@pytest.mark.parametrize("width", [1280, 375])
def test_a_whole_pass_in_the_browser(
    server: str, chromium: Any, tmp_path: Path, width: int, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = chromium.new_context(
        viewport={"width": width, "height": 900 if width > 400 else 800}, java_script_enabled=False
    )  # progressive enhancement: no JavaScript needed
    walk = Walk(context.new_page(), server, tmp_path, width)
    page = walk.page
    repo = home / "workspace" / "tinyrepo" / "tiny"
    repo.mkdir(parents=True)
    (repo / "__init__.py").write_text("")
    (repo / "model.py").write_text("import numpy as np\n\n\ndef fit(x):\n    return np.mean(x)\n")
    (repo.parent / "train.py").write_text("from tiny.model import fit\n\nif __name__ == '__main__':\n    fit([1])\n")
    for d in range(20):  # a big folder to cancel the study of
        sub = home / "workspace" / "huge" / f"p{d}"
        sub.mkdir(parents=True)
        for f in range(300):
            (sub / f"m{f}.py").write_text(f"import os\nX = {f}\n")

    # Step 0: start, look at the map, rank interests and pin one focus.
    walk.go("/")
    walk.shot("00-welcome")
    walk.click("button", "Start your first pass")
    assert walk.heading() == "Pass 1 · step 0: Immerse yourself"
    walk.go("/map")
    walk.shot("01-map")
    page.locator("summary", has_text="Models").click()  # a closed branch of the tree opens without JavaScript
    walk.click("link", "Random forest", exact=True)
    assert page.get_by_role("button", name="Run Random forest").count() == 1
    walk.shot("02-topic")
    walk.go("/")
    walk.click("link", "Pin one focus")
    page.fill("#rank-tabular-prediction", "1")
    page.fill("#rank-time-series", "2")
    walk.click("button", "Save ranking")
    assert page.locator("#rank-tabular-prediction").input_value() == "1"
    page.locator("tr", has=page.locator("#rank-tabular-prediction")).get_by_role("button", name="Pin").click()
    page.wait_for_load_state()
    walk.check()
    assert "Pinned." in page.inner_text("main")
    walk.shot("03-focus")
    walk.go("/")
    walk.click("button", "Move on to step 1")

    # Step 1: a reference project and notes.
    walk.click("link", "Choose a reference project")
    page.locator("#reference").get_by_role("button", name="Choose").first.click()
    page.wait_for_load_state()
    page.fill("#note-text", "every model is fit, then predict")
    page.select_option("#note-kind", "pattern")
    walk.click("button", "Add the note")
    assert "every model is fit, then predict" in page.inner_text("#notes")
    walk.shot("04-study")
    # Parity on step 1: edit a note, add and edit a reference, delete one; study a folder with its notes file.
    page.locator("#notes details.edit summary").first.click()
    page.locator("#notes details.edit textarea").first.fill("every model is fit, then predicted")
    page.locator("#notes details.edit").first.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    walk.check()
    assert "every model is fit, then predicted" in page.inner_text("#notes")
    page.fill("#ref-source", "pyg-team/pytorch_geometric")
    walk.click("button", "Add the reference")
    page.locator("#reference details.edit summary").last.click()
    page.locator("#reference details.edit").last.get_by_role("button", name="Delete this reference").click()
    page.wait_for_load_state()
    walk.check()
    assert "pytorch_geometric" not in page.inner_text("#reference ul.editable")
    page.fill("#study-path", "tinyrepo")
    walk.click("button", "Study it", exact=True)
    walk.until("Reading order")
    assert page.get_by_role("link", name="study.md").count() == 1 and page.get_by_role("link", name="notes.md").count()
    walk.shot("04b-study-report")
    walk.go("/project")
    assert "What comes first" in page.inner_text("main") and page.locator("#p-title").count() == 0
    walk.go("/")

    walk.go("/")
    walk.click("button", "Move on to step 2")

    # Steps 2 and 3: skipped, each with a reason (speed-ups).
    page.fill("#skip-reason", "I write Python every day")
    walk.click("button", "Skip step 2")
    page.fill("#skip-reason", "I use scikit-learn at work")
    walk.click("button", "Skip step 3")
    assert walk.heading() == "Pass 1 · step 4: Do one project"

    # Step 4: a project on a data set of the map, and gaps noted along the way.
    walk.click("link", "Start your project")
    page.fill("#p-title", "Penguin species from measurements")
    page.fill("#p-days", "14")
    page.select_option("#p-dataset", "penguins")
    walk.click("button", "Start the project")
    walk.until("Go to the project")  # the folder is scaffolded in a job, not inside the request
    walk.click("link", "Go to the project")
    assert "14 days left" in page.inner_text("main")
    walk.shot("05-project")
    walk.go("/gaps")
    for text in (SCRIPT_GAP, "how to choose k in k-fold", "what a learning curve tells"):
        page.fill("#gap-text", text)
        walk.click("button", "Add the gap")
    assert page.get_by_text(SCRIPT_GAP).count() == 1  # shown as text, never run
    assert walk.dialogs == []
    page.fill("#gap-text", "a gap to delete")
    walk.click("button", "Add the gap")
    last = page.locator("ol.gaps > li").last
    last.locator("summary").click()
    last.get_by_role("button", name="Delete this gap").click()
    page.wait_for_load_state()
    walk.check()
    assert "a gap to delete" not in page.inner_text("main")
    third = page.locator("ol.gaps > li").nth(2)
    third.locator("summary").click()
    third.locator("input[name=text]").fill("what a learning curve tells")
    third.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    walk.check()
    walk.go("/")
    assert "due 2026-11-16" in page.inner_text("main")
    walk.shot("06-home-deadline")

    monkeypatch.setenv("LEARNLOOP_NOW", "2026-11-10T18:00:00+00:00")  # eight days later
    walk.go("/project")
    page.fill("#checkin-text", "a forest beats the baseline")
    walk.click("button", "Check in")
    page.fill("#done-summary", "random forest at 0.98 accuracy; a notebook and a README")
    walk.click("button", "Finish the project")
    assert "Project done" in page.inner_text("main")
    walk.go("/")
    walk.click("button", "Move on to step 5")

    # Step 5: rank the gaps with the arrows, keep only the top one, close it.
    walk.go("/gaps")  # the home page names the next action (rank, keep); the gaps page does all of them
    first = page.locator("ol.gaps > li").nth(0).inner_text()
    page.locator("ol.gaps > li").nth(2).get_by_role("button", name="Move gap 3 up").click()
    page.wait_for_load_state()
    page.locator("ol.gaps > li").nth(1).get_by_role("button", name="Move gap 3 up").click()
    page.wait_for_load_state()
    walk.check()
    assert "what a learning curve tells" in page.locator("ol.gaps > li").nth(0).inner_text()
    assert first.split("\n")[0] not in page.locator("ol.gaps > li").nth(0).inner_text()
    walk.shot("07-gaps-ranked")
    page.locator("ol.gaps > li").nth(0).get_by_role("button", name="Keep only this").click()
    page.wait_for_load_state()
    walk.check()
    assert "Kept:" in page.inner_text("main") and page.locator("ol.gaps > li").count() == 0
    walk.shot("08-gap-kept")

    monkeypatch.setenv("LEARNLOOP_NOW", "2026-11-12T18:00:00+00:00")
    page.fill("#learned", "the gap between the curves is the variance; more rows close it")
    walk.click("button", "Close the gap")
    walk.go("/")
    walk.click("button", "Move on to step 6")

    # Step 6: a retrospective closes the pass; history shows it and the descent plot.
    page.fill("#retro-text", "skipping steps 2-3 saved a week; keep the project smaller")
    walk.click("button", "Close pass 1")
    assert walk.heading() == "Pass 2 · step 0: Immerse yourself"
    walk.shot("09-pass-2")
    walk.go("/history")
    assert "skipping steps 2-3 saved a week" in page.inner_text("main")
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 0
    walk.shot("10-history")
    walk.go("/study")
    assert "Notes of past passes" in page.inner_text("main")
    page.locator("summary", has_text="Pass 1").click()
    assert "every model is fit, then predicted" in page.inner_text("main")

    # The lab with its options; a refused form keeps what was typed; the result downloads.
    walk.go("/lab")
    walk.shot("11-lab")
    page.select_option("#lab-dataset", "penguins")
    page.fill("#lab-budget", "nan")
    page.get_by_role("button", name="Run the baseline").click()
    page.wait_for_load_state()
    walk.check(refused=True)
    assert page.locator("#lab-budget").input_value() == "nan" and page.locator("#error-budget").count() == 1
    assert page.locator("#lab-dataset").input_value() == "penguins"
    walk.shot("11b-lab-refused")
    page.fill("#lab-budget", "")
    page.fill("#lab-cv", "2")
    page.locator("summary", has_text="More choices").click()
    page.select_option("#lab-metric", "balanced_accuracy")
    page.check("input[name=models][value=logistic-regression]")
    page.check("input[name=models][value=random-forest]")
    page.fill("#lab-drop", "island")
    page.fill("#lab-timeout", "120")
    walk.click("button", "Run the baseline")
    walk.until("Done in", 300)
    for name in ("baseline.md", "baseline.json", "leaderboard.csv", "leaderboard.png"):
        assert page.get_by_role("link", name=name).count() == 1, name
    walk.shot("11c-baseline")
    with page.expect_download() as download:
        page.get_by_role("link", name="leaderboard.csv").click()
    assert download.value.suggested_filename == "leaderboard.csv"

    # try on another data set, from the map card
    walk.go("/map/decision-tree")
    page.locator("#try summary").click()
    page.select_option("#try-dataset", "iris")
    walk.click("button", "Run Decision tree")
    walk.until("beats the reference")
    walk.shot("11d-try-iris")

    # ladder copy, resources filtered and paged, the job list with a cancel
    walk.go("/ladders/penguins/1")
    walk.click("button", "Copy the script")
    assert "Copied to" in page.inner_text("main")
    walk.go("/resources")
    assert "page 1 of" in page.inner_text("main")
    walk.click("link", "Next →")
    page.select_option("select[name=kind]", "book")
    walk.click("button", "Filter")
    walk.shot("11e-resources")
    walk.go("/study")
    page.fill("#study-path", "huge")
    walk.click("button", "Study it")
    if page.get_by_role("button", name="Cancel this job").count():
        walk.click("button", "Cancel this job")
        walk.until("cancelled", 30)
    walk.go("/jobs")
    walk.shot("11f-jobs")
    for number, path in enumerate(
        ("/exercises", "/exercises/1", "/ladders", "/ladders/digits/4", "/resources", "/datasets"), start=12
    ):
        walk.go(path)  # the other pages fit the window too
        walk.shot(f"{number}-{path.strip('/').replace('/', '-')}")
    context.close()
    shots = sorted(tmp_path.glob(f"{width}-*.png"))
    assert len(shots) == 24
    if os.environ.get(SHOTS_ENV):
        keep = Path(os.environ[SHOTS_ENV])
        keep.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copyfile(shot, keep / shot.name)
