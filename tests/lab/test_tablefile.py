"""The files learners really have, each built here in a temp dir: what was read (column types), what was said.

Each messy file is also run through a small baseline, so the test shows the signal reaches the models
(the metric and the verdicts), not only that the parser did not fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from learnloop.errors import UserError
from learnloop.lab import tablefile
from learnloop.lab.baseline import run_baseline
from learnloop.lab.datasets import load_table
from learnloop.lab.preprocess import split_target

FAST = ["logistic-regression", "decision-tree"]


def signal_table(rows: int = 240, seed: int = 0) -> pd.DataFrame:
    """A weight, an amount and a colour that decide a yes/no target, with a date per row."""
    rng = np.random.default_rng(seed)
    weight = rng.normal(50, 10, rows)
    amount = rng.uniform(1_000, 20_000, rows)
    colour = np.array(["red", "blue"])[np.arange(rows) % 2]
    score = (weight - 50) / 10 + (amount - 10_500) / 5_000 + (colour == "red") * 0.5
    target = np.where(score + rng.normal(0, 0.3, rows) > 0.25, "yes", "no")
    when = pd.date_range("2021-01-01 06:00", periods=rows, freq="7h")
    return pd.DataFrame({"when": when, "weight": weight, "amount": amount, "colour": colour, "target": target})


def european(frame: pd.DataFrame) -> str:
    """The same table as a German spreadsheet exports it: ';' between fields, ',' for decimals, '.' for
    thousands, ISO dates and datetimes."""
    lines = ["datum;zeitpunkt;gewicht;betrag;farbe;ziel"]
    for row in frame.itertuples():
        amount = f"{row.amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
        lines.append(
            f"{row.when.date()};{row.when:%Y-%m-%dT%H:%M:%S};{row.weight:.2f}".replace(".", ",")
            + f";{amount};{row.colour};{row.target}"
        )
    return "\n".join(lines) + "\n"


def test_semicolons_decimal_commas_thousands_and_iso_dates(tmp_path: Path) -> None:
    path = tmp_path / "euro.csv"
    path.write_text(european(signal_table()), encoding="utf-8")
    table = load_table(path, "ziel")
    types = table.frame.dtypes
    assert pd.api.types.is_datetime64_any_dtype(types["datum"])
    assert pd.api.types.is_datetime64_any_dtype(types["zeitpunkt"])
    assert types["gewicht"] == "float64" and types["betrag"] == "float64"
    assert table.frame["betrag"].min() > 1_000  # "4.707,04" is four thousand, not 4.7
    assert any("decimal comma" in n and "';'" in n for n in table.notices)
    assert any("'betrag'" in n and "numbers" in n for n in table.notices)
    prepared = split_target(table.frame, "ziel")
    assert {"datum_month", "datum_weekday", "zeitpunkt_hour", "gewicht", "betrag"} <= set(prepared.plan.numeric)
    assert not prepared.plan.dropped  # nothing lost as "looks like an id"
    assert any("'zeitpunkt' holds dates" in n and "zeitpunkt_hour" in n for n in prepared.notices)
    board = run_baseline(path, "ziel", models=FAST, cv=3, split="random")
    assert board.metric == "accuracy"
    assert board.best_row().score_mean > 0.8  # the old reader kept only the colour: about 0.6
    assert {r.verdict for r in board.results} <= {"fine", "overfitting", "underfitting", "reference"}


def test_quoted_thousands_separators_in_a_comma_file(tmp_path: Path) -> None:
    frame = signal_table()
    text = frame.assign(amount=[f"{v:,.2f}" for v in frame["amount"]], when=frame["when"].dt.date)
    path = tmp_path / "us.csv"
    text.to_csv(path, index=False)
    assert '"1' in path.read_text()  # "12,345.67" is quoted, as spreadsheets write it
    table = load_table(path, "target")
    assert table.frame["amount"].dtype == "float64"
    assert table.frame["amount"].between(1_000, 20_000).all()
    assert any("'amount'" in n and "thousands" in n for n in table.notices)
    board = run_baseline(path, "target", models=FAST, cv=3)
    assert board.best_row().score_mean > 0.8


def test_windows_1252_text_is_read_with_a_notice(tmp_path: Path) -> None:
    rows = "\n".join(f"{i},{['café', 'thé', 'crème'][i % 3]},{i % 2}" for i in range(60))
    path = tmp_path / "latin.csv"
    path.write_bytes(("n,boisson,label\n" + rows + "\n").encode("cp1252"))
    table = load_table(path, "label")
    assert set(table.frame["boisson"]) == {"café", "thé", "crème"}
    assert any("not UTF-8" in n and "Windows-1252" in n for n in table.notices)


def test_a_late_non_utf8_byte_falls_back_too(tmp_path: Path) -> None:
    rows = [f"{i},plain,{i % 2}" for i in range(5000)] + ["5000,na\xefve,1"]
    path = tmp_path / "late.csv"
    path.write_bytes(("n,word,label\n" + "\n".join(rows) + "\n").encode("latin-1"))
    table = load_table(path, "label")
    assert "naïve" in set(table.frame["word"])
    assert any("not UTF-8" in n for n in table.notices)


def test_repeated_header_names_are_renamed_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("price,size,price,label\n" + "\n".join(f"{i},{i % 7},{i * 2},{i % 2}" for i in range(40)))
    table = load_table(path, "label")
    assert list(table.frame.columns) == ["price", "size", "price.1", "label"]
    assert any("'price' 2 times" in n and "'price.1'" in n for n in table.notices)


def test_an_excel_workbook_is_read_or_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("openpyxl", reason="pip install 'learnloop[excel]'")
    frame = signal_table(80).assign(when=lambda f: f["when"].dt.tz_localize(None))
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="data", index=False)
        frame.head(3).to_excel(writer, sheet_name="notes", index=False)
    table = load_table(path, "target")
    assert table.frame.shape == frame.shape
    assert table.frame["weight"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(table.frame["when"])
    assert any("first sheet 'data' of the 2" in n for n in table.notices)

    import builtins

    real_import = builtins.__import__

    def without_openpyxl(name: str, *args: object, **kwargs: object) -> object:
        if name == "openpyxl":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", without_openpyxl)
    with pytest.raises(UserError) as caught:
        load_table(path, "target")
    assert "save it as CSV" in str(caught.value) and "\n" not in str(caught.value)


def test_an_old_xls_says_save_it_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(UserError, match="save it as CSV"):
        load_table(path)


def test_the_id_rule_spares_numbers_with_fractions(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "row_id": np.arange(100),
            "code": [f"A{i:03d}" for i in range(100)],
            "reading": rng.normal(size=100).round(4),
            "label": np.arange(100) % 2,
        }
    )
    prepared = split_target(frame, "label")
    assert set(prepared.plan.dropped) == {"row_id", "code"}  # an integer count and a text code: ids
    assert "reading" in prepared.plan.numeric  # distinct on every row, but a measurement


def test_a_date_column_that_never_changes_is_dropped_with_a_notice() -> None:
    frame = pd.DataFrame({"day": ["2024-05-01"] * 30, "x": np.arange(30) * 0.5, "label": np.arange(30) % 2})
    from learnloop.lab.columns import type_columns

    typed = type_columns(frame)
    assert typed.converted == {"day": "datetime"}
    prepared = split_target(typed.frame, "label")
    assert any("'day'" in n and "same date" in n for n in prepared.notices)
    assert "day" not in prepared.X.columns


# ---------------------------------------------------------------- never read without bound (issue 13, item 5)


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)  # opening it would block forever; the check must not open it
    with pytest.raises(UserError) as caught:
        load_table(fifo, "y")
    assert "pipe (FIFO)" in str(caught.value) and "not a regular file" in str(caught.value)


def test_a_file_over_the_cap_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "huge.csv"
    with big.open("wb") as handle:  # sparse: 3 GiB of apparent size, no disk used
        handle.truncate(3 * 1024**3)
    read: list[str] = []
    real_open = Path.open

    def watching_open(self: Path, *args: object, **kwargs: object) -> object:
        read.append(str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", watching_open)
    with pytest.raises(UserError) as caught:
        load_table(big, "y")
    assert "over the" in str(caught.value) and "MB" in str(caught.value)
    assert str(big) not in read


def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="a device"):
        tablefile.check_readable(Path("/dev/null"))  # only stat()ed, never opened


def test_peek_columns_reads_an_upload_like_a_file() -> None:
    data = b"a;b;c\n1,5;2;x\n3,25;4;y\n"
    assert tablefile.peek_columns(data, "up.csv") == ["a", "b", "c"]
    with pytest.raises(UserError, match="at least two columns"):
        tablefile.peek_columns(b"only\n1\n", "one.csv")
