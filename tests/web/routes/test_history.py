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
