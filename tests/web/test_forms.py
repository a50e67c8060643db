"""Form input into values, and validation errors into one line."""

from __future__ import annotations

import pytest

from learnloop.errors import UserError
from learnloop.web.forms import describe_validation, optional, order_of_ranks


def test_ranks_become_an_order_and_blanks_are_left_out() -> None:
    assert order_of_ranks({"a": "2", "b": "", "c": "1", "d": " 3 "}) == ["c", "a", "d"]
    assert order_of_ranks({"a": "1", "b": "1"}) == ["a", "b"]  # a tie keeps the page's order
    assert order_of_ranks({"a": ""}) == []
    with pytest.raises(UserError, match="whole number"):
        order_of_ranks({"a": "one"})
    with pytest.raises(UserError, match="start at 1"):
        order_of_ranks({"a": "-1"})


def test_validation_errors_read_as_one_line() -> None:
    assert describe_validation([{"type": "missing", "loc": ("body", "days")}]) == "fill in the number of days"
    assert (
        describe_validation([{"type": "int_parsing", "loc": ("body", "days")}])
        == "the number of days must be a whole number"
    )
    assert (
        describe_validation([{"type": "int_parsing", "loc": ("path", "gap_id")}]) == "'gap id' must be a whole number"
    )
    assert describe_validation([{"type": "float_parsing", "loc": ("query", "x")}]) == "'x' must be a number"
    assert describe_validation([]).startswith("the form could not be read")


def test_optional_treats_blank_as_not_given() -> None:
    assert optional("  ") is None and optional(None) is None and optional(" a ") == "a"
