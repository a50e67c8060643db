"""Reading the table file a learner has: CSV in any of its dialects, Parquet, or an Excel workbook.

What a learner's file really looks like decides everything downstream, so the reader sniffs rather
than assumes, and says what it did:

- the separator (``,`` ``;`` tab or ``|``), from the first lines, quotes respected;
- a decimal comma when the separator is not a comma (``3,5`` is three and a half);
- the encoding: UTF-8 (with or without a byte-order mark), else Windows-1252, else Latin-1, with a notice;
- header names that repeat are renamed (``price``, ``price.1``) with a notice;
- ``.xlsx`` through openpyxl when it is installed, else one line that says to save it as CSV.

The file must be a regular file under a size cap, checked before a byte is read: a FIFO or a device
(``/dev/zero``) never reaches the parser. Column types (numbers written with thousands separators,
ISO dates) are settled afterwards by :mod:`learnloop.lab.columns`, for files and map tables alike.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learnloop.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
}
MAX_TABLE_BYTES = 2 * 1024**3  # a CSV this big is ~50 million cells; beyond, sample it first
MAX_WORKBOOK_BYTES = 100 * 1024**2  # openpyxl holds the whole workbook in memory, ~50x the file
SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


@dataclass
class ReadFile:
    """What came out of a file, and what the reader had to decide to get it."""

    frame: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    decimal: str = "."


def check_readable(path: Path, limit: int | None = None) -> int:
    """The file's size, after checking it is a regular file under the cap (nothing is opened)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UserError(
            f"no such file: {path}", hint="check the path, or give a data set id from the map", field="data"
        ) from None
    except OSError as exc:
        raise UserError(f"cannot read {_short(path)}: {exc.strerror or exc}", field="data") from None
    if stat.S_ISDIR(info.st_mode):
        raise UserError(f"{_short(path)} is a folder, not a table", hint="give a CSV or Parquet file", field="data")
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a pipe (FIFO)"
            if stat.S_ISFIFO(info.st_mode)
            else "a device"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a socket"
            if stat.S_ISSOCK(info.st_mode)
            else "not a file"
        )
        raise UserError(f"{_short(path)} is {kind}, not a regular file; give a table saved on disk", field="data")
    cap = MAX_TABLE_BYTES if limit is None else limit
    if info.st_size > cap:
        raise UserError(
            f"{_short(path)} is {info.st_size / 1024**2:,.0f} MB, over the {cap / 1024**2:,.0f} MB the "
            "lab reads; take a sample of its rows first",
            field="data",
        )
    return info.st_size


def read_table_file(path: Path) -> ReadFile:
    """Read a CSV, TSV, Parquet or Excel file; every failure becomes one line the learner can act on."""
    import pandas as pd

    size = check_readable(path)
    if size == 0:
        raise UserError(f"{_short(path)} is empty", field="data")
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    kind = TABLE_SUFFIXES.get(path.suffix.lower())
    if head[:4] == b"PAR1":
        kind = "parquet"
    elif head[:4] == b"PK\x03\x04":  # a zip: an .xlsx saved under another name
        kind = "xlsx"
    elif head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        kind = "xls"
    kind = kind or "csv"
    if kind == "parquet":
        from learnloop.extras import require

        require("pyarrow", "parquet", f"reading {path.name}")
    try:
        if kind == "parquet":
            read = ReadFile(pd.read_parquet(path))
        elif kind in ("xlsx", "xls"):
            read = _read_workbook(path, kind, size)
        else:
            read = _read_text(path, head, tab=kind == "tsv")
    except UserError:
        raise
    except pd.errors.EmptyDataError:
        raise UserError(f"{_short(path)} is empty", field="data") from None
    except (pd.errors.ParserError, ValueError, OSError, UnicodeDecodeError) as exc:
        what = {"parquet": "Parquet", "xlsx": "Excel"}.get(kind, "CSV")
        raise UserError(f"{_short(path)} is not a readable {what} table ({_first_line(exc)})", field="data") from None
    except Exception as exc:  # pyarrow and openpyxl raise their own types for a damaged file
        raise UserError(f"{_short(path)} is not a readable table ({_first_line(exc)})", field="data") from None
    frame = read.frame
    if frame.shape[1] < 2 or len(frame) == 0:
        raise UserError(
            f"{_short(path)} is not a table with rows and at least two columns "
            f"(read {len(frame)} rows × {frame.shape[1]} columns)",
            field="data",
        )
    return read


# ---------------------------------------------------------------- text


@dataclass(frozen=True)
class Dialect:
    sep: str
    decimal: str
    encoding: str
    header: list[str]


def sniff(head: bytes, *, tab: bool = False) -> tuple[Dialect, list[str]]:
    """Separator, decimal mark and encoding of a CSV from its first bytes (and the notices they need)."""
    if b"\x00" in head[:8192]:
        raise UserError("the file holds binary data, not a text table (is it a picture or a database?)", field="data")
    notices: list[str] = []
    text, encoding = _decode(head)
    if encoding != "utf-8":
        name = "Windows-1252" if encoding == "cp1252" else "Latin-1"
        notices.append(f"the file is not UTF-8 text; read it as {name} (accents may need a check)")
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(text) >= SNIFF_BYTES - 4 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in half
    sep = "\t" if tab else _separator(lines)
    rows = list(csv.reader(lines, delimiter=sep))
    header = rows[0] if rows else []
    decimal = "."
    if sep != ",":
        values = [cell.strip() for row in rows[1:] for cell in row]
        commas = sum(1 for v in values if _DECIMAL_COMMA.match(v))
        dots = sum(1 for v in values if _DECIMAL_DOT.match(v))
        if commas > dots:
            decimal = ","
            notices.append(f"numbers use a decimal comma and {_sep_name(sep)} separates the columns")
    return Dialect(sep, decimal, encoding, header), notices


