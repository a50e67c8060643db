"""Tables for the lab: a data set of the map (by id) or the learner's own CSV / Parquet file.

Everything loads offline: the map's data sets ship inside installed packages (scikit-learn,
statsmodels, palmerpenguins, vega_datasets) or inside learnloop itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learnloop.errors import NotFound, UserError

if TYPE_CHECKING:
    import pandas as pd

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet"}

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

    @property
    def rows(self) -> int:
        return len(self.frame)


def load_table(ref: str | Path, target: str | None = None) -> Table:
    """Load a map data set id or a CSV/Parquet path. ``target`` overrides the data set's own target."""
    text = str(ref)
    path = Path(text).expanduser()
    looks_like_path = path.suffix.lower() in TABLE_SUFFIXES or "/" in text or "\\" in text or path.exists()
    table = read_file(path) if looks_like_path else load_known(text)
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
        raise UserError(f"data set {dataset_id!r} is a {entry.form}, not a table",
                        hint="the lab takes one row per sample; pick a table among the map's data sets", field="data")
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
    """Read a CSV, TSV or Parquet file; every failure becomes one line the learner can act on."""
    import pandas as pd

    if not path.exists():
        raise UserError(f"no such file: {path}", hint="check the path, or give a data set id from the map")
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a table", hint="give a CSV or Parquet file")
    kind = TABLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        kind = "parquet" if path.read_bytes()[:4] == b"PAR1" else "csv"
    if kind == "parquet":
        from learnloop.extras import require

        require("pyarrow", "parquet", f"reading {path.name}")
    try:
        if kind == "parquet":
            frame = pd.read_parquet(path)
        else:
            sniff = kind == "csv" and _needs_sniffing(path)
            frame = pd.read_csv(path, sep=None if sniff else ("\t" if kind == "tsv" else ","),
                                engine="python" if sniff else "c", encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path.name} is not UTF-8 text",
                        hint="save it again as UTF-8 (in a spreadsheet: 'CSV UTF-8')") from None
    except pd.errors.EmptyDataError:
        raise UserError(f"{path.name} is empty") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        what = "Parquet" if kind == "parquet" else "CSV"
        raise UserError(f"{path.name} is not a readable {what} table ({_first_line(exc)})") from None
    except Exception as exc:  # pyarrow raises its own types for a damaged Parquet file
        raise UserError(f"{path.name} is not a readable table ({_first_line(exc)})") from None
    if frame.shape[1] < 2 or len(frame) == 0:
        raise UserError(f"{path.name} is not a table with rows and at least two columns "
                        f"(read {len(frame)} rows × {frame.shape[1]} columns)")
    return Table(frame, None, path.stem, str(path))


def _needs_sniffing(path: Path) -> bool:
    """True when the first line has no comma but has ';' or tabs (European CSVs)."""
    with path.open("rb") as handle:
        head = handle.readline(65536)
    return b"," not in head and (b";" in head or b"\t" in head)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


def table_dataset_ids() -> list[str]:
    """Every data set of the map that the lab can load (form: table)."""
    return [d.id for d in _map_datasets().values() if d.form == "table"]
