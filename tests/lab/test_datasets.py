"""Loading tables: every map table, the learner's CSV/TSV/Parquet files, and each way a file can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.errors import NotFound, UserError
from learnloop.lab.datasets import load_table, table_dataset_ids


def test_every_table_of_the_map_loads_with_its_target() -> None:
    ids = table_dataset_ids()
    assert {"iris", "penguins", "breast-cancer", "diabetes", "digits"} <= set(ids)
    for dataset_id in ids:
        table = load_table(dataset_id)
        assert table.rows > 0, dataset_id
        if table.target is not None:
            assert table.target in table.frame.columns, dataset_id


def test_sklearn_labels_become_readable_class_names() -> None:
    table = load_table("iris")
    assert set(table.frame["target"].astype(str)) == {"setosa", "versicolor", "virginica"}


def test_csv_tsv_semicolon_and_parquet_files(tmp_path: Path) -> None:
    frame = load_table("penguins").frame
    frame.to_csv(tmp_path / "p.csv", index=False)
    frame.to_csv(tmp_path / "p.tsv", index=False, sep="\t")
    frame.to_csv(tmp_path / "euro.csv", index=False, sep=";")
    frame.to_parquet(tmp_path / "p.parquet")
    for name in ("p.csv", "p.tsv", "euro.csv", "p.parquet"):
        table = load_table(tmp_path / name, target="species")
        assert table.frame.shape == frame.shape, name
        assert table.target == "species"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not"),
        (b"just one column\n1\n2\n", "at least two columns"),
    ],
    ids=["missing", "empty", "binary", "one-column"],
)
def test_bad_files_raise_one_clear_line(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError) as caught:
        load_table(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_folder_is_not_a_table(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="folder"):
        load_table(tmp_path)


def test_unknown_id_suggests_close_ones() -> None:
    with pytest.raises(NotFound) as caught:
        load_table("pengiuns")
    assert "penguins" in caught.value.suggestions


def test_a_graph_is_refused() -> None:
    with pytest.raises(UserError, match="graph"):
        load_table("cora")