def _read_text(path: Path, head: bytes, *, tab: bool) -> ReadFile:
    import pandas as pd

    dialect, notices = sniff(head, tab=tab)
    encoding = "utf-8-sig" if dialect.encoding == "utf-8" else dialect.encoding
    options: dict[str, Any] = {"sep": dialect.sep, "decimal": dialect.decimal, "engine": "c", "low_memory": False}
    try:
        frame = pd.read_csv(path, encoding=encoding, **options)
    except UnicodeDecodeError:  # the first 64 KB were UTF-8, a later byte is not
        for fallback in FALLBACK_ENCODINGS:
            try:
                frame = pd.read_csv(path, encoding=fallback, **options)
            except UnicodeDecodeError:
                continue
            name = "Windows-1252" if fallback == "cp1252" else "Latin-1"
            notices.append(f"the file is not UTF-8 text; read it as {name} (accents may need a check)")
            break
        else:  # pragma: no cover - Latin-1 decodes every byte
            raise
    notices += _renamed_headers(dialect.header, [str(c) for c in frame.columns])
    return ReadFile(frame, notices, dialect.decimal)


def _decode(head: bytes) -> tuple[str, str]:
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    for encoding in ("utf-8", *FALLBACK_ENCODINGS):
        try:
            return head.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(head) - 3:  # a character cut by the 64 KB window
                return head[: exc.start].decode("utf-8"), "utf-8"
    raise UserError("the file is not text", field="data")  # pragma: no cover - Latin-1 decodes every byte


def _separator(lines: list[str]) -> str:
    """The delimiter that splits the header and the rows into the same number (≥ 2) of fields."""
    best, best_score = ",", (0.0, 0.0)
    for sep in DELIMITERS:
        rows = list(csv.reader(lines, delimiter=sep))
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:] or rows
        agree = sum(1 for row in body if len(row) == width) / len(body)
        score = (round(agree, 2), float(width) if sep != "," else width + 0.5)  # a tie goes to the comma
        if agree >= 0.8 and score > best_score:
            best, best_score = sep, score
    return best


def _sep_name(sep: str) -> str:
    return {";": "';'", "\t": "a tab", "|": "'|'"}.get(sep, repr(sep))


def _renamed_headers(raw: list[str], read: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    for name in raw:
        key = name.strip()
        seen[key] = seen.get(key, 0) + 1
    repeated = [name for name, count in seen.items() if count > 1 and name]
    if not repeated:
        return []
    notices = []
    for name in repeated:
        copies = [c for c in read if c == name or (c.startswith(name + ".") and c[len(name) + 1 :].isdigit())]
        notices.append(
            f"the header names {name!r} {seen[name]} times; the copies are called " + ", ".join(repr(c) for c in copies)
        )
    return notices


_DECIMAL_COMMA = re.compile(r"^[-+]?\d{1,3}(\.\d{3})*,\d+$|^[-+]?\d+,\d+$")
_DECIMAL_DOT = re.compile(r"^[-+]?\d+\.\d+$")


# ---------------------------------------------------------------- workbooks


def _read_workbook(path: Path, kind: str, size: int) -> ReadFile:
    import pandas as pd

    if kind == "xls":
        raise UserError(
            f"{_short(path)} is an old Excel (.xls) workbook; save it as CSV and give that file", field="data"
        )
    if size > MAX_WORKBOOK_BYTES:
        raise UserError(
            f"{_short(path)} is a {size / 1024**2:,.0f} MB workbook, over the "
            f"{MAX_WORKBOOK_BYTES / 1024**2:,.0f} MB the lab opens; save it as CSV",
            field="data",
        )
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise UserError(
            f"{_short(path)} is an Excel workbook; save it as CSV (or install the 'excel' extra "
            "of learnloop to read it directly)",
            field="data",
        ) from None
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    if not sheets:
        raise UserError(f"{_short(path)} has no sheets", field="data")
    name, frame = next(iter(sheets.items()))
    notices = []
    if len(sheets) > 1:
        notices.append(f"read the first sheet {name!r} of the {len(sheets)} in the workbook")
    frame.columns = [str(c) for c in frame.columns]
    return ReadFile(frame, notices)


# ---------------------------------------------------------------- uploads


def peek_columns(data: bytes, name: str, rows: int = 200) -> list[str]:
    """The column names of an uploaded CSV's first rows, read the same way a file on disk is (or one error)."""
    import pandas as pd

    dialect, _ = sniff(data[:SNIFF_BYTES])
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            nrows=rows,
            sep=dialect.sep,
            decimal=dialect.decimal,
            encoding="utf-8-sig" if dialect.encoding == "utf-8" else dialect.encoding,
            encoding_errors="replace",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise UserError(f"{name} is not a readable CSV table ({_first_line(exc)})", field="data") from None
    if frame.shape[1] < 2 or frame.empty:
        raise UserError(f"{name} is not a table with rows and at least two columns", field="data")
    return [str(c) for c in frame.columns]


def _short(path: Path) -> str:
    text = os.fspath(path)
    return text if len(text) <= 80 else "…" + text[-79:]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__
