"""Runs on the learner's side of the sandbox: load the learner's file, make each hidden call, send back
the values it returned. It judges nothing: the answers stay with the supervisor, which compares.

Started as ``python -I harness.py`` in the learner's folder (a copy of this file sits beside
``solution.py``), with ``{"function", "group", "calls": [[call, should_raise], ...]}`` on stdin and
the channel's descriptor number in ``LEARNLOOP_CHANNEL``. Each message is one JSON line:
``{"loaded": true}`` or ``{"load_error": ...}``, then ``{"case": i, "value": ENCODED}`` or
``{"case": i, "raised": NAME, "error": WORDS}``. Whatever the learner's code writes there itself can
only claim values, never a verdict.
Only the standard library is imported, plus NumPy / pandas for the exercises that need them.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

MAX_REPR = 160
MAX_ITEMS = 200_000
TOO_MUCH_OUTPUT = "printed too much output"


def describe(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"a {type(value).__name__} that cannot be printed"
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + " ..."


def encode(value: Any, depth: int = 0) -> Any:
    """A JSON tree for a value: exact built-in types as they are, containers tagged, NumPy and pandas by
    their data, anything else as an opaque object (its own ``__eq__`` never reaches the judge)."""
    if depth > 50:
        raise ValueError("nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bytes):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, dict):
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in _bounded(dict.items(value))]}
    if isinstance(value, list):
        return [encode(x, depth + 1) for x in _bounded(list.__iter__(value))]
    if isinstance(value, tuple):
        return {"tuple": [encode(x, depth + 1) for x in _bounded(tuple.__iter__(value))]}
    if isinstance(value, (set, frozenset)):
        tag = "set" if isinstance(value, set) else "frozenset"
        return {tag: [encode(x, depth + 1) for x in _bounded(iter(value))]}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if isinstance(value, numpy.generic):
            return {"npscalar": {"dtype": value.dtype.str, "value": encode(value.item(), depth + 1)}}
        if isinstance(value, numpy.ndarray):
            if value.size > MAX_ITEMS:
                raise ValueError("too large to send back")
            return {
                "ndarray": {
                    "dtype": value.dtype.str,
                    "shape": list(value.shape),
                    "data": encode(value.tolist(), depth + 1),
                }
            }
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        if isinstance(value, pandas.Series):
            return {
                "series": {
                    "index": _index(value.index, depth),
                    "dtype": str(value.dtype),
                    "data": encode(value.tolist(), depth + 1),
                    "name": encode(value.name, depth + 1),
                }
            }
        if isinstance(value, pandas.DataFrame):
            return {
                "frame": {
                    "columns": encode(list(value.columns), depth + 1),
                    "index": _index(value.index, depth),
                    "dtypes": [str(t) for t in value.dtypes],
                    "data": [encode(value.iloc[:, i].tolist(), depth + 1) for i in range(value.shape[1])],
                }
            }
    return {"object": {"type": kind.__name__, "repr": describe(value)}}


def _index(index: Any, depth: int) -> Any:
    pandas = sys.modules["pandas"]
    if isinstance(index, pandas.RangeIndex):
        return {"range": [index.start, index.stop, index.step]}
    return {"labels": encode(list(index), depth + 1), "dtype": str(index.dtype)}


def _bounded(items: Any) -> list[Any]:
    out = []
    for item in items:
        out.append(item)
        if len(out) > MAX_ITEMS:
            raise ValueError("too large to send back")
    return out


def error_words(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:  # the output file hit its size limit
        return TOO_MUCH_OUTPUT
    if isinstance(exc, MemoryError):
        return "ran out of memory (it tried to use more than the grader allows)"
    if isinstance(exc, SystemExit):
        return f"called sys.exit({exc.code!r}): a function should return its answer, not stop the program"
    if isinstance(exc, EOFError):
        return "waited for keyboard input (input()): the function gets its data as arguments"
    if isinstance(exc, RecursionError):
        return "recursed too deeply (a function that calls itself without reaching a stopping case)"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith("solution.py")]
    where = f" (line {frames[-1].lineno})" if frames else ""
    return f"raised {type(exc).__name__}: {exc}{where}"


def main() -> None:
    spec = json.loads(sys.stdin.buffer.read())
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115
    channel = os.fdopen(int(os.environ.pop("LEARNLOOP_CHANNEL")), "w", encoding="utf-8", buffering=1)
    write = channel.write
    dumps = json.dumps

    def send(message: dict[str, Any]) -> None:
        write(dumps(message) + "\n")

    namespace: dict[str, Any] = {}
    if spec["group"] in ("numpy", "pandas"):
        import numpy as np

        namespace["np"] = np
    if spec["group"] == "pandas":
        import pandas as pd

        namespace["pd"] = pd
    folder = Path.cwd()
    try:
        module_spec = importlib.util.spec_from_file_location("solution", folder / "solution.py")
        module = importlib.util.module_from_spec(module_spec)  # type: ignore[arg-type]
        module_spec.loader.exec_module(module)  # type: ignore[union-attr]
    except SyntaxError as exc:
        send({"load_error": f"is not valid Python: {exc.msg} (line {exc.lineno})"})
        return
    except BaseException as exc:
        send({"load_error": "failed while loading: " + error_words(exc)})
        return
    function = getattr(module, spec["function"], None)
    if not callable(function):
        send({"load_error": f"defines no function called {spec['function']}()"})
        return
    send({"loaded": True})
    namespace[spec["function"]] = function
    for index, (call, should_raise) in enumerate(spec["calls"]):
        try:
            got = eval(call, dict(namespace))
            message = {"case": index, "value": encode(got)}
            line = dumps(message)
        except BaseException as exc:
            send({"case": index, "raised": type(exc).__name__, "error": error_words(exc)})
            if should_raise:
                continue
            return
        write(line + "\n")


if __name__ == "__main__":
    sys.setrecursionlimit(2000)
    main()
