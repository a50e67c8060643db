"""The loop's rules, tested as plain functions with a frozen clock (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnloop.errors import UserError
from learnloop.loop import rules
from learnloop.loop.rules import GapView, Kind, PassView, ProjectView

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def kinds(view: PassView, today: date = NOW.date()) -> list[Kind]:
    return [a.kind for a in rules.needs(view, today)]


def test_step_zero_needs_a_pinned_focus() -> None:
    assert kinds(PassView(number=1, step=0)) == [Kind.RANK_INTERESTS]
    assert kinds(PassView(number=1, step=0, top_interest="nlp")) == [Kind.PIN_FOCUS]
    assert rules.needs(PassView(number=1, step=0, top_interest="nlp"))[0].targets == {"focus": "nlp"}
    assert rules.missing_for_next(PassView(number=1, step=0, focus_id="nlp")) == []


def test_step_one_needs_a_reference_and_a_note() -> None:
    missing = rules.missing_for_next(PassView(number=1, step=1, focus_id="nlp"))
    assert len(missing) == 2 and "project" in missing[0] and "note" in missing[1]
    assert rules.missing_for_next(PassView(number=1, step=1, references=1)) == [missing[1]]
    assert rules.missing_for_next(PassView(number=1, step=1, references=1, notes=2)) == []


def test_step_one_names_the_focus_suggestion() -> None:
    action = rules.needs(PassView(number=1, step=1, focus_id="nlp", suggested_reference="karpathy/nanoGPT"))[0]
    assert action.kind is Kind.ADD_REFERENCE and action.targets == {"suggestion": "karpathy/nanoGPT"}


def test_steps_two_and_three_need_practice_or_a_skip() -> None:
    assert kinds(PassView(number=1, step=2)) == [Kind.DO_EXERCISE]
    assert rules.needs(PassView(number=1, step=2))[0].alternatives[0].kind is Kind.SKIP_STEP
    assert rules.missing_for_next(PassView(number=1, step=2, exercises_passed=1)) == []
    assert kinds(PassView(number=1, step=3)) == [Kind.RUN_RUNG]
    assert rules.missing_for_next(PassView(number=1, step=3, rungs_run=1)) == []


def test_step_four_needs_a_finished_project() -> None:
    deadline = date(2026, 12, 9)
    assert kinds(PassView(number=1, step=4)) == [Kind.NEW_PROJECT]
    active = PassView(number=1, step=4, projects=(ProjectView("active", deadline),))
    assert kinds(active)[-1] is Kind.FINISH_PROJECT
    dropped = PassView(number=1, step=4, projects=(ProjectView("dropped", deadline),))
    assert "another" in rules.missing_for_next(dropped)[0]
    done = PassView(number=1, step=4, projects=(ProjectView("dropped", deadline), ProjectView("done", deadline)))
    assert rules.missing_for_next(done) == []


def test_step_five_walks_from_capture_to_keep_to_close() -> None:
    assert kinds(PassView(number=1, step=5)) == [Kind.ADD_GAP]
    assert kinds(PassView(number=1, step=5, gaps=(GapView("open", id=1), GapView("open", id=2)))) == [Kind.RANK_GAPS]
    assert kinds(PassView(number=1, step=5, gaps=(GapView("open", id=1),))) == [Kind.KEEP_GAP]
    kept = PassView(number=1, step=5, gaps=(GapView("kept", date(2026, 11, 28), id=1), GapView("set_aside", id=2)))
    assert kinds(kept) == [Kind.CLOSE_GAP]
    assert rules.missing_for_next(PassView(number=1, step=5, gaps=(GapView("done"),))) == []


def test_step_six_always_asks_for_the_retrospective() -> None:
    assert kinds(PassView(number=1, step=6)) == [Kind.CLOSE_PASS]


def test_only_steps_two_and_three_skip_and_only_with_a_reason() -> None:
    rules.check_skip(PassView(number=1, step=2), "I write Python daily")
    rules.check_skip(PassView(number=1, step=3), "I know scikit-learn")
    with pytest.raises(UserError, match="cannot be skipped"):
        rules.check_skip(PassView(number=1, step=4), "because")
    with pytest.raises(UserError, match="why"):
        rules.check_skip(PassView(number=1, step=2), "   ")


@pytest.mark.parametrize(("days", "ok"), [(6, False), (7, True), (31, True), (32, False), (0, False)])
def test_project_time_box(days: int, ok: bool) -> None:
    if ok:
        rules.check_project_days(days)
    else:
        with pytest.raises(UserError, match="7-31 days"):
            rules.check_project_days(days)


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (7, True), (8, False)])
def test_gap_time_box(days: int, ok: bool) -> None:
    if ok:
        rules.check_gap_days(days)
    else:
        with pytest.raises(UserError, match="1-7 days"):
            rules.check_gap_days(days)


@given(current=st.integers(7, 31), extra=st.integers(-5, 40))
def test_extension_never_leaves_the_project_box(current: int, extra: int) -> None:
    try:
        total = rules.check_extension(current, extra, rules.PROJECT_DAYS, "project")
    except UserError:
        assert extra < 1 or current + extra > 31
    else:
        assert total == current + extra and 7 < total <= 31


def test_extension_message_says_how_much_room_is_left() -> None:
    with pytest.raises(UserError, match="by 3 more day"):
        rules.check_extension(28, 10, rules.PROJECT_DAYS, "project")
    with pytest.raises(UserError, match="already does"):
        rules.check_extension(7, 1, rules.GAP_DAYS, "gap")


def test_deadlines_and_overdue_follow_the_injected_clock() -> None:
    deadline = rules.deadline_for(NOW, 7)
    assert deadline == date(2026, 12, 2)
    assert rules.days_left(deadline, NOW) == 7
    assert not rules.is_overdue(deadline, NOW + timedelta(days=7))
    assert rules.is_overdue(deadline, NOW + timedelta(days=8))
    assert rules.is_early(deadline, NOW + timedelta(days=6))
    assert not rules.is_early(deadline, NOW + timedelta(days=7))


def test_next_action_starts_then_follows_the_needs() -> None:
    assert rules.next_action(None, NOW).kind is Kind.START_PASS
    assert rules.next_action(PassView(number=1, step=0), NOW).kind is Kind.RANK_INTERESTS
    assert rules.next_action(PassView(number=1, step=0, focus_id="nlp"), NOW).kind is Kind.NEXT_STEP


def test_overdue_project_is_urgent_with_extend_and_drop_beside_it() -> None:
    late = PassView(number=1, step=4, projects=(ProjectView("active", date(2026, 11, 20), id=3),))
    action = rules.next_action(late, NOW)
    assert action.urgent and action.kind is Kind.FINISH_PROJECT and action.targets["project"] == 3
    assert [a.kind for a in action.alternatives] == [Kind.EXTEND_PROJECT, Kind.DROP_PROJECT]
    assert action.fields == ("summary",) and action.alternatives[0].fields == ("days", "reason")


def test_overdue_gap_is_urgent() -> None:
    late = PassView(number=1, step=5, gaps=(GapView("kept", date(2026, 11, 24)),))
    action = rules.next_action(late, NOW)
    assert action.urgent and action.kind is Kind.CLOSE_GAP


@given(
    step=st.integers(0, 6),
    focus=st.booleans(),
    refs=st.integers(0, 2),
    notes=st.integers(0, 2),
    ex=st.integers(0, 2),
    rungs=st.integers(0, 2),
    number=st.integers(1, 3),
)
def test_next_action_is_always_a_value_without_a_command(
    step: int, focus: bool, refs: int, notes: int, ex: int, rungs: int, number: int
) -> None:
    view = PassView(
        number=number,
        step=step,
        focus_id="nlp" if focus else None,
        references=refs,
        notes=notes,
        exercises_passed=ex,
        rungs_run=rungs,
    )
    action = rules.next_action(view, NOW)
    assert isinstance(action.kind, Kind)
    for a in (action, *action.alternatives):
        assert "learnloop " not in a.why and "--" not in a.why and "`" not in a.why
    assert (action.kind is Kind.NEXT_STEP) == (rules.missing_for_next(view, NOW.date()) == [])
