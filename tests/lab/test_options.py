"""BaselineOptions: one check for every front door, and errors each door can word its own way."""

from __future__ import annotations

import pytest

from learnloop.lab.options import BaselineOptions, OptionError


@pytest.mark.parametrize(
    ("values", "field", "problem"),
    [
        ({"cv": 1}, "cv", "must be at least 2"),
        ({"cv": 21}, "cv", "must be at most 20"),
        ({"cv": "abc"}, "cv", "must be a whole number"),
        ({"split": "sideways"}, "split", "must be one of auto, time or random"),
        (
            {"metric": "speed"},
            "metric",
            "must be one of accuracy, balanced_accuracy, f1_macro, roc_auc, r2, rmse or mae",
        ),
        ({"time_budget": float("nan")}, "time_budget", "must be a finite number"),
        ({"fit_timeout": 0}, "fit_timeout", "must be more than 0.0"),
        ({"groups": ""}, "groups", "must not be empty"),
        ({"groups": "g" * 1001}, "groups", "must be at most 1000 characters long"),
        ({"jobs": 0}, "jobs", "must be 1 or more, or -1 for one per core"),
    ],
)
def test_a_bad_option_names_its_field_the_value_and_the_problem(values: dict, field: str, problem: str) -> None:
    with pytest.raises(OptionError) as caught:
        BaselineOptions.parse(data="iris", **values)
    error = caught.value
    assert error.field == field and error.problem == problem
    assert error.value == next(iter(values.values())) or error.value != error.value  # nan is not nan
    assert str(error).startswith(f"{field} ") and "\n" not in str(error)
    assert "--" not in str(error)  # a feature never names a flag: the CLI and the page word the field


def test_the_web_forms_parameters_build_the_same_options() -> None:
    from learnloop.jobs.kinds import baseline_options

    options = baseline_options(
        {"data": "penguins", "cv": 4, "split": "random", "groups": "island", "budget": 60.0, "model_timeout": None}
    )
    assert options == BaselineOptions.parse(
        data="penguins", cv=4, split="random", groups="island", time_budget=60.0, fit_timeout=600.0
    )
