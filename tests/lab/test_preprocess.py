"""Target checks, task detection and the column plan."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from learnloop.errors import NotFound, UserError
from learnloop.lab.preprocess import build_preprocessor, detect_task, plan_columns, split_target


def frame(rows: int = 40, **columns: object) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    data = {"x": rng.normal(size=rows), "y": rng.integers(0, 2, rows)}
    data.update(columns)
    return pd.DataFrame(data)


def test_detects_classification_and_regression() -> None:
    assert detect_task(pd.Series(["a", "b"] * 10)) == "classification"
    assert detect_task(pd.Series([0, 1, 2] * 20)) == "classification"
    assert detect_task(pd.Series(np.linspace(0, 1, 60))) == "regression"
    assert detect_task(pd.Series(np.arange(60))) == "regression"


def test_target_absent_says_did_you_mean() -> None:
    with pytest.raises(NotFound) as caught:
        split_target(frame(), "yy")
    assert caught.value.suggestions[0] == "y"


@pytest.mark.parametrize(
    ("data", "task", "message"),
    [
        (frame(y=[np.nan] * 40), None, "empty"),
        (frame(y=["a"] * 40), None, "only one class"),
        (frame(rows=8, y=[0, 1] * 4), None, "at least 10"),
        (frame(y=["a", "b"] * 20), "regression", "cannot be a regression target"),
        (frame(y=["a"] * 39 + ["b"]), None, "single row"),
    ],
    ids=["all-nan", "one-class", "few-rows", "text-regression", "lone-class"],
)
def test_bad_targets(data: pd.DataFrame, task: str | None, message: str) -> None:
    with pytest.raises(UserError, match=message):
        split_target(data, "y", task)


def test_rows_without_target_are_left_out_with_a_notice() -> None:
    data = frame(y=[0, 1] * 19 + [np.nan, np.nan])
    prepared = split_target(data, "y")
    assert len(prepared.X) == 38
    assert any("missing" in n for n in prepared.notices)


def test_constant_and_id_columns_are_dropped_with_notices() -> None:
    data = frame(const=[7] * 40, row_id=np.arange(40), code=[f"c{i}" for i in range(40)], colour=["red", "blue"] * 20)
    plan = plan_columns(data.drop(columns=["y"]))
    assert set(plan.dropped) == {"const", "row_id", "code"}
    assert plan.numeric == ["x"] and plan.categorical == ["colour"]
    assert any("constant" in n for n in plan.notices)


def test_free_text_is_refused_with_a_hint() -> None:
    words = [f"this is review number {i} and it is long" for i in range(40)]
    with pytest.raises(UserError) as caught:
        plan_columns(frame(review=words))
    assert "free text" in str(caught.value) and caught.value.field == "drop"


def test_preprocessor_imputes_scales_and_ignores_unknown_categories() -> None:
    train = pd.DataFrame({"n": [1.0, np.nan, 3.0, 5.0], "c": ["a", "b", None, "a"]})
    plan = plan_columns(train)
    pre = build_preprocessor(plan).fit(train.astype({"c": object}))
    out = pre.transform(pd.DataFrame({"n": [np.nan], "c": ["never seen"]}).astype({"c": object}))
    assert out.shape == (1, 3)
    assert np.isfinite(out).all()
    assert out[0, 1:].sum() == 0  # an unknown category lights no one-hot column


def test_columns_without_gaps_skip_the_imputer_with_the_same_output() -> None:
    """The folds are cut from one table: a column group with no missing value needs no imputer (its median
    on a million rows was half the time of preparing the folds), and the numbers do not change."""
    import numpy as np
    import pandas as pd

    from learnloop.lab.preprocess import as_model_input, build_preprocessor, split_target

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"a": rng.normal(size=60), "b": rng.normal(size=60), "c": rng.choice(["x", "y"], 60), "y": rng.normal(size=60)}
    )
    prepared = split_target(frame, "y", "regression")
    X = as_model_input(prepared.X, prepared.plan)
    quick = build_preprocessor(prepared.plan, whole=X)
    assert "impute" not in dict(quick.transformers[0][1].steps)
    plain = build_preprocessor(prepared.plan).fit_transform(X.iloc[:40])
    assert np.array_equal(quick.fit_transform(X.iloc[:40]), plain)
    frame.loc[3, "a"] = np.nan
    prepared = split_target(frame, "y", "regression")
    X = as_model_input(prepared.X, prepared.plan)
    assert "impute" in dict(build_preprocessor(prepared.plan, whole=X).transformers[0][1].steps)
    assert not np.isnan(build_preprocessor(prepared.plan, whole=X).fit_transform(X.iloc[:40])).any()
