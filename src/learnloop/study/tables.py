"""The study's knowledge kept as data: ``study/data/*.yaml`` (languages, import names, model bases)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


@functools.cache
def read_table(name: str) -> Any:
    """The parsed content of ``data/<name>.yaml`` (read once per process)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"), Loader=loader)
