"""Tables for the lab: a data set of the map (by id) or the learner's own CSV / Parquet file.

Everything loads offline: the map's data sets ship inside installed packages (scikit-learn,
statsmodels, palmerpenguins, vega_datasets) or inside learnloop itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learnloop.errors import NotFound, UserError
from learnloop.lab.tablefile import TABLE_SUFFIXES

if TYPE_CHECKING:
    import pandas as pd

# scikit-learn's bundled tables, usable by id even before (or without) a map entry for them.
BUNDLED = {
    "iris": ("sklearn", "load_iris", "target", "classification"),
    "wine": ("sklearn", "load_wine", "target", "classification"),
    "breast-cancer": ("sklearn", "load_breast_cancer", "target", "classification"),
    "digits": ("sklearn", "load_digits", "target", "classification"),
    "diabetes": ("sklearn", "load_diabetes", "target", "regression"),
    "penguins": ("palmerpenguins", "load_penguins", "species", "classification"),
}


@dataclass
class Table:
    """A loaded table: the frame (features and target together), the target's name and where it came from."""

    frame: pd.DataFrame
    target: str | None
    name: str
    origin: str
    task: str | None = None
    notices: list[str] = field(default_factory=list)  # what reading the table had to decide

    @property
    def rows(self) -> int:
        return len(self.frame)


def load_table(ref: str | Path, target: str | None = None) -> Table:
    """Load a map data set id or a CSV/Parquet path. ``target`` overrides the data set's own target."""
    text = str(ref)
    path = Path(text).expanduser()
    looks_like_path = path.suffix.lower() in TABLE_SUFFIXES or "/" in text or "\\" in text or path.exists()
    table = read_file(path) if looks_like_path else _type(load_known(text))
    if target is not None:
        table.target = target
    return table


def _map_datasets() -> dict[str, Any]:
    from learnloop.atlas.load import load_atlas

    return load_atlas().datasets


def load_known(dataset_id: str) -> Table:
    """A data set of the map, or one of scikit-learn's bundled tables, by id."""
    datasets = _map_datasets()
    entry = datasets.get(dataset_id)
    if entry is None and dataset_id in BUNDLED:
        source, loader, target, task = BUNDLED[dataset_id]
        return Table(load_source(source, loader, target), target, dataset_id, f"{source} {loader}", task)
    if entry is None:
        from learnloop.atlas.load import close_ids

        raise NotFound("file or data set", dataset_id, close_ids(dataset_id, [*datasets, *BUNDLED]))
    if entry.form != "table":
        raise UserError(
            f"data set {dataset_id!r} is a {entry.form}, not a table",
            hint="the lab takes one row per sample; pick a table among the map's data sets",
            field="data",
        )
    frame = load_source(entry.source, entry.loader, entry.target)
    return Table(frame, entry.target, dataset_id, f"{entry.source} {entry.loader}", entry.task)


def load_source(source: str, loader: str, target: str | None) -> pd.DataFrame:
    """Load one offline data set as a DataFrame whose target (if any) is a column called ``target``."""
    if source == "sklearn":
        from sklearn import datasets as skdata

        bunch = getattr(skdata, loader)(as_frame=True)
        frame = bunch.frame
        if target and target not in frame.columns and getattr(bunch, "target", None) is not None:
            frame = bunch.data.copy()
            frame[target] = bunch.target
        if target and getattr(bunch, "target_names", None) is not None and frame[target].dtype.kind in "iu":
            names = list(bunch.target_names)
            if len(names) == frame[target].nunique() and not str(names[0]).isdigit():
                frame[target] = frame[target].map(dict(enumerate(names))).astype("category")
        return frame.copy()
    if source == "statsmodels":
        from learnloop.extras import require

        module = require(f"statsmodels.datasets.{loader}", "datasets", f"the data set {loader!r}")
        return module.load_pandas().data.copy()
    if source == "palmerpenguins":
        import palmerpenguins

        return getattr(palmerpenguins, loader)()
    if source == "vega":
        from learnloop.extras import require

        return require("vega_datasets", "datasets", f"the data set {loader!r}").local_data(loader)
    if source == "repo":
        from importlib import resources

        root = resources.files("learnloop") / "data" / loader
        with resources.as_file(root) as path:
            return read_file(Path(path)).frame
    raise UserError(f"unknown data set source {source!r}")


def read_file(path: Path) -> Table:
    """Read a CSV, TSV, Parquet or Excel file (see :mod:`learnloop.lab.tablefile`), its columns typed."""
    from learnloop.lab.tablefile import read_table_file

    read = read_table_file(path)
    table = Table(read.frame, None, path.stem, str(path), notices=list(read.notices))
    _type(table, read.decimal)
    return table


def _type(table: Table, decimal: str = ".") -> Table:
    from learnloop.lab.columns import type_columns

    typed = type_columns(table.frame, decimal)
    table.frame = typed.frame
    table.notices += typed.notices
    return table


def table_dataset_ids() -> list[str]:
    """Every data set of the map that the lab can load (form: table)."""
    return [d.id for d in _map_datasets().values() if d.form == "table"]
