"""Checks that run before the leaderboard is believed: is the score honest, and is the protocol right?

A leaderboard answers "which model is best on these folds". It is only worth reading when the folds
are fair and the target is not already among the columns. Each check here looks for one way a
learner is fooled, and says in words what it saw, naming the columns:

- a column (or two or three added up) that reproduces the target: the model reads the answer;
- an id-like column that predicts the target: the rows are in target order, or the id encodes it;
- exact copies of validation rows among their fold's training rows: the score is partly memory;
- rows that carry dates: shuffled folds let the model learn from the future (time-ordered folds);
- a rare class: accuracy rewards always answering the common one (balanced accuracy instead);
- a task guessed from whole numbers, and a target with far outliers that rule R² and RMSE.

The checks return values (:class:`Finding`); the leaderboard shows the warnings first, and the
verdicts of a run whose score is too good to be true are never "fine".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NEAR_PERFECT = 0.999  # a score at or above this (accuracy, R², AUC...) is too good for real data
EXACT_R2 = 0.9999  # a linear fit of the target from a few columns this good: the target is their sum
RARE_SHARE = 0.10  # a class below this share of the rows makes accuracy misleading
OUTLIER_MADS = 8.0  # target values beyond this many robust deviations from the median
CHECK_ROWS = 5_000  # the checks look at a sample of this many rows at most


@dataclass
class Suggestion:
    """An option the learner could set, named as the feature names it (the front door words it)."""

    field: str  # "task", "metric", "split", "groups"
    value: str
    why: str


@dataclass
class Finding:
    kind: str  # leak | id-predicts | duplicates | too-good | no-signal | time-order | imbalance | task | outliers
    message: str
    columns: list[str] = field(default_factory=list)
    warning: bool = True  # a warning is shown before the board; otherwise a notice after it
    suggestion: Suggestion | None = None


# ---------------------------------------------------------------- before the folds


def leak_findings(prepared: Any, y: Any, seed: int = 0) -> list[Finding]:
    """Columns that reproduce the target, and id-like columns that predict it."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = len(y)
    pick = np.sort(rng.choice(n, CHECK_ROWS, replace=False)) if n > CHECK_ROWS else np.arange(n)
    found: list[Finding] = []
    numeric, names = _numeric(prepared, pick)
    target = prepared.target or "the target"
    if prepared.task == "regression":
        yy = np.asarray(y, dtype=float)[pick]
        subset, r2 = _linear_subset(numeric, yy, names)
        if subset:
            how = f"{subset[0]!r} alone" if len(subset) == 1 else "a sum of " + " and ".join(map(repr, subset))
            found.append(
                Finding(
                    "leak",
                    f"the target {target!r} is reproduced by {how} (R² {r2:.4f} from "
                    f"{len(subset)} column{'s' if len(subset) > 1 else ''}): the models read the "
                    "answer instead of learning it; leave out these columns or check how the "
                    "target was made",
                    list(subset),
                )
            )
        elif names:
            rhos = [(_spearman(numeric[:, k], yy), name) for k, name in enumerate(names)]
            rho, name = max(rhos, key=lambda pair: abs(pair[0]))
            if abs(rho) >= NEAR_PERFECT:
                found.append(
                    Finding(
                        "leak",
                        f"column {name!r} alone orders the target {target!r} almost "
                        f"perfectly (rank correlation {rho:+.4f}): it may be the target in "
                        "disguise, or both may follow one trend",
                        [name],
                    )
                )
    else:
        codes = np.asarray(y)[pick]
        majority = float(np.bincount(codes).max() / len(codes))
        if majority < 0.99:
            for name, score in _single_column_scores(prepared, pick, codes):
                if score >= NEAR_PERFECT:
                    found.append(
                        Finding(
                            "leak",
                            f"column {name!r} alone predicts {target!r} with accuracy "
                            f"{score:.3f}: check it is not the answer written another way",
                            [name],
                        )
                    )
    for name, values in prepared.id_columns.items():
        message = _id_predicts(values, y, prepared.task, pick, seed)
        if message:
            found.append(
                Finding(
                    "id-predicts",
                    f"column {name!r} looks like an id and was left out, yet {message}: "
                    "the rows may be in target order or the id may encode the answer; with shuffled "
                    "folds that order leaks",
                    [name],
                )
            )
    return found


def _numeric(prepared: Any, pick: Any) -> tuple[Any, list[str]]:
    import numpy as np

    names = [str(c) for c in prepared.plan.numeric]
    if not names:
        return np.zeros((len(pick), 0)), []
    values = prepared.X[prepared.plan.numeric].iloc[pick].to_numpy(dtype=float, copy=True)
    medians = np.nan_to_num(np.nanmedian(values, axis=0)) if len(values) else np.zeros(values.shape[1])
    rows, cols = np.where(np.isnan(values))
    values[rows, cols] = medians[cols]
    return values, names


