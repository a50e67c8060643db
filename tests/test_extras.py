"""A command that needs an optional extra says which one, in one line, instead of a traceback."""

from __future__ import annotations

import sys

import pytest

from learnloop.errors import MissingExtra
from learnloop.extras import require


def _uninstall(monkeypatch: pytest.MonkeyPatch, package: str) -> None:
    """Make ``package`` and every submodule already imported look uninstalled to ``import``."""
    for name in [package, *(m for m in sys.modules if m.startswith(package + "."))]:
        monkeypatch.setitem(sys.modules, name, None)


def test_require_returns_the_module_when_it_is_installed() -> None:
    assert require("json", "datasets", "a test").dumps([1]) == "[1]"


def test_require_names_the_extra_when_the_module_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    _uninstall(monkeypatch, "statsmodels")
    with pytest.raises(MissingExtra) as caught:
        require("statsmodels.datasets.co2", "datasets", "the data set 'co2'")
    assert caught.value.extra == "datasets" and caught.value.module == "statsmodels"
    assert "'datasets' extra" in str(caught.value)


def test_the_cli_gives_the_install_line_for_a_data_set_of_a_missing_extra(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _uninstall(monkeypatch, "statsmodels")
    result = cli("try linear-regression --data co2")
    assert result.exit_code == 2, result.output
    assert "python -m pip install 'learnloop[datasets]'" in result.stderr
    assert "Traceback" not in result.output and result.stderr.count("\n") == 1
