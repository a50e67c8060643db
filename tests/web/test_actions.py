"""The home page's one button for each next action the loop can ask for."""

from __future__ import annotations

import pytest

from learnloop.loop.passes import Status
from learnloop.web.actions import next_action


def _status(command: str, **extra: object) -> Status:
    return Status(started=True, pass_number=1, step=extra.pop("step", 0), next_command=command,  # type: ignore[arg-type]
                  next_why="why", **extra)  # type: ignore[arg-type]


def test_not_started_posts_to_start() -> None:
    action = next_action(Status(started=False, next_command="learnloop start", next_why="begin"))
    assert action.post == "/start" and action.label == "Start your first pass"


def test_closed_pass_starts_the_next() -> None:
    assert next_action(_status("learnloop start", closed=True)).label == "Start pass 2"


def test_next_posts_to_next_with_the_target_step() -> None:
    action = next_action(_status("learnloop next", step=3))
    assert action.post == "/next" and action.label == "Move on to step 4"


@pytest.mark.parametrize(("command", "href"), [
    ("learnloop focus ID", "/focus"),
    ("learnloop interests rank", "/focus"),
    ("learnloop reference add URL_OR_PATH", "/study#reference"),
    ("learnloop notes add TEXT --kind pattern|understood|unclear", "/study#notes"),
    ("learnloop exercises", "/exercises"),
    ("learnloop ladder", "/ladders"),
    ("learnloop project new TITLE --days N --data DATA", "/project"),
    ("learnloop project done --summary TEXT", "/project"),
    ("learnloop gap add TEXT", "/gaps"),
    ("learnloop gap rank", "/gaps"),
    ("learnloop gap done --learned TEXT", "/gaps"),
    ("learnloop pass close --retro TEXT", "/#retro"),
    ("learnloop something-new", "/map"),
])
def test_each_command_links_to_the_page_that_does_it(command: str, href: str) -> None:
    action = next_action(_status(command))
    assert action.href == href and action.post is None


def test_urgency_carries_over() -> None:
    assert next_action(_status("learnloop project done --summary TEXT", urgent=True)).urgent
