"""learnloop's optional extras: what each one brings, and the import that says which to install when it is missing.

The base install is what a first run needs (the map, the loop, the lab on its classic models and the data sets that
ship inside learnloop and scikit-learn). Larger or rarer parts are extras (`pyproject.toml` is the authority):

- ``datasets``: the statsmodels and vega data sets of the map (statsmodels, vega_datasets);
- ``parquet``: reading Parquet tables (pyarrow);
- ``excel``: reading ``.xlsx`` tables (openpyxl);
- ``deep``: the PyTorch rungs of the ladders (torch, torch-geometric);
- ``scale``: baselines on a Dask cluster (dask[distributed]);
- ``rl``: the Gymnasium rung of the reinforcement-learning ladder (gymnasium);
- ``server``: the class server on PostgreSQL (psycopg).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from learnloop.errors import MissingExtra


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module``; if it is not installed, raise :class:`MissingExtra` naming ``extra`` (not a traceback)."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = (exc.name or module).split(".")[0]
        if missing != module.split(".")[0]:
            raise  # the extra is there but something it needs is broken: a bug to see, not a missing extra
        raise MissingExtra(what, extra, missing) from None
