"""The home page's buttons for each next action the loop can ask for: values in, pages and forms out."""

from __future__ import annotations

import pytest

from learnloop.loop.passes import Status
from learnloop.loop.rules import Action, Kind, Urgency
from learnloop.web.actions import PAGES, next_action


def _status(kind: Kind, **extra: object) -> Status:
    urgency = Urgency.OVERDUE if extra.pop("urgent", False) else Urgency.NORMAL
    targets = extra.pop("targets", {})
    return Status(
        started=True,
        pass_number=1,
        step=extra.pop("step", 0),  # type: ignore[arg-type]
        next=Action(kind, "why", targets, urgency),
        **extra,
    )  # type: ignore[arg-type]


def test_not_started_posts_to_start() -> None:
    action = next_action(Status(started=False, next=Action(Kind.START_PASS, "begin")))
    assert action.post == "/start" and action.label == "Start your first pass"


def test_closed_pass_starts_the_next() -> None:
    assert next_action(_status(Kind.START_PASS, closed=True)).label == "Start pass 2"


def test_next_posts_to_next_with_the_target_step() -> None:
    action = next_action(_status(Kind.NEXT_STEP, step=3))
    assert action.post == "/next" and action.label == "Move on to step 4"


def test_confirming_the_focus_posts_it_back() -> None:
    action = next_action(_status(Kind.CONFIRM_FOCUS, targets={"focus": "nlp"}, focus_id="nlp", focus_name="NLP"))
    assert action.post == "/focus" and action.hidden == {"focus_id": "nlp"} and "NLP" in action.label
    assert action.alternatives[0].href == "/focus"


def test_keep_ranking_is_one_button() -> None:
    status = Status(
        started=True,
        pass_number=2,
        step=0,
        next=Action(Kind.REVIEW_RANKING, "look again", alternatives=(Action(Kind.KEEP_RANKING, "keep"),)),
    )
    action = next_action(status)
    assert action.href == "/focus" and action.alternatives[0].post == "/interests/keep"


@pytest.mark.parametrize(
    ("kind", "href"),
    [
        (Kind.PIN_FOCUS, "/focus"),
        (Kind.RANK_INTERESTS, "/focus"),
        (Kind.ADD_REFERENCE, "/study#reference"),
        (Kind.ADD_NOTE, "/study#notes"),
        (Kind.DO_EXERCISE, "/exercises"),
        (Kind.RUN_RUNG, "/ladders"),
        (Kind.NEW_PROJECT, "/project"),
        (Kind.FINISH_PROJECT, "/project"),
        (Kind.CHECK_IN, "/project"),
        (Kind.ADD_GAP, "/gaps"),
        (Kind.RANK_GAPS, "/gaps"),
        (Kind.CLOSE_GAP, "/gaps"),
        (Kind.CLOSE_PASS, "/#retro"),
    ],
)
def test_each_kind_links_to_the_page_that_does_it(kind: Kind, href: str) -> None:
    action = next_action(_status(kind))
    assert action.href == href and action.post is None


def test_every_kind_has_a_button() -> None:
    posted = {Kind.START_PASS, Kind.NEXT_STEP, Kind.KEEP_RANKING, Kind.CONFIRM_FOCUS}
    assert set(Kind) == set(PAGES) | posted


def test_urgency_carries_over() -> None:
    assert next_action(_status(Kind.FINISH_PROJECT, urgent=True)).urgent
