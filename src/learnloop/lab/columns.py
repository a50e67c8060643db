"""What a text column really holds: numbers written for people, or dates. Then dates as model inputs.

A learner's file writes ``"12,345.67"``, ``"1.234,5"``, ``"€ 12"`` or ``"2024-03-01T08:00"``; read as
text, each would be one more category (or an "id", since every row differs) and its signal lost.
:func:`type_columns` turns such columns into numbers or datetimes when nearly all their values
agree on one way of writing, and says what it did. :func:`expand_dates` turns each datetime column
into the parts a model can use (year, month, weekday, hour where present).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

AGREE = 0.95  # share of a column's values that must be written the same way
SAMPLE = 2_000

_NUMBER = r"[-+]?(?:{int})(?:{dec}\d+)?"
_US = re.compile("^" + _NUMBER.format(int=r"\d{1,3}(?:,\d{3})+|\d+", dec=r"\.") + "$")
_EU = re.compile("^" + _NUMBER.format(int=r"\d{1,3}(?:\.\d{3})+|\d+", dec=",") + "$")
_SPACED = re.compile("^" + _NUMBER.format(int=r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+", dec="[.,]") + "$")
_MONEY = re.compile(r"^\s*[$€£¥]\s*|\s*[$€£¥%]\s*$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass
class Typed:
    frame: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    converted: dict[str, str] = field(default_factory=dict)  # column -> "number" | "datetime"


def type_columns(frame: pd.DataFrame, decimal: str = ".") -> Typed:
    """Turn text columns that hold numbers or ISO dates into numbers or datetimes, with notices."""
    import pandas as pd

    out = Typed(frame)
    changed: dict[Any, Any] = {}
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        present = column.dropna()
        if present.empty:
            continue
        text = present.astype(str).str.strip()
        sample = text.iloc[:SAMPLE]
        dates = _as_datetime(column, sample)
        if dates is not None:
            changed[name] = dates
            out.converted[str(name)] = "datetime"
            continue
        number, how = _as_number(column, sample, decimal)
        if number is not None:
            changed[name] = number
            out.converted[str(name)] = "number"
            out.notices.append(f"column {name!r} holds numbers written as text ({how}); read them as numbers")
    if changed:
        out.frame = _replace(frame, changed)
    return out


def _replace(frame: pd.DataFrame, changed: dict[Any, Any]) -> pd.DataFrame:
    frame = frame.copy()
    for name, values in changed.items():
        frame[name] = values
    return frame


def _as_datetime(column: pd.Series, sample: pd.Series) -> Any:
    import pandas as pd

    iso = sample.str.match(_ISO).mean()
    month = sample.str.match(_ISO_MONTH).mean() if iso < AGREE else 0.0
    if iso < AGREE and month < AGREE:
        return None
    text = column.astype("string").str.strip()
    aware = bool(sample.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).any())
    try:
        parsed = pd.to_datetime(text, format="ISO8601" if iso >= AGREE else "%Y-%m", errors="coerce", utc=aware)
    except (ValueError, TypeError):
        return None
    if aware:
        parsed = parsed.dt.tz_convert(None)
    if parsed.notna().sum() < AGREE * column.notna().sum():
        return None
    return parsed


def _as_number(column: pd.Series, sample: pd.Series, decimal: str) -> tuple[Any, str]:
    import pandas as pd

    bare = sample.str.replace(_MONEY, "", regex=True)
    money = bool((bare != sample).mean() >= AGREE)
    if not bare.str.contains(r"\d", regex=True).all():
        return None, ""
    us, eu, spaced = (bare.str.match(p).mean() for p in (_US, _EU, _SPACED))
    has_sep = bare.str.contains(r"\d[,.\s\u00a0\u202f]\d", regex=True).any()
    if not has_sep and not money:
        return None, ""
    style = None
    if us >= AGREE and eu >= AGREE:  # "1,234" alone could be either: the file's decimal mark decides
        style = "eu" if decimal == "," or not bare.str.contains(",", regex=False).any() else "us"
        if style == "us" and bare.str.match(r"^[-+]?\d+,\d{1,2}$").any():
            style = "eu"
    elif us >= AGREE:
        style = "us"
    elif eu >= AGREE:
        style = "eu"
    elif spaced >= AGREE:
        style = "spaced"
    if style is None:
        return None, ""
    text = column.astype("string").str.strip().str.replace(_MONEY, "", regex=True)
    if style == "us":
        text = text.str.replace(",", "", regex=False)
        how = "'12,345.67' style: ',' groups thousands" if bare.str.contains(",").any() else "with a currency sign"
    elif style == "eu":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        how = "'1.234,5' style: ',' is the decimal mark"
    else:
        text = text.str.replace(r"[ \u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
        how = "spaces group thousands"
    if money:
        how += "; the currency or % sign was removed"
    values = pd.to_numeric(text, errors="coerce")
    if values.notna().sum() < AGREE * column.notna().sum():
        return None, ""
    return values.astype("float64"), how


# ---------------------------------------------------------------- dates as model inputs


@dataclass
class Expanded:
    frame: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    dates: dict[str, Any] = field(default_factory=dict)  # original datetime columns (for the time order)


def expand_dates(frame: pd.DataFrame) -> Expanded:
    """Replace each datetime column by its year, month, weekday and (when times vary) hour."""
    import pandas as pd

    out = Expanded(frame)
    names = [
        c
        for c in frame.columns
        if pd.api.types.is_datetime64_any_dtype(frame[c]) or isinstance(frame[c].dtype, pd.PeriodDtype)
    ]
    if not names:
        return out
    frame = frame.copy()
    for name in names:
        values = frame[name]
        if isinstance(values.dtype, pd.PeriodDtype):
            values = values.dt.to_timestamp()
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert(None)
        position = list(frame.columns).index(name)
        frame = frame.drop(columns=[name])
        if values.notna().sum() == 0:
            out.notices.append(f"dropped column {name!r}: a date column with no readable date")
            continue
        out.dates[str(name)] = values
        parts = {
            "year": values.dt.year,
            "month": values.dt.month,
            "weekday": values.dt.day_of_week,
            "hour": values.dt.hour,
        }
        if values.dt.day.nunique(dropna=True) <= 1:  # one date a year or a month: its weekday is noise
            del parts["weekday"]
        kept = []
        for part, numbers in parts.items():
            if numbers.nunique(dropna=True) > 1:
                column = f"{name}_{part}"
                frame.insert(position, column, numbers.astype("float64"))
                position += 1
                kept.append(column)
        if kept:
            out.notices.append(f"column {name!r} holds dates: the models see it as " + ", ".join(kept))
        else:
            out.notices.append(f"dropped column {name!r}: every row has the same date")
    out.frame = frame
    return out
