"""What each source file does: configuration, data, model, training, evaluation, command-line glue, re-exports...

Judged from the facts of its syntax tree (classes that subclass a model base, module-level work, a
``__main__`` guard, command-line parsers, a body made only of imports) and from the calls its text
makes (``loss.backward()``, ``DataLoader(``, a URL string: see :mod:`learnloop.study.signals`), with
the file's name as a last hint. Every role comes with the reasons, in words, that decided it.
"""

from __future__ import annotations

from dataclasses import dataclass

from learnloop.study.pysource import PythonFacts
from learnloop.study.signals import Signals

CONFIG_WORDS = ("config", "configurator", "settings", "hparams", "hyperparams", "params", "options", "defaults")
DATA_WORDS = (
    "prepare",
    "data",
    "dataset",
    "datasets",
    "download",
    "loader",
    "loaders",
    "preprocess",
    "preprocessing",
    "tokenize",
    "tokenizer",
    "dataloader",
    "input_data",
    "load_data",
)
EVAL_WORDS = (
    "eval",
    "evaluate",
    "evaluation",
    "sample",
    "predict",
    "inference",
    "infer",
    "generate",
    "test_model",
    "demo",
    "score",
    "metrics",
    "bench",
)
TRAIN_WORDS = ("train", "training", "trainer", "fit", "finetune", "fine_tune", "pretrain")
CLI_FOLDERS = frozenset({"cli", "commands", "command", "console", "scripts_cli"})
CLI_STEMS = frozenset({"cli", "__main__", "main", "console", "commands", "command_line", "entrypoint", "entry"})
DATA_DEFS = (
    "load_",
    "read_",
    "download",
    "prepare",
    "fetch_",
    "get_data",
    "get_dataset",
    "build_dataset",
    "make_dataset",
    "get_batch",
)
EXAMPLE_FOLDERS = frozenset({"examples", "example", "demos", "demo", "tutorials", "tutorial", "notebooks"})
DOC_FOLDERS = frozenset({"docs", "doc", "documentation"})


TEST_DIRS = frozenset({"tests", "test", "testing", "unittests", "unit_tests"})
VENDOR_DIRS = frozenset(
    {"vendor", "_vendor", "vendored", "third_party", "thirdparty", "externals", "extern", "_external", "external"}
)


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(p in TEST_DIRS for p in parts[:-1])
        or name.startswith("test_")
        or name == "conftest.py"
        or name.endswith(("_test.py", "_tests.py"))
    )


def is_vendored_path(path: str) -> bool:
    return any(p in VENDOR_DIRS for p in path.split("/")[:-1])


@dataclass(frozen=True)
class Judged:
    role: str
    reasons: tuple[str, ...]


def may_run(path: str, python: PythonFacts) -> bool:
    """Whether a file's loader and evaluation calls could decide its role: it runs (a ``__main__`` block, work at
    module level), defines data loaders, or is named for data or evaluation."""
    if python.main_line is not None or python.work_count >= 2:
        return True
    if any(name.lower().startswith(DATA_DEFS) for name, _line in python.functions):
        return True
    stem = _stem(path)
    return _has_word(stem, DATA_WORDS) or _has_word(stem, EVAL_WORDS)


def _stem(path: str) -> str:
    return path.rpartition("/")[2].rsplit(".", 1)[0].lower()


def _has_word(stem: str, words: tuple[str, ...]) -> bool:
    parts = stem.replace("-", "_").split("_")
    return stem in words or any(p in words for p in parts)


def _hit(hits: list[tuple[int, str]]) -> str:
    line, what = hits[0]
    return f"`{what.strip()}` line {line}"


def classify(
    path: str,
    *,
    python: PythonFacts | None,
    signals: Signals | None,
    models: int,
    test: bool,
    vendored: bool,
    notebook: bool = False,
) -> Judged:
    """The role of one source file and the reasons for it."""
    parts = path.split("/")
    folders = set(parts[:-1])
    stem = _stem(path)
    signals = signals or Signals()
    if test:
        return Judged("tests", ("a test",))
    if vendored:
        return Judged("other", ("vendored code (another project's, copied in)",))
    if folders & DOC_FOLDERS:
        return Judged("docs", ("in the documentation folder",))
    runs = python is not None and (python.main_line is not None or python.work_count >= 2)
    if python is not None and python.reexport_only and not signals.trains:
        return Judged("re-export", ("only gathers names from other modules (imports and `__all__`)",))
    if _has_word(stem, CONFIG_WORDS) and not models and not signals.trains:
        return Judged("configuration", ("its name says it holds settings",))
    if (
        python is not None
        and python.constant_assignments >= 3
        and not python.functions
        and not python.classes
        and python.work_count <= 1
        and not signals.trains
    ):
        return Judged(
            "configuration", (f"{python.constant_assignments} settings assigned at module level, nothing else",)
        )
    if signals.trains and (runs or notebook or not models or _has_word(stem, TRAIN_WORDS)):
        best = signals.best_training()
        reasons = [f"trains: `{best[1]}` line {best[0]}" if best else "trains"]
        if models:
            reasons.append(f"also defines {models} model class{'es' if models > 1 else ''}")
        return Judged("training", tuple(reasons))
    if models:
        return Judged("model", (f"defines {models} model class{'es' if models > 1 else ''}",))
    data_defs = [n for n, _line in (python.functions if python else []) if n.lower().startswith(DATA_DEFS)]
    if (
        len(signals.evaluation) >= 2
        and (runs or notebook)
        and not signals.urls
        and not data_defs
        and not _has_word(stem, DATA_WORDS)
    ):  # loads a checkpoint to use it (sample.py): evaluation, not data preparation
        return Judged("evaluation", (f"uses a trained model: {_hit(signals.evaluation)}",))
    if (
        signals.urls
        or (signals.data and (runs or notebook or data_defs or _has_word(stem, DATA_WORDS)))
        or (data_defs and _has_word(stem, (*DATA_WORDS, "utils", "util", "io")))
    ):
        reasons = []
        if signals.urls:
            reasons.append(f"downloads from {signals.urls[0][1]} (line {signals.urls[0][0]})")
        if signals.data:
            reasons.append(f"loads data: {_hit(signals.data)}")
        if data_defs:
            reasons.append(f"defines {', '.join(f'`{n}`' for n in data_defs[:3])}")
        return Judged("data", tuple(reasons))
    if _has_word(stem, DATA_WORDS) and (signals.files or data_defs):
        return Judged("data", (f"reads {signals.files[0][1]}" if signals.files else "its name says it handles data",))
    if signals.evaluation and (runs or notebook or _has_word(stem, EVAL_WORDS)):
        return Judged("evaluation", (f"uses a trained model: {_hit(signals.evaluation)}",))
    clis = python.clis if python is not None else []
    if clis and (folders & CLI_FOLDERS or stem in CLI_STEMS):
        return Judged("cli", (f"command-line glue ({clis[0].kind}, line {clis[0].line})",))
    if folders & EXAMPLE_FOLDERS:
        return Judged("examples", ("an example",))
    if runs:
        why = (
            f'runs when called: `if __name__ == "__main__"` line {python.main_line}'
            if python and python.main_line
            else f"runs when called: {python.work_count if python else 0} statements at module level"
        )
        return Judged("script", (why,))
    if notebook:
        return Judged("script", ("a notebook",))
    return Judged("library", ("defines functions and classes others use",))
