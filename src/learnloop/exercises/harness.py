"""Runs inside the grading subprocess: load the learner's file, call it on each hidden case, write results.

Started as ``python -I harness.py`` in a temporary folder holding ``solution.py`` and ``cases.json``; it
limits its own resources first (the limits travel in ``cases.json``), then writes ``result.json`` there.
It uses only the standard library, plus NumPy / pandas for the exercises that need them. Everything the
learner's code can do wrong is caught and described here, except what kills the process (limits,
os._exit, crashes): the grader explains those from the exit status.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import math
import numbers
import sys
import traceback
from pathlib import Path
from typing import Any

MAX_REPR = 160


def describe(value: Any) -> str:
    """A short, readable form of a value for a message."""
    pandas = sys.modules.get("pandas")
    try:
        if pandas is not None and isinstance(value, pandas.DataFrame):
            return f"a DataFrame of shape {value.shape}:\n{value.to_string(max_rows=8, max_cols=8)}"
        if pandas is not None and isinstance(value, pandas.Series):
            return f"a Series of length {len(value)}:\n{value.to_string(max_rows=8)}"
        text = repr(value)
    except Exception:  # a learner's object whose repr fails
        text = f"a {type(value).__name__} that cannot be printed"
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + " ..."


def same(got: Any, want: Any, compare: str) -> bool:
    try:
        return compare_values(got, want, compare)
    except (TypeError, ValueError):  # e.g. an array where a number was expected
        return False


def compare_values(got: Any, want: Any, compare: str) -> bool:
    if compare == "equal":
        return type(got) is type(want) and got == want if isinstance(want, bool) else bool(got == want)
    if compare == "close":
        return isinstance(got, numbers.Real) and not isinstance(got, bool) and math.isclose(
            got, want, rel_tol=1e-6, abs_tol=1e-9)
    if compare == "array":
        import numpy as np

        got_array = np.asarray(got)
        want_array = np.asarray(want)
        return (isinstance(got, np.ndarray) and got_array.shape == want_array.shape
                and bool(np.allclose(got_array, want_array, equal_nan=True)))
    if compare in ("frame", "series"):
        import pandas as pd
        import pandas.testing as pdt

        kind = pd.DataFrame if compare == "frame" else pd.Series
        if not isinstance(got, kind):
            return False
        check = pdt.assert_frame_equal if compare == "frame" else pdt.assert_series_equal
        try:
            check(got, want, check_dtype=False, check_exact=False, check_names=False)
        except AssertionError:
            return False
        return True
    raise LookupError(f"unknown comparison {compare!r}")


TOO_MUCH_OUTPUT = "printed too much output"


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


def apply_limits(limits: dict[str, int]) -> None:
    """Limit this process before any learner code runs: CPU seconds, address space, file size, no core."""
    import resource

    for name, value in (("RLIMIT_CPU", limits["cpu_seconds"]), ("RLIMIT_AS", limits["memory_bytes"]),
                        ("RLIMIT_FSIZE", limits["output_bytes"]), ("RLIMIT_CORE", 0)):
        resource.setrlimit(getattr(resource, name), (value, value))


def main() -> None:
    folder = Path.cwd()
    spec = json.loads((folder / "cases.json").read_text(encoding="utf-8"))
    apply_limits(spec["limits"])
    result: dict[str, Any] = {"loaded": False, "cases": []}

    def save() -> None:
        (folder / "result.json").write_text(json.dumps(result), encoding="utf-8")

    namespace: dict[str, Any] = {}
    if spec["group"] in ("numpy", "pandas"):
        import numpy as np

        namespace["np"] = np
    if spec["group"] == "pandas":
        import pandas as pd

        namespace["pd"] = pd
    try:
        module_spec = importlib.util.spec_from_file_location("solution", folder / "solution.py")
        module = importlib.util.module_from_spec(module_spec)  # type: ignore[arg-type]
        module_spec.loader.exec_module(module)  # type: ignore[union-attr]
    except SyntaxError as exc:
        result["load_error"] = f"is not valid Python: {exc.msg} (line {exc.lineno})"
        save()
        return
    except BaseException as exc:  # anything the file does while loading is the learner's
        result["load_error"] = "failed while loading: " + error_words(exc)
        save()
        return
    function = getattr(module, spec["function"], None)
    if not callable(function):
        result["load_error"] = f"defines no function called {spec['function']}()"
        save()
        return
    result["loaded"] = True
    namespace[spec["function"]] = function
    for case in spec["cases"]:
        outcome: dict[str, Any] = {"call": case["call"], "why": case.get("why")}
        compare = case.get("compare", "equal")
        try:
            want = case["expect"] if compare == "raises" else eval(case["expect"], dict(namespace))
            got = eval(case["call"], dict(namespace))  # the catalog's own expressions
        except BaseException as exc:
            if compare == "raises" and type(exc).__name__ == case["expect"]:
                outcome["passed"] = True
                result["cases"].append(outcome)
                continue
            outcome.update(passed=False, error=error_words(exc))
            result["cases"].append(outcome)
            break
        if compare == "raises":
            outcome.update(passed=False, error=f"returned {describe(got)}, but it should raise {want}")
            result["cases"].append(outcome)
            break
        ok = same(got, want, compare)
        outcome["passed"] = ok
        if not ok:
            outcome.update(got=describe(got), want=describe(want))
            result["cases"].append(outcome)
            break
        result["cases"].append(outcome)
    save()


if __name__ == "__main__":
    sys.setrecursionlimit(2000)
    main()
