"""Step 6 on the web: every pass, and the descent plot drawn again only when the history changed."""

from __future__ import annotations

import re

from ..conftest import Web


def test_history_before_any_pass(web: Web) -> None:
    page = web.get("/history").text
    assert "No passes yet" in page and "/pictures/" not in page


def test_history_lists_passes_and_draws_the_descent(web: Web) -> None:
    web.to_step(6)
    web.ok("/pass/close", {"retro": "keep the time boxes short"})
    page = web.get("/history").text
    assert "keep the time boxes short" in page
    assert "▼ skip" in page  # the two skipped steps are speed-ups
    picture = re.search(r'src="/pictures/(descent-[0-9a-f]+\.png)"', page)
    assert picture
    path = web.server.pictures.find(picture.group(1))
    drawn_at = path.stat().st_mtime_ns
    assert web.get(f"/pictures/{picture.group(1)}").content.startswith(b"\x89PNG")
    again = web.get("/history").text
    assert picture.group(1) in again and path.stat().st_mtime_ns == drawn_at
    web.ok("/focus", {"focus_id": "nlp"})
    changed = re.search(r'src="/pictures/(descent-[0-9a-f]+\.png)"', web.get("/history").text)
    assert changed and changed.group(1) != picture.group(1)


def test_export_then_import_into_an_empty_home_round_trips(web: Web, tmp_path: object) -> None:
    from pathlib import Path

    from fastapi.testclient import TestClient

    from learnloop.config import Settings
    from learnloop.web.app import create_app

    from ..conftest import Web as Client

    web.to_step(5)
    web.ok("/gaps", {"text": "<b>bold</b> gap"})
    export = web.get("/export")
    assert export.status_code == 200 and export.headers["content-type"].startswith("application/json")
    assert 'filename="learnloop-export-' in export.headers["content-disposition"]
    assert web.refused("/import", files={"upload": ("mine.json", export.content, "application/json")}).startswith(
        "this learnloop home already has data"
    )

    fresh = Settings(home=Path(str(tmp_path)) / "fresh-home")
    with TestClient(create_app(fresh), base_url="http://127.0.0.1") as client:
        other = Client(client, fresh)
        assert "Load an export into this empty home" in other.get("/history").text
        assert (
            other.refused("/import", files={"upload": ("notes.txt", b"hello", "text/plain")})
            == "notes.txt is not a .json export"
        )
        assert other.refused("/import", files={"upload": ("broken.json", b"{not json", "application/json")}).startswith(
            "broken.json is not JSON"
        )
        response = other.ok("/import", files={"upload": ("mine.json", export.content, "application/json")})
        assert "Imported" in response.text
        mine = {t: rows for t, rows in web.rows().items() if t != "learners"}  # each home made its own local learner
        assert {t: rows for t, rows in other.rows().items() if t != "learners"} == mine
        assert "&lt;b&gt;bold&lt;/b&gt; gap" in other.get("/gaps").text