def _r2(X: Any, y: Any) -> float:
    import numpy as np

    A = np.c_[X, np.ones(len(X))]
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    residual = y - A @ coef
    total = float(((y - y.mean()) ** 2).sum())
    return 1.0 - float((residual**2).sum()) / total if total > 0 else 0.0


def _linear_subset(X: Any, y: Any, names: list[str], most: int = 3) -> tuple[list[str], float]:
    """The fewest columns (at most 3, chosen greedily) whose linear fit reproduces y, if any do."""
    if X.shape[1] == 0 or len(y) < 10 * most:
        return [], 0.0
    chosen: list[int] = []
    best = 0.0
    for _ in range(min(most, X.shape[1])):
        scores = [(_r2(X[:, [*chosen, k]], y), k) for k in range(X.shape[1]) if k not in chosen]
        best, pick = max(scores)
        chosen.append(pick)
        if best >= EXACT_R2:
            return [names[k] for k in chosen], best
    return [], best


def _spearman(a: Any, b: Any) -> float:
    import numpy as np

    ra, rb = _ranks(a), _ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


def _ranks(values: Any) -> Any:
    import numpy as np

    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    return ranks


def _single_column_scores(prepared: Any, pick: Any, codes: Any) -> list[tuple[str, float]]:
    """For each column, the accuracy of the best rule on it alone with few pieces (numpy only, no fit).

    A number column is cut into at most twice as many intervals as there are classes (the longest runs
    of one class along its sorted values); a category column answers each level's most common class
    (only columns with far fewer levels than rows, or every row would be its own level).
    """
    import numpy as np
    import pandas as pd

    classes = int(codes.max()) + 1
    pieces = max(4, 2 * classes)
    n = len(codes)
    out = []
    for name in [*prepared.plan.numeric, *prepared.plan.categorical][:500]:
        column = prepared.X[name].iloc[pick]
        if name in prepared.plan.numeric:
            values = column.to_numpy(dtype=float)
            known = ~np.isnan(values)
            if known.sum() < 0.9 * n:
                continue
            order = np.argsort(values[known], kind="mergesort")
            sorted_values, sorted_codes = values[known][order], codes[known][order]
            # equal values must agree on the class, else no rule on this column can tell them apart
            starts = np.r_[True, sorted_values[1:] != sorted_values[:-1]]
            groups = np.cumsum(starts) - 1
            counts = np.zeros((groups[-1] + 1, classes))
            np.add.at(counts, (groups, sorted_codes), 1)
            labels = counts.argmax(axis=1)
            pure = counts.max(axis=1)
            runs = np.r_[True, labels[1:] != labels[:-1]]
            run_id = np.cumsum(runs) - 1
            run_sizes = np.bincount(run_id, weights=pure)
            kept = np.sort(run_sizes)[::-1][:pieces].sum()
            out.append((str(name), float(kept / n)))
        else:
            levels = pd.factorize(column.astype(str))[0]
            if levels.max() + 1 > max(2, n // 10):
                continue
            table = np.zeros((levels.max() + 1, classes))
            np.add.at(table, (levels, codes), 1)
            out.append((str(name), float(table.max(axis=1).sum() / n)))
    return out


def _id_predicts(values: Any, y: Any, task: str, pick: Any, seed: int) -> str:
    import numpy as np
    import pandas as pd

    ids = pd.to_numeric(values.iloc[pick], errors="coerce")
    if ids.isna().mean() > 0.05:
        return ""
    ids = ids.fillna(ids.median()).to_numpy(dtype=float)
    if task == "regression":
        rho = _spearman(ids, np.asarray(y, dtype=float)[pick])
        return f"its order follows the target (rank correlation {rho:+.2f})" if abs(rho) >= 0.8 else ""
    codes = np.asarray(y)[pick]
    share = float(np.bincount(codes).max() / len(codes))
    # classes in blocks: few changes of class along the id order
    order = np.argsort(ids, kind="mergesort")
    changes = int((np.diff(codes[order]) != 0).sum())
    expected = len(codes) * (1 - float(((np.bincount(codes) / len(codes)) ** 2).sum()))
    if share < 0.99 and changes <= 0.1 * expected:
        return f"the classes come in blocks along it ({changes} changes of class over {len(codes):,} rows)"
    return ""


def duplicate_finding(X: Any, folds: list[tuple[Any, Any]]) -> Finding | None:
    """Validation rows whose exact copy (all feature values) sits in the same fold's training rows."""
    import numpy as np
    import pandas as pd

    hashes = pd.util.hash_pandas_object(X, index=False).to_numpy()
    if len(np.unique(hashes)) == len(hashes):
        return None
    copied = 0
    total = 0
    for train_idx, valid_idx in folds:
        seen = set(hashes[train_idx].tolist())
        copied += sum(1 for h in hashes[valid_idx].tolist() if h in seen)
        total += len(valid_idx)
    share = copied / max(total, 1)
    if copied < 3 or share < 0.01:
        return None
    return Finding(
        "duplicates",
        f"{copied:,} validation rows ({share:.0%}) have an exact copy among their fold's "
        "training rows: on those the models are scored on rows they have seen; drop the copies, or "
        "keep each group of copies in one fold",
        [],
        suggestion=Suggestion("groups", "COLUMN", "a column that says which rows belong together"),
    )


# ---------------------------------------------------------------- what the data asks for


def imbalance_finding(y: Any, classes: list[Any], metric_given: bool, metric_label: str) -> Finding | None:
    import numpy as np

    counts = np.bincount(np.asarray(y))
    share = counts / counts.sum()
    rare = int(share.argmin())
    if share[rare] >= RARE_SHARE:
        return None
    common = int(share.argmax())
    name = classes[rare] if rare < len(classes) else rare
    big = classes[common] if common < len(classes) else common
    text = (
        f"the rarest class {str(name)!r} is {share[rare]:.1%} of the rows: always answering {str(big)!r} "
        f"already scores {share[common]:.3f} accuracy (the dummy), so accuracy hides what the models miss; "
        "folds are stratified (each keeps the class shares)"
    )
    if metric_given:
        return Finding("imbalance", text + f"; the metric stays {metric_label}, as asked", warning=False)
    return Finding(
        "imbalance",
        text + "; the metric is balanced accuracy (the mean recall of the classes), "
        "where the dummy scores " + f"{1 / len(counts):.3f}",
        warning=False,
    )


def task_finding(prepared: Any, y_raw: Any) -> Finding | None:
    """Say so when the task was guessed from whole numbers (either way)."""
    import numpy as np

    if not prepared.guessed:
        return None
    values = np.asarray(y_raw)
    if values.dtype.kind not in "iuf":
        return None
    whole = bool(np.all(values == np.round(values)))
    distinct = len(np.unique(values))
    target = prepared.target
    if prepared.task == "regression" and whole and distinct <= 100:
        return Finding(
            "task",
            f"the target {target!r} holds {distinct} whole numbers ({values.min():g} to "
            f"{values.max():g}); it is read as a quantity (regression). If they are codes for "
            "categories, it is a classification",
            [target],
            warning=False,
            suggestion=Suggestion("task", "classification", "the numbers are category codes"),
        )
    if prepared.task == "classification" and distinct > 2:
        return Finding(
            "task",
            f"the target {target!r} holds {distinct} whole numbers; they are read as classes "
            "(classification). If they are amounts or counts, it is a regression",
            [target],
            warning=False,
            suggestion=Suggestion("task", "regression", "the numbers are quantities"),
        )
    return None


def outlier_finding(y: Any, metric: str) -> Finding | None:
    import numpy as np

    values = np.asarray(y, dtype=float)
    median = float(np.median(values))
    spread = float(np.median(np.abs(values - median))) * 1.4826
    if spread == 0:
        q1, q3 = np.percentile(values, [25, 75])
        spread = float(q3 - q1) / 1.349
    if spread == 0:
        return None
    far = np.abs(values - median) > OUTLIER_MADS * spread
    count = int(far.sum())
    if count < 2 or count > 0.1 * len(values):
        return None
    extreme = float(values[far][np.argmax(np.abs(values[far] - median))])
    text = (
        f"{count} target values ({count / len(values):.1%}) lie far from the rest (e.g. {extreme:,.4g} against "
        f"a median of {median:,.4g}): R² and RMSE are ruled by those few rows"
    )
    if metric == "mae":
        return Finding("outliers", text + "; MAE, the metric here, is far less sensitive", warning=False)
    return Finding(
        "outliers",
        text + "; the mean absolute error (MAE) is far less sensitive to them",
        warning=False,
        suggestion=Suggestion("metric", "mae", "a few extreme targets"),
    )


# ---------------------------------------------------------------- after the run


def too_good(score: float, dummy: float, metric: str, greater_is_better: bool) -> bool:
    """A validation score no real table gives: perfect accuracy/AUC, R² ≥ 0.999, or errors near zero."""
    if greater_is_better:
        return score >= NEAR_PERFECT
    return score <= (1 - NEAR_PERFECT) * abs(dummy)
