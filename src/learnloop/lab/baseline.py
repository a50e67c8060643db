"""The baseline leaderboard: every classic model family, k-fold cross-validated, fast and stoppable.

How it stays fast:

- preprocessing (impute, scale, one-hot) is fitted once per fold and shared by every model;
- fits run in parallel, one forked single-threaded worker per core (:mod:`learnloop.lab.workers`),
  longest predicted job first so the cores finish together;
- models whose cost grows faster than n log n (kNN, SVM, MLP) train on a random subsample above a
  row cap, and forests cap each tree's bootstrap sample, with a notice;
- the train score is measured on at most 5,000 training rows;
- on more than 2,000 training rows, each model first fits a 2,000-row sample: the time it takes,
  scaled by how the model grows with rows, predicts its cost, which orders the work and lets
  ``time_budget`` skip (with a notice) what will not fit.

How it stays safe: every fit has a timeout; a model that fails is listed with its error in one line;
a time budget running out or Ctrl-C returns the rows finished so far (``stopped`` says why).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnloop.errors import UserError
from learnloop.lab import workers
from learnloop.lab.diagnose import FINE, REFERENCE, diagnose
from learnloop.lab.models import (
    DUMMY_ID,
    SMALL_BOOST_ROUNDS,
    SMALL_BOOST_ROWS,
    SMALL_FOREST_TREES,
    SMALL_TABLE_ROWS,
    ModelSpec,
    baseline_specs,
    build_dummy,
    model_spec,
)
from learnloop.lab.options import DEFAULT_FIT_TIMEOUT, BaselineOptions
from learnloop.lab.scoring import Metric, choose_metric

TRAIN_SCORE_ROWS = 5_000
PROBE_ROWS = 2_000
RACE_ROWS = 50_000  # from this many training rows, models far behind on fold 1 stop there
RACE_MARGIN = 0.05  # "far behind": more than this share of the leader's lead over the dummy
LEARNING_CURVE_ROWS = 2_000  # below this many training rows a learning curve is mostly noise: none is drawn
PARENT_MODULES = (
    "numpy",
    "pandas",
    "sklearn.model_selection",
    "sklearn.compose",
    "sklearn.impute",
    "sklearn.pipeline",
    "sklearn.preprocessing",
)
WARM_MODULES = ("numpy", "scipy.sparse", "sklearn.base", "sklearn.metrics", "learnloop.lab.baseline")

__all__ = ["DEFAULT_FIT_TIMEOUT", "BaselineOptions", "Leaderboard", "ModelRow", "run_baseline"]


@dataclass
class ModelRow:
    model: str
    name: str
    status: str = "ok"  # ok | failed | timed out | skipped | stopped
    score_mean: float | None = None
    score_std: float | None = None
    train_score: float | None = None
    fit_seconds: float | None = None  # mean per fold
    folds: int = 0
    rows_used: int | None = None
    predicted_seconds: float | None = None
    verdict: str = ""
    reason: str = ""
    advice: str = ""
    note: str = ""


@dataclass
class CurvePoint:
    rows: int
    train_mean: float
    train_std: float
    valid_mean: float
    valid_std: float


@dataclass
class Leaderboard:
    data: str
    origin: str
    n_rows: int
    n_columns: int
    n_features: int
    target: str
    task: str
    metric: str
    metric_label: str
    greater_is_better: bool
    cv: int
    jobs: int
    results: list[ModelRow] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    split: str = "random"  # random | time | groups
    warnings: list[str] = field(default_factory=list)  # read these before the ranking
    findings: list[Any] = field(default_factory=list)  # honesty.Finding values behind warnings and notices
    suggestions: list[Any] = field(default_factory=list)  # honesty.Suggestion: options worth setting
    best: str | None = None
    learning_curve: list[CurvePoint] = field(default_factory=list)
    learning_curve_png: str | None = None
    stopped: str | None = None  # None, "interrupted" or "time budget"
    elapsed_seconds: float = 0.0

    def best_row(self) -> ModelRow | None:
        return next((r for r in self.results if r.model == self.best), None)


@dataclass
class Progress:
    """What the front door shows while the baseline runs."""

    done: int
    total: int
    running: list[str]
    phase: str  # "probing", "fitting", "learning curve"
    finished: str | None = None  # label of the job that just finished, with its status


ProgressHook = Callable[[Progress], None]


@dataclass
class _Folds:
    """Preprocessed folds shared by every model (float32, C-contiguous)."""

    train_X: list[Any]
    train_y: list[Any]
    valid_X: list[Any]
    valid_y: list[Any]
    n_features: int
    n_numeric: int = 0  # the first n_numeric columns are the scaled numeric ones (then one-hot columns)

    @property
    def nbytes(self) -> int:
        return sum(int(a.nbytes) for part in (self.train_X, self.valid_X) for a in part)


def run_baseline(
    options: BaselineOptions | str | Path,
    target: str | None = None,
    *,
    picture_dir: Path | None = None,
    progress: ProgressHook | None = None,
    **values: Any,
) -> Leaderboard:
    """Cross-validate the classic model families on a table and rank them.

    ``options`` is a :class:`BaselineOptions`, or the data (a path or a data set id) with the options
    as keywords, validated the same way. The learning curve is drawn into ``picture_dir`` when given.
    """
    started = time.monotonic()
    _import_libraries()
    if not isinstance(options, BaselineOptions):
        options = BaselineOptions.parse(data=options, target=target, **values)
    elif target is not None or values:
        raise TypeError("give either a BaselineOptions or the options as keywords, not both")
    jobs = _job_count(options.jobs)
    pool = None
    if not options.cluster:
        pool = workers.Pool(jobs, warm=WARM_MODULES)
        if _start_early(pool.method or "fork"):  # they import while this process reads the table
            pool.start()
    try:
        return _prepare_and_run(options, jobs, pool, started, picture_dir, progress)
    finally:
        if pool is not None:
            pool.close()


def _prepare_and_run(
    options: BaselineOptions,
    jobs: int,
    pool: workers.Pool | None,
    started: float,
    picture_dir: Path | None,
    progress: ProgressHook | None,
) -> Leaderboard:
    from learnloop.lab import honesty
    from learnloop.lab.datasets import load_table
    from learnloop.lab.preprocess import split_target

    table = load_table(options.data, options.target)
    prepared = split_target(table.frame, table.target, options.task, options.drop, options.groups)
    y = _encode_target(prepared)
    findings: list[honesty.Finding] = []
    imbalance = None
    if prepared.task == "classification":
        imbalance = honesty.imbalance_finding(
            y, [str(c) for c in prepared.classes], options.metric is not None, options.metric or "accuracy"
        )
    chosen_metric = choose_metric(prepared.task, options.metric, imbalanced=imbalance is not None)
    specs = _chosen_specs(prepared.task, list(options.models) if options.models else None)
    for found in (
        honesty.task_finding(prepared, prepared.y),
        imbalance,
        honesty.outlier_finding(prepared.y, chosen_metric.name) if prepared.task == "regression" else None,
    ):
        if found is not None:
            findings.append(found)
    findings += honesty.leak_findings(prepared, y, options.seed)
    notices = [*table.notices, *prepared.notices]
    prepared, y, split_text = _order_rows(prepared, y, options, notices)
    cv = _fold_count(prepared, y, options.cv, notices)
    board = Leaderboard(
        data=table.name,
        origin=table.origin,
        n_rows=len(prepared.X),
        n_columns=table.frame.shape[1],
        n_features=0,
        target=str(table.target),
        task=prepared.task,
        metric=chosen_metric.name,
        metric_label=chosen_metric.label,
        greater_is_better=chosen_metric.greater_is_better,
        cv=cv,
        jobs=jobs,
        notices=notices,
        split=split_text,
    )
    _add_findings(board, findings)
    rows = {spec.id: ModelRow(spec.id, spec.title(prepared.task)) for spec in specs}
    rows[DUMMY_ID] = ModelRow(
        DUMMY_ID,
        "Dummy (always the most frequent class)" if prepared.task == "classification" else "Dummy (always the mean)",
    )
    board.results = [rows[DUMMY_ID], *(rows[spec.id] for spec in specs)]  # listed even if Ctrl-C comes early
    try:
        return _run(
            board,
            rows,
            prepared,
            y,
            specs,
            chosen_metric,
            table.name,
            started,
            options=options,
            jobs=jobs,
            pool=pool,
            picture_dir=picture_dir,
            progress=progress,
        )
    except KeyboardInterrupt:  # Ctrl-C outside the workers (while preparing or drawing): keep what exists
        board.stopped = "interrupted"
        board.elapsed_seconds = round(time.monotonic() - started, 2)
        return board


def _add_findings(board: Leaderboard, findings: list[Any]) -> None:
    for found in findings:
        board.findings.append(found)
        (board.warnings if found.warning else board.notices).append(found.message)
        if found.suggestion is not None and found.suggestion not in board.suggestions:
            board.suggestions.append(found.suggestion)


def _run(
    board: Leaderboard,
    rows: dict[str, ModelRow],
    prepared: Any,
    y: Any,
    specs: list[ModelSpec],
    chosen_metric: Metric,
    name: str,
    started: float,
    *,
    options: BaselineOptions,
    jobs: int,
    pool: workers.Pool | None,
    picture_dir: Path | None,
    progress: ProgressHook | None,
) -> Leaderboard:
    from learnloop.lab import honesty

    cv = board.cv
    folds, split_indices = _prepare_folds(prepared, y, cv, options.seed, board.split)
    board.n_features = folds.n_features
    copies = honesty.duplicate_finding(prepared.X, split_indices)
    if copies is not None:
        _add_findings(board, [copies])
    n_train = min(len(x) for x in folds.train_X)
    n_valid = max(len(x) for x in folds.valid_X)
    for spec in specs:
        if spec.row_cap and n_train > spec.row_cap:
            rows[spec.id].rows_used = spec.row_cap
            why = "its cost grows faster than n log n" if spec.growth > 1.2 else "to keep the run short"
            board.notices.append(
                f"{spec.name} trains on a random {spec.row_cap:,} of the {n_train:,} training rows per fold ({why})"
            )
        if spec.tree_rows and n_train > spec.tree_rows:
            board.notices.append(
                f"{spec.name}: each tree draws a {spec.tree_rows:,}-row bootstrap sample of the "
                f"{n_train:,} training rows"
            )
        if spec.valid_cap and n_valid > spec.valid_cap:
            board.notices.append(
                f"{spec.name} is scored on a random {spec.valid_cap:,} of the {n_valid:,} "
                "validation rows per fold (its predictions are slow)"
            )
        if spec.extra.get("numeric_only") and folds.n_numeric < folds.n_features:
            board.notices.append(
                f"{spec.name} sees the {folds.n_numeric} numeric columns only (its bell curves "
                "do not fit one-hot columns)"
                if folds.n_numeric
                else f"{spec.name} sees one-hot columns: the table has no numeric column"
            )
    if n_train > TRAIN_SCORE_ROWS:
        board.notices.append(f"train scores are measured on {TRAIN_SCORE_ROWS:,} sampled training rows")
    classes = len(prepared.classes)
    boosted = [s.name for s in specs if s.extra.get("class_rounds")]
    if prepared.task == "classification" and classes > 2 and boosted:
        from learnloop.lab.models import CLASS_ROUNDS

        cap = max(30, CLASS_ROUNDS // classes)
        if cap < 100:
            board.notices.append(
                f"{' and '.join(boosted)} grow at most {cap} rounds: with {classes} classes each "
                f"round is {classes} trees"
            )
    boosting = "gradient-boosting" in {s.id for s in specs}
    if prepared.task == "classification" and n_train < SMALL_TABLE_ROWS and boosting:
        rounds = (
            f"grows {SMALL_BOOST_ROUNDS} rounds with a step of 0.3 (up to 100 with 0.2 on larger tables) and "
            if n_train < SMALL_BOOST_ROWS
            else ""
        )
        board.notices.append(
            f"on {n_train:,} training rows histogram gradient boosting {rounds}cuts each column into 63 bins, "
            "not 255 (on a small table the score moves less than the spread between folds, the time drops)"
        )
    few = [s.id for s in specs if s.extra.get("small_trees") and n_train < SMALL_TABLE_ROWS]
    if few:
        board.notices.append(
            f"on {n_train:,} training rows the forests grow {SMALL_FOREST_TREES} trees, not 100 "
            "(on a small table the score moves less than the spread between folds, the time drops)"
        )

    if pool is not None:
        pool.set_context(folds, folds.nbytes)
    runner = _Runner(
        board,
        folds,
        chosen_metric,
        prepared.task,
        options.seed,
        jobs,
        options.fit_timeout,
        options.cluster,
        progress,
        pool,
    )
    deadline = started + options.time_budget if options.time_budget else None
    order = [spec.id for spec in specs]
    if options.cluster:
        board.notices.append(f"fits run on the Dask cluster {options.cluster!r}")
    try:
        if n_train > PROBE_ROWS:
            predicted = runner.probe(specs, n_train, deadline)
            for model_id, seconds in predicted.items():
                rows[model_id].predicted_seconds = round(seconds, 2)
            order = sorted(order, key=lambda m: -predicted.get(m, 0.0))
            order = _fit_budget(order, predicted, rows, board, deadline, cv, jobs, options.fit_timeout)
        else:  # longest first, from what the families usually cost on a small table
            order = sorted(order, key=lambda m: -model_spec(m).extra.get("small_cost", 1.0))
        if not runner.stopped:
            runner.cross_validate([*order, DUMMY_ID] if n_train <= PROBE_ROWS else [DUMMY_ID, *order], rows, deadline)
        board.stopped = runner.stopped
        board.results = _rank(rows, board)
        curve_wanted = n_train >= LEARNING_CURVE_ROWS
        if board.best and curve_wanted and not runner.stopped and (deadline is None or time.monotonic() < deadline):
            runner.learning_curve(board, model_spec(board.best), rows[board.best], deadline)
    finally:
        runner.close()
    if board.learning_curve and picture_dir is not None:
        from learnloop.lab.plots import save_learning_curve

        picture_dir.mkdir(parents=True, exist_ok=True)
        path = picture_dir / f"{_slug(name)}-learning-curve.png"
        save_learning_curve(board, path)
        board.learning_curve_png = str(path)
    board.stopped = runner.stopped
    board.elapsed_seconds = round(time.monotonic() - started, 2)
    return board


def _import_libraries() -> None:
    """Import pandas and the parts of scikit-learn this process uses, with the garbage collector paused:
    the million objects they create are none of them garbage, and the full collections their creation
    triggers cost about 0.1 s of CPU (a twentieth of a small baseline)."""
    import gc
    import importlib

    was_on = gc.isenabled()
    gc.disable()
    try:
        for name in PARENT_MODULES:
            importlib.import_module(name)
    finally:
        if was_on:
            gc.enable()


def _start_early(method: str) -> bool:
    """Start the workers before the data is read, or fork them once it is prepared?

    A fork started after the folds are prepared inherits the imports and the folds for free. A worker
    that starts early imports numpy and scikit-learn itself (about 0.8 s of CPU each) while this process
    reads the table; measured on 2 cores, even at a load below 1 that cost more wall time than it saved
    (iris: 2.8-4.6 s against 2.2 s), so forks always start late. ``spawn`` workers import everything
    anyway, so they start early.
    """
    return method != "fork"


def _chosen_specs(task: str, models: list[str] | None) -> list[ModelSpec]:
    available = baseline_specs(task)
    if not models:
        return available
    chosen = []
    for model_id in models:
        spec = model_spec(model_id)
        if spec not in available:
            raise UserError(
                f"model {model_id!r} is not part of the {task} baseline",
                hint="choose among " + ", ".join(s.id for s in available),
            )
        chosen.append(spec)
    return chosen


def _job_count(jobs: int | None) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if jobs is None or jobs == -1:
        return cores
    if jobs < 1:
        raise UserError("the number of fits at once must be 1 or more (or -1 for every core)", field="jobs")
    return jobs


def _encode_target(prepared: Any) -> Any:
    import numpy as np

    if prepared.task != "classification":
        return prepared.y
    _, codes = np.unique(prepared.y, return_inverse=True)
    return codes.astype(np.int64)


def _order_rows(prepared: Any, y: Any, options: BaselineOptions, notices: list[str]) -> tuple[Any, Any, str]:
    """Choose random, time-ordered or grouped folds; sort the rows by time for time-ordered ones."""
    import numpy as np

    if prepared.groups is not None:
        if options.split == "time":
            raise UserError("folds can keep groups together or follow time, not both", field="split")
        notices.append(
            f"folds keep the rows of each group together ({len(set(prepared.groups.tolist())):,} "
            "groups): a model is scored on groups it has never seen"
        )
        return prepared, y, "groups"
    dates = prepared.dates
    if options.split == "random":
        if dates:
            notices.append(
                f"folds are shuffled although the rows carry dates ({', '.join(map(repr, dates))}), as "
                "asked: the scores may be optimistic for predicting the future"
            )
        return prepared, y, "random"
    if options.split == "auto" and not dates:
        return prepared, y, "random"
    if dates:
        name, values = next(iter(dates.items()))
        order = np.argsort(values.to_numpy(dtype="datetime64[ns]"), kind="stable")
        already = bool((np.diff(order) > 0).all())
        how = "in date order" if already else f"sorted by {name!r}"
        notices.append(
            f"the rows carry dates (column {name!r}), so the folds follow time ({how}): each fold "
            "trains on the past and is scored on the stretch that follows, as a forecast would be; "
            "shuffled folds would let the models learn from the future"
        )
        if not already:
            prepared.X = prepared.X.iloc[order]
            prepared.y = prepared.y[order]
            prepared.dates = {k: v.iloc[order] for k, v in dates.items()}
            prepared.id_columns = {k: v.iloc[order] for k, v in prepared.id_columns.items()}
            y = y[order]
    else:
        notices.append(
            "the folds follow the row order (time-ordered, as asked): each fold is scored on the "
            "rows that follow its training rows"
        )
    return prepared, y, "time"


def _fold_count(prepared: Any, y: Any, cv: int, notices: list[str]) -> int:
    import numpy as np

    if prepared.groups is not None:
        groups = len(np.unique(prepared.groups))
        if groups < cv:
            notices.append(f"there are {groups} groups, so cross-validation uses {groups} folds, not {cv}")
            return groups
        return cv
    if prepared.task != "classification":
        return min(cv, len(prepared.y) // 2)
    smallest = int(np.unique(y, return_counts=True)[1].min())
    if smallest < cv:
        notices.append(f"the rarest class has {smallest} rows, so cross-validation uses {smallest} folds, not {cv}")
        return smallest
    return cv


def _splitter(task: str, cv: int, seed: int, split: str) -> Any:
    from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold, TimeSeriesSplit

    if split == "time":
        return TimeSeriesSplit(cv)
    if split == "groups":
        return (
            StratifiedGroupKFold(cv, shuffle=True, random_state=seed)
            if task == "classification"
            else GroupKFold(cv, shuffle=True, random_state=seed)
        )
    return (
        StratifiedKFold(cv, shuffle=True, random_state=seed)
        if task == "classification"
        else KFold(cv, shuffle=True, random_state=seed)
    )


def _prepare_folds(
    prepared: Any, y: Any, cv: int, seed: int, split: str = "random"
) -> tuple[_Folds, list[tuple[Any, Any]]]:
    import numpy as np

    from learnloop.lab.preprocess import as_model_input, build_preprocessor

    X = as_model_input(prepared.X, prepared.plan)
    splitter = _splitter(prepared.task, cv, seed, split)
    folds = _Folds([], [], [], [], 0)
    indices = list(splitter.split(X, y, prepared.groups if split == "groups" else None))
    for train_idx, valid_idx in indices:
        pre = build_preprocessor(prepared.plan, whole=X)
        train = pre.fit_transform(X.iloc[train_idx])
        valid = pre.transform(X.iloc[valid_idx])
        folds.train_X.append(np.ascontiguousarray(train, dtype=np.float32))
        folds.valid_X.append(np.ascontiguousarray(valid, dtype=np.float32))
        folds.train_y.append(y[train_idx])
        folds.valid_y.append(y[valid_idx])
        folds.n_features = train.shape[1]
    folds.n_numeric = len(prepared.plan.numeric)
    return folds, indices


def _fit_budget(
    order: list[str],
    predicted: dict[str, float],
    rows: dict[str, ModelRow],
    board: Leaderboard,
    deadline: float | None,
    cv: int,
    jobs: int,
    fit_timeout: float | None,
) -> list[str]:
    """Drop, with a notice, the models predicted not to fit the budget or the per-fit timeout."""
    kept = []
    for model_id in order:
        per_fit = predicted.get(model_id)
        if per_fit is not None and fit_timeout and per_fit > fit_timeout:
            rows[model_id].status = "skipped"
            rows[model_id].note = f"predicted {per_fit:.0f} s per fit, over the {fit_timeout:.0f} s timeout"
            continue
        kept.append(model_id)
    if deadline is None:
        return kept
    left = deadline - time.monotonic()
    total = 0.0
    chosen = []
    for model_id in sorted(kept, key=lambda m: predicted.get(m, 0.0)):  # cheapest first: as many as fit
        cost = predicted.get(model_id, 0.0) * cv / jobs
        if total + cost > 0.9 * left:
            rows[model_id].status = "skipped"
            rows[model_id].note = f"predicted {cost:.0f} s, more than the {max(left - total, 0):.0f} s left"
            board.notices.append(f"skipped {rows[model_id].name}: {rows[model_id].note} of the time budget")
            continue
        total += cost
        chosen.append(model_id)
    return [m for m in kept if m in chosen]


def _rank(rows: dict[str, ModelRow], board: Leaderboard) -> list[ModelRow]:
    sign = 1.0 if board.greater_is_better else -1.0
    scored = [r for r in rows.values() if r.score_mean is not None]
    others = [r for r in rows.values() if r.score_mean is None]
    for row in others:
        if row.status == "ok":
            row.status, row.note = "stopped", "not run: " + ("interrupted" if board.stopped is None else board.stopped)
    scored.sort(key=lambda r: -sign * r.score_mean)  # type: ignore[operator]
    contenders = [r for r in scored if r.model != DUMMY_ID and r.folds == board.cv]
    board.best = contenders[0].model if contenders else None
    dummy = rows[DUMMY_ID]
    if board.best and dummy.score_mean is not None:
        from learnloop.lab import honesty

        best = rows[board.best].score_mean or 0.0
        leaks = [f for f in board.findings if f.kind in ("leak", "id-predicts")]
        leak_columns = sorted({c for f in leaks for c in f.columns})
        perfect = [
            r
            for r in scored
            if r.model != DUMMY_ID
            and honesty.too_good(r.score_mean or 0.0, dummy.score_mean, board.metric, board.greater_is_better)
        ]
        if perfect and not any(f.kind == "too-good" for f in board.findings):
            named = (
                "; the columns that give it away: " + ", ".join(map(repr, leak_columns))
                if leak_columns
                else "; no single column explains it: check how the target and the columns were made"
            )
            _add_findings(
                board,
                [
                    honesty.Finding(
                        "too-good",
                        f"{len(perfect)} model(s) score {perfect[0].score_mean:.4f} {board.metric_label} in "
                        "validation, too good to be true for real data" + named,
                        leak_columns,
                    )
                ],
            )
        for row in scored:
            if row.model == DUMMY_ID:
                row.verdict, row.reason = REFERENCE, "what you get without learning anything"
                continue
            found = diagnose(
                row.train_score or 0.0,
                row.score_mean or 0.0,
                row.score_std or 0.0,
                best=best,
                dummy=dummy.score_mean,
                greater_is_better=board.greater_is_better,
            )
            if row in perfect:
                found = diagnose(
                    0,
                    0,
                    0,
                    best=0,
                    dummy=0,
                    suspect=f"validation {row.score_mean:.4f}: too good to be true (see the warning)",
                )
            elif found.verdict == FINE and any(f.kind == "leak" for f in leaks):
                found = diagnose(
                    0,
                    0,
                    0,
                    best=0,
                    dummy=0,
                    suspect="the target is reproduced by " + ", ".join(map(repr, leak_columns)) + " (see the warning)",
                )
            row.verdict, row.reason = found.verdict, found.reason
            spec = model_spec(row.model)
            row.advice = {"overfitting": spec.when_overfitting, "underfitting": spec.when_underfitting}.get(
                found.verdict, ""
            )
        top = rows[board.best]
        if sign * ((top.score_mean or 0.0) - dummy.score_mean) <= (top.score_std or 0.0):
            board.notices.append(
                f"no model beats the dummy by more than the spread between folds (best "
                f"{top.score_mean:.3f} ± {top.score_std or 0.0:.3f} against {dummy.score_mean:.3f}): "
                "these columns may not carry the signal, or there are too few rows to see it"
            )
    return scored + others


def _slug(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "data"


# ---------------------------------------------------------------- one fit, run in a worker


@dataclass
class FoldScore:
    valid: float
    train: float
    fit_seconds: float
    rows: int


def fit_fold(
    model_id: str,
    task: str,
    metric: Metric,
    fold: int,
    seed: int,
    max_rows: int | None = None,
    folds: _Folds | None = None,
) -> FoldScore:
    """Fit one model on one fold's training rows and score it on the fold's validation rows.

    The folds are the worker pool's shared context unless given (a Dask task carries them).
    """
    import numpy as np

    f = folds if folds is not None else workers.context()
    X_train, y_train, X_valid, y_valid = f.train_X[fold], f.train_y[fold], f.valid_X[fold], f.valid_y[fold]
    rng = np.random.default_rng(seed)
    cap = max_rows
    spec = None if model_id == DUMMY_ID else model_spec(model_id)
    if spec is not None and spec.row_cap:
        cap = min(cap or spec.row_cap, spec.row_cap)
    if cap is not None and len(X_train) > cap:
        pick = np.sort(rng.choice(len(X_train), cap, replace=False))
        X_train, y_train = X_train[pick], y_train[pick]
    if spec is not None and spec.extra.get("numeric_only") and 0 < f.n_numeric < X_train.shape[1]:
        X_train, X_valid = X_train[:, : f.n_numeric], X_valid[:, : f.n_numeric]
    estimator = build_dummy(task) if spec is None else spec.build(task, len(X_train), seed)
    rounds = spec.extra.get("class_rounds") if spec is not None and task == "classification" else None
    if rounds:
        estimator = _fewer_rounds(estimator, rounds, len(np.unique(y_train)))
    started = time.perf_counter()
    estimator.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - started
    if spec is not None and spec.valid_cap and len(X_valid) > spec.valid_cap:
        pick = rng.choice(len(X_valid), spec.valid_cap, replace=False)
        X_valid, y_valid = X_valid[pick], y_valid[pick]
    valid = metric.score(estimator, X_valid, y_valid)
    if len(X_train) > TRAIN_SCORE_ROWS:
        pick = rng.choice(len(X_train), TRAIN_SCORE_ROWS, replace=False)
        train = metric.score(estimator, X_train[pick], y_train[pick])
    else:
        train = metric.score(estimator, X_train, y_train)
    return FoldScore(valid, train, fit_seconds, len(X_train))


def _fewer_rounds(estimator: Any, rounds: int, classes: int) -> Any:
    """Boosting fits one tree per class per round: cap the rounds so many classes do not multiply the cost."""
    if classes <= 2:
        return estimator
    params = estimator.get_params()
    key = "max_iter" if "max_iter" in params else "n_estimators"
    if params.get(key):
        estimator.set_params(**{key: min(int(params[key]), max(30, rounds // classes))})
    return estimator


# ---------------------------------------------------------------- running the jobs


class _Runner:
    def __init__(
        self,
        board: Leaderboard,
        folds: _Folds,
        metric: Metric,
        task: str,
        seed: int,
        jobs: int,
        fit_timeout: float | None,
        cluster: str | None,
        progress: ProgressHook | None,
        pool: workers.Pool | None = None,
    ) -> None:
        self.board, self.folds, self.metric, self.task, self.seed = board, folds, metric, task, seed
        self.jobs, self.fit_timeout, self.cluster, self.progress = jobs, fit_timeout, cluster, progress
        self.pool = pool
        self.own_pool = False
        self.stopped: str | None = None
        self.session: Any = None  # a Dask session when cluster is set

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
        if self.own_pool and self.pool is not None:
            self.pool.close()

    def _job(
        self, model_id: str, fold: int, label: str, max_rows: int | None = None, timeout: float | None = None
    ) -> workers.Job:
        return workers.Job(
            (model_id, fold, max_rows),
            model_id,
            label,
            fit_fold,
            (model_id, self.task, self.metric, fold, self.seed + fold, max_rows),
            timeout or self.fit_timeout,
        )

    def _execute(self, jobs: list[workers.Job], phase: str, deadline: float | None) -> list[workers.Outcome]:
        total = len(jobs)
        done = [0]

        def started(job: workers.Job, running: list[str]) -> None:
            if self.progress:
                self.progress(Progress(done[0], total, running, phase))

        def finished(outcome: workers.Outcome, running: list[str]) -> None:
            done[0] += 1
            if self.progress:
                self.progress(Progress(done[0], total, running, phase, f"{outcome.job.label}: {outcome.status}"))

        if self.cluster:
            if self.session is None:
                from learnloop.lab.cluster import Session

                self.session = Session(self.cluster, self.jobs)
            outcomes, interrupted = self.session.run(jobs, self.folds, finished, deadline)
        else:
            pool = self.pool
            if pool is None:
                pool = self.pool = workers.Pool(self.jobs)
                self.own_pool = True
                pool.set_context(self.folds, self.folds.nbytes)
            pool.on_start, pool.on_finish, pool.interrupted = started, finished, False
            outcomes = pool.run(jobs, deadline)
            interrupted = pool.interrupted
        if interrupted:
            self.stopped = "interrupted"
        elif any(o.status == workers.BUDGET for o in outcomes):
            self.stopped = "time budget"
        return outcomes

    def probe(self, specs: list[ModelSpec], n_train: int, deadline: float | None) -> dict[str, float]:
        """Seconds one full fit of each model should take, from a fit on PROBE_ROWS rows."""
        jobs = [
            self._job(
                s.id,
                0,
                f"{s.id} (sizing on {PROBE_ROWS:,} rows)",
                PROBE_ROWS,
                timeout=min(self.fit_timeout or 60.0, 60.0),
            )
            for s in specs
        ]
        predicted: dict[str, float] = {}
        for outcome in self._execute(jobs, "probing", deadline):
            spec = model_spec(outcome.job.group)
            if outcome.status != workers.OK:
                continue
            rows = min(n_train, spec.row_cap or n_train, spec.tree_rows or n_train)
            fitting = outcome.value.fit_seconds * (rows / PROBE_ROWS) ** spec.growth
            # The probe already scored the whole validation fold; only neighbour and kernel models predict
            # more slowly with more training rows (and they score a capped share of the validation rows).
            scoring = max(outcome.seconds - outcome.value.fit_seconds, 0.0)
            if spec.valid_cap:
                n_valid = max(len(x) for x in self.folds.valid_X)
                scoring *= (rows / PROBE_ROWS) * min(1.0, spec.valid_cap / n_valid)
            predicted[spec.id] = fitting + scoring
        return predicted

    def cross_validate(self, order: list[str], rows: dict[str, ModelRow], deadline: float | None) -> None:
        """Every model on every fold; on a large table, a race: fold 1 first, then only the contenders."""
        cv = self.board.cv
        by_model: dict[str, list[FoldScore]] = {m: [] for m in order}
        n_train = min(len(x) for x in self.folds.train_X)
        if n_train >= RACE_ROWS and cv > 2 and len(order) > 3:
            first = [self._job(m, 0, f"{m} fold 1/{cv}") for m in order]
            self._collect_folds(self._execute(first, "fitting (fold 1 of each model)", deadline), rows, by_model)
            survivors = self._race(order, rows, by_model) if not self.stopped else order
            rest = [
                self._job(m, k, f"{m} fold {k + 1}/{cv}")
                for m in survivors
                for k in range(1, cv)
                if rows[m].status == "ok"
            ]
            if rest and not self.stopped:
                self._collect_folds(self._execute(rest, "fitting", deadline), rows, by_model)
        else:
            jobs = [self._job(m, k, f"{m} fold {k + 1}/{cv}") for m in order for k in range(cv)]
            self._collect_folds(self._execute(jobs, "fitting", deadline), rows, by_model)
        for model_id in order:
            row = rows[model_id]
            scores = by_model[model_id]
            if row.status == "ok" and len(scores) < cv and not row.note.startswith("raced out"):
                row.status, row.note = "stopped", "interrupted"
            _summarise(row, scores)
            if row.status == "stopped" and scores:
                row.note += f"; {len(scores)} of {cv} folds done"

    def _collect_folds(
        self, outcomes: list[workers.Outcome], rows: dict[str, ModelRow], by_model: dict[str, list[FoldScore]]
    ) -> None:
        for outcome in outcomes:
            model_id = outcome.job.group
            row = rows[model_id]
            if outcome.status == workers.OK:
                by_model[model_id].append(outcome.value)
            elif outcome.status in (workers.ERROR, workers.CRASHED):
                row.status, row.note = "failed", outcome.error
            elif outcome.status == workers.TIMEOUT:
                row.status, row.note = "timed out", f"one fit ran past {self.fit_timeout:.0f} s and was stopped"
            elif outcome.status == workers.BUDGET and row.status == "ok":
                row.status, row.note = "stopped", "the time budget ran out"

    def _race(self, order: list[str], rows: dict[str, ModelRow], by_model: dict[str, list[FoldScore]]) -> list[str]:
        """Keep the models whose first fold is close to the leader's; the others keep their one fold, said so."""
        sign = 1.0 if self.metric.greater_is_better else -1.0
        first = {m: by_model[m][0].valid for m in order if by_model[m] and m != DUMMY_ID}
        if len(first) < 3:
            return order
        leader = max(first.values(), key=lambda v: sign * v)
        dummy = by_model[DUMMY_ID][0].valid if by_model.get(DUMMY_ID) else leader
        margin = max(RACE_MARGIN * abs(leader - dummy), 0.005 * abs(leader))
        if self.metric.name in ("accuracy", "balanced_accuracy"):
            # and well beyond the noise of one fold: 3 standard errors of a share measured on its rows
            n_valid = len(self.folds.valid_y[0])
            margin = max(margin, 3 * (leader * (1 - leader) / max(n_valid, 1)) ** 0.5)
        kept = []
        for m in order:
            if m in first and sign * (leader - first[m]) > margin:
                rows[m].note = (
                    f"raced out after fold 1: {first[m]:.4f} against the leader's {leader:.4f} "
                    "(on a large table one fold is a precise measure)"
                )
                continue
            kept.append(m)
        dropped = len(order) - len(kept)
        if dropped:
            self.board.notices.append(
                f"{dropped} model(s) far behind on the first fold were not fitted on the "
                "other folds (a race: on this many rows one fold's score varies little)"
            )
        return kept

    def learning_curve(self, board: Leaderboard, spec: ModelSpec, row: ModelRow, deadline: float | None) -> None:
        """Train and validation scores of the best model on growing shares of the training rows."""
        f = self.folds
        n_train = min(len(x) for x in f.train_X)
        full = min(n_train, spec.row_cap or n_train)
        sizes = sorted({max(10, int(full * share)) for share in (0.1, 0.4)} - {full})
        folds = range(min(3, board.cv))
        jobs = [self._job(spec.id, k, f"{spec.id} learning curve {size:,} rows", size) for size in sizes for k in folds]
        points: dict[int, list[FoldScore]] = {size: [] for size in sizes}
        for outcome in self._execute(jobs, "learning curve", deadline):
            if outcome.status == workers.OK:
                points[outcome.job.key[2]].append(outcome.value)
        import numpy as np

        curve = []
        for size in sizes:
            if points[size]:
                train = np.array([p.train for p in points[size]])
                valid = np.array([p.valid for p in points[size]])
                curve.append(
                    CurvePoint(size, float(train.mean()), float(train.std()), float(valid.mean()), float(valid.std()))
                )
        if row.score_mean is not None:
            curve.append(
                CurvePoint(row.rows_used or full, row.train_score or 0.0, 0.0, row.score_mean, row.score_std or 0.0)
            )
        board.learning_curve = curve


def _summarise(row: ModelRow, scores: list[FoldScore]) -> None:
    import numpy as np

    row.folds = len(scores)
    if not scores:
        return
    valid = np.array([s.valid for s in scores])
    row.score_mean = round(float(valid.mean()), 5)
    row.score_std = round(float(valid.std()), 5) if len(scores) > 1 else None  # one fold has no spread
    row.train_score = round(float(np.mean([s.train for s in scores])), 5)
    row.fit_seconds = round(float(np.mean([s.fit_seconds for s in scores])), 3)
    row.rows_used = max(s.rows for s in scores)
