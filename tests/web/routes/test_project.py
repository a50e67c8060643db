"""Step 4 on the web: create with the no-data check, check in, extend, finish, drop, download the .ics."""

from __future__ import annotations

from ..conftest import Web


def test_project_belongs_to_step_4(web: Web) -> None:
    web.start()
    page = web.get("/project").text
    assert "What comes first" in page and 'action="/project"' not in page  # no form the loop would refuse
    assert 'href="/focus"' in page
    assert "projects belong to step 4" in web.refused("/project", {"title": "P", "days": "10", "dataset": "penguins"})


def test_a_refused_project_keeps_what_was_typed(web: Web) -> None:
    """The loop's own checks answer in the request: 400 at once, the form refilled, the message by its field."""
    import re

    web.to_step(4)
    cases = [
        ({"title": "My penguins", "days": "40", "dataset": "penguins"}, "days", "7-31 days"),
        ({"title": "   ", "days": "12", "dataset": "penguins"}, "title", "a project needs a title"),
        ({"title": "My penguins", "days": "12"}, "dataset", "no data, no project"),
        ({"title": "My penguins", "days": "12", "no_data_yet": "true"}, "reason", "say why there is no data yet"),
        ({"title": "My penguins", "days": "12", "dataset": "no-such-set"}, "dataset", "no data set on the map"),
    ]
    for typed, field, words in cases:
        response = web.post(
            "/project",
            {"reason": "", "folder": "", **typed},
            follow=False,
            headers={"Referer": "http://127.0.0.1/project"},
        )  # as a browser sends it
        assert response.status_code == 400, (typed, response.status_code)
        page = response.text
        assert page.count('role="alert"') == 1 and words in page, (typed, page)
        for name, value in typed.items():
            if name == "dataset" and value in ("penguins",):
                assert '<option value="penguins" selected' in page
            elif name not in ("dataset", "no_data_yet"):
                assert f'value="{value}"' in page, (name, value)
        invalid = re.search(r'<(?:input|select|textarea)[^>]*aria-invalid="true"[^>]*>', page)
        assert invalid and f'name="{field}"' in invalid.group(0), (typed, invalid and invalid.group(0))
        alert_at, field_at = page.index('role="alert"'), page.index(invalid.group(0))
        assert 0 < field_at - alert_at < 2000, "the message stands just above its field"
    assert web.server.jobs.recent() == [], "no job was queued for a form the loop refuses"


def test_no_data_no_project(web: Web) -> None:
    web.to_step(4)
    assert web.refused("/project", {"title": "P", "days": "10"}).startswith("no data, no project")
    assert (
        web.refused("/project", {"title": "P", "days": "10", "no_data_yet": "true"}) == "say why there is no data yet"
    )
    assert "can only read folders under" in web.refused(
        "/project", {"title": "P", "days": "10", "data_path": "/no/such/file.csv"}
    )
    assert "nothing is at" in web.refused("/project", {"title": "P", "days": "10", "data_path": "data/none.csv"})
    assert (
        web.refused("/project", {"title": "P", "days": "10", "dataset": "iris", "data_path": "/tmp"})
        == "choose a data set from the map or give a file path, not both"
    )
    assert "can only read folders under" in web.refused(
        "/project", {"title": "P", "days": "10", "dataset": "iris", "folder": "/tmp/elsewhere"}
    )
    assert web.refused("/project", {"title": "P", "days": "40", "dataset": "penguins"}).startswith(
        "a project is time-boxed to 7-31 days"
    )
    assert web.refused("/project", {"title": "  ", "days": "10", "dataset": "penguins"}) == "a project needs a title"


def test_project_lifecycle(web: Web, home: object) -> None:
    web.to_step(4)
    page = web.get("/project").text
    assert "Start a project" in page and 'value="penguins"' in page
    response = web.ok("/project", {"title": "Penguin species", "days": "10", "dataset": "penguins"})
    assert "Project started" in response.text and "Penguin species" in response.text
    assert "10 days left" in response.text
    [project] = web.rows()["projects"]
    assert project[2] == "Penguin species"

    ics = web.get("/project/deadline.ics")
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert 'filename="penguin-species-deadline.ics"' in ics.headers["content-disposition"]
    assert b"BEGIN:VCALENDAR" in ics.content and b"Deadline: Penguin species" in ics.content

    assert web.refused("/project/checkin", {"text": " "}).startswith("a check-in needs some text")
    web.ok("/project/checkin", {"text": "cleaned the missing values"})
    assert "cleaned the missing values" in web.get("/project").text

    assert "31 days at most" in web.refused("/project/extend", {"days": "30", "reason": "more"})
    assert web.refused("/project/extend", {"days": "2", "reason": ""}) == "say why you extend"
    web.ok("/project/extend", {"days": "2", "reason": "exams"})
    assert "12 days left" in web.get("/project").text

    assert web.refused("/project", {"title": "Second", "days": "10", "dataset": "penguins"}).startswith(
        "one project at a time"
    )
    assert web.refused("/project/done", {"summary": ""}).startswith("sum up what you built")
    response = web.ok("/project/done", {"summary": "a forest at 0.98"})
    assert "Project done" in response.text and "a forest at 0.98" in response.text


def test_drop_then_start_another(web: Web) -> None:
    web.to_step(4)
    web.ok("/project", {"title": "Too big", "days": "7", "no_data_yet": "true", "reason": "waiting for a dump"})
    assert web.refused("/project/drop", {"reason": ""}).startswith("say why you drop it")
    web.ok("/project/drop", {"reason": "no data came"})
    page = web.get("/project").text
    assert "dropped" in page and "Start a project" in page
    web.ok("/project", {"title": "Smaller", "days": "7", "dataset": "penguins"})


def test_actions_without_a_project_are_refused(web: Web) -> None:
    web.to_step(4)
    assert web.refused("/project/checkin", {"text": "x"}).startswith("no project under way")
    assert web.refused("/project/done", {"summary": "x"}).startswith("no project under way")
    response = web.get("/project/deadline.ics")
    assert response.status_code == 400
