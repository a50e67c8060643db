"""Home: status, the one next action as a button, deadlines; start, next, skip, close."""

from __future__ import annotations

import re

import pytest

from ..conftest import Web, alert


def test_before_the_first_pass_the_button_starts_one(web: Web) -> None:
    page = web.get("/").text
    assert "Learn machine learning top-down" in page
    assert 'action="/start"' in page and "Start your first pass" in page


def test_start_then_the_next_action_is_to_pin_a_focus(web: Web) -> None:
    response = web.ok("/start")
    assert "Pass 1 · step 0: Immerse yourself" in response.text
    assert 'href="/focus"' in response.text and "Pin one focus" in response.text
    assert len(web.rows()["passes"]) == 1


def test_start_twice_is_refused(web: Web) -> None:
    web.ok("/start")
    assert "pass 1 is under way" in web.refused("/start")


def test_next_before_the_step_is_done_is_a_409(web: Web) -> None:
    web.ok("/start")
    message = web.refused("/next", status=409)
    assert message.startswith("step 0 is not done yet")


def test_skip_needs_a_reason_and_only_steps_2_and_3(web: Web) -> None:
    web.start()
    assert "cannot be skipped" in web.refused("/next", {"skip": "true", "reason": "bored"})
    web.ok("/next")
    web.ok("/reference", {"source": "tkipf/pygcn"})
    web.ok("/notes", {"text": "patterns", "kind": "pattern"})
    web.ok("/next")
    page = web.get("/").text
    assert "Already know this?" in page
    assert web.refused("/next", {"skip": "true", "reason": "  "}).startswith("say why you skip")
    response = web.ok("/next", {"skip": "true", "reason": "I write Python daily"})
    assert "Step skipped" in response.text


def test_closing_needs_step_6_and_a_retrospective(web: Web) -> None:
    web.start()
    assert web.refused("/pass/close", {"retro": "early"}, status=409).startswith("pass 1 is at step 0")


def test_full_pass_closes_and_the_next_starts(web: Web) -> None:
    web.to_step(6)
    page = web.get("/").text
    assert 'id="retro"' in page
    assert web.refused("/pass/close", {"retro": ""}).startswith("write a short retrospective")
    response = web.ok("/pass/close", {"retro": "time boxes work"})
    assert "Pass 2 · step 0" in response.text
    assert "Pass closed" in response.text


def test_deadlines_show_and_turn_red_when_overdue(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_NOW", "2026-11-25T09:00:00+00:00")
    web.to_step(4)
    web.ok("/project", {"title": "Penguins", "days": "7", "dataset": "penguins"})
    page = web.get("/").text
    assert "due 2026-12-02" in page and "7 days left" in page
    assert "overdue" not in page
    monkeypatch.setenv("LEARNLOOP_NOW", "2026-12-05T09:00:00+00:00")
    page = web.get("/").text
    assert '<span class="overdue">overdue by 3 days</span>' in page
    assert 'class="next urgent"' in page


def test_home_reads_the_status_once_per_database_change(web: Web) -> None:
    web.ok("/start")
    cache = web.server.status_cache
    web.get("/")
    version_before = cache.version()
    for _ in range(3):
        web.get("/")
    assert cache.version() == version_before
    web.ok("/focus", {"focus_id": "nlp"})
    assert cache.version() != version_before
    assert "Natural language" in web.get("/").text or "nlp" in web.get("/").text


def test_home_sees_a_change_made_by_the_cli(web: Web, cli: object) -> None:
    web.ok("/start")
    assert "Pin one focus" in web.get("/").text
    result = cli("focus nlp")  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    page = web.get("/").text
    assert re.search(r'Focus: <a class="focus" href="/focus/nlp">', page)
    assert alert(web.get("/")) is None


def test_many_requests_at_a_miss_read_the_status_once(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new minute or a change: the first request remakes the page, the others wait for it."""
    import asyncio
    import time

    import httpx

    import learnloop.web.routes.home as home

    web.ok("/start")
    calls: list[int] = []
    real = home.fresh_status

    def slow(*args: object) -> object:
        calls.append(1)
        time.sleep(0.2)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(home, "fresh_status", slow)
    monkeypatch.setenv("LEARNLOOP_NOW", "2030-01-01T10:00:00+00:00")  # a minute the cache has not seen

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=web.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            responses = await asyncio.gather(*(client.get("/") for _ in range(12)))
        return [r.status_code for r in responses]

    assert asyncio.run(burst()) == [200] * 12
    assert len(calls) == 1


def test_pass_two_starts_by_keeping_or_redoing_the_ranking_then_confirming(web: Web) -> None:
    web.to_step(6)
    web.ok("/pass/close", {"retro": "time boxes work"})
    page = web.get("/").text
    assert "Look at the map and re-rank" in page and 'action="/interests/keep"' in page
    page = web.ok("/interests/keep").text
    assert "Ranking kept" in page and 'name="focus_id" value="tabular-prediction"' in page
    web.ok("/focus", {"focus_id": "tabular-prediction"})
    assert "Move on to step 1" in web.get("/").text


def test_deadlines_offer_a_google_calendar_link_and_the_gap_ics(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from icalendar import Calendar

    monkeypatch.setenv("LEARNLOOP_NOW", "2026-11-25T09:00:00+00:00")
    web.to_step(5)
    web.ok("/gaps", {"text": "cross-validation"})
    gap_id = re.findall(r'action="/gaps/(\d+)/keep"', web.get("/gaps").text)[-1]
    web.ok(f"/gaps/{gap_id}/keep", {"days": "2"})
    page = web.get("/").text
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in page and "dates=20261127%2F20261128" in page
    ics = web.get("/gap/deadline.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(event.decoded("DTSTART")) == "2026-11-27"


def test_the_topic_page_marks_progress_on_the_map(web: Web, cli: object) -> None:
    page = web.get("/map/svm").text
    assert 'action="/map/svm/mark"' in page
    web.ok("/map/svm/mark", {"mark": "done"})
    assert web.rows()["topic_marks"][0][:2] == ("svm", "done")
    assert "✔ Support vector machine" in cli("map --kind model").stdout  # type: ignore[operator]
    assert "a mark is one of" in web.refused("/map/svm/mark", {"mark": "finished"})
    assert web.refused("/map/svmm/mark", {"mark": "done"}, status=404).startswith("no topic called 'svmm'")
