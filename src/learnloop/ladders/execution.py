"""Running a rung (with progress), copying its script for the learner, and comparing rungs."""

from __future__ import annotations

import importlib
import time
import warnings
from pathlib import Path

from pydantic import BaseModel

from learnloop.errors import UserError
from learnloop.ladders.registry import (
    find_ladder,
    find_rung,
    install_hint,
    missing_packages,
    script_module,
    script_resource,
)
from learnloop.ladders.result import Report, RungResult, quiet


class RungRun(BaseModel):
    """One run of one rung: its test score on the ladder's shared split."""

    ladder: str
    level: int
    title: str
    metric: str
    score: float
    seconds: float
    epochs: int | None
    seed: int
    details: dict[str, float] = {}
    notes: list[str] = []


class CopiedRung(BaseModel):
    ladder: str
    level: int
    path: Path
    run_with: str


def run_rung(
    name: str, level: int, *, epochs: int | None = None, seed: int = 0, report: Report = quiet
) -> tuple[RungRun, RungResult]:
    """Run one rung's script in this process and time it; ``epochs=None`` keeps the script's default."""
    ladder = find_ladder(name)
    rung = find_rung(ladder, level)
    if epochs is not None and epochs < 1:
        raise UserError("the number of epochs must be at least 1", field="epochs")
    missing = missing_packages(rung)
    if missing:
        raise UserError(
            f"rung {level} of {ladder.id} needs {', '.join(missing)}, which is not installed", hint=install_hint(rung)
        )
    options: dict[str, object] = {"seed": seed, "report": report}
    if epochs is not None:
        options["epochs"] = epochs
    result, seconds = _timed_run(script_module(ladder, rung), options)
    run = RungRun(
        ladder=ladder.id,
        level=level,
        title=rung.title,
        metric=result.metric,
        score=result.score,
        seconds=round(seconds, 3),
        epochs=epochs,
        seed=seed,
        details=result.details,
        notes=result.notes,
    )
    return run, result


def _timed_run(module_name: str, options: dict[str, object]) -> tuple[RungResult, float]:
    """Import and run a script on one core: the data are small, and threads of OpenMP or BLAS only wait on each
    other (measured: boosted trees 25x slower in wall time with every core on a busy two-core machine)."""
    from threadpoolctl import threadpool_limits

    module = importlib.import_module(module_name)
    started = time.perf_counter()
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore")  # library deprecation chatter is not the learner's business here
        result: RungResult = module.run(**options)
    return result, time.perf_counter() - started


class BaselineRun(BaseModel):
    """One run of a ladder's baseline on the same split as its rungs."""

    ladder: str
    baseline: str
    title: str
    metric: str
    score: float
    seconds: float
    details: dict[str, float] = {}
    notes: list[str] = []


def run_baseline(
    name: str, baseline_id: str, *, seed: int = 0, report: Report = quiet
) -> tuple[BaselineRun, RungResult]:
    """Run one of a ladder's baselines on the ladder's shared split."""
    ladder = find_ladder(name)
    baseline = ladder.baseline(baseline_id)
    missing = missing_packages(baseline)
    if missing:
        raise UserError(
            f"baseline {baseline.id} of {ladder.id} needs {', '.join(missing)}, which is not installed",
            hint=install_hint(baseline),
        )
    result, seconds = _timed_run(script_module(ladder, baseline), {"seed": seed, "report": report})
    run = BaselineRun(
        ladder=ladder.id,
        baseline=baseline.id,
        title=baseline.title,
        metric=result.metric,
        score=result.score,
        seconds=round(seconds, 3),
        details=result.details,
        notes=result.notes,
    )
    return run, result


class ComparedRow(BaseModel):
    kind: str  # "rung" or "baseline"
    name: str  # the rung's level or the baseline's id
    title: str
    score: float
    seconds: float
    same_as_top: float | None  # share of test predictions equal to rung 1's (classification ladders)


class Comparison(BaseModel):
    """Every available rung and baseline of a ladder on its shared split, side by side."""

    ladder: str
    metric: str
    tolerance: float
    rows: list[ComparedRow]
    skipped: list[str]  # rungs whose libraries are not installed
    spread: float  # highest minus lowest rung score
    agree: bool  # spread within the ladder's tolerance


def compare_ladder(name: str, *, seed: int = 0, report: Report = quiet) -> Comparison:
    """Run every installed rung and every baseline of a ladder once, and say whether the rungs agree."""
    ladder = find_ladder(name)
    rows: list[ComparedRow] = []
    skipped: list[str] = []
    top: RungResult | None = None
    for rung in ladder.rungs:
        if missing_packages(rung):
            skipped.append(f"rung {rung.level} ({rung.title}): needs {', '.join(missing_packages(rung))}")
            continue
        run, result = run_rung(name, rung.level, seed=seed, report=report)
        top = top or result
        rows.append(
            ComparedRow(
                kind="rung",
                name=str(rung.level),
                title=rung.title,
                score=run.score,
                seconds=run.seconds,
                same_as_top=_same(top, result, ladder.metric),
            )
        )
    for baseline in ladder.baselines:
        if missing_packages(baseline):
            skipped.append(f"baseline {baseline.id}: needs {', '.join(missing_packages(baseline))}")
            continue
        brun, result = run_baseline(name, baseline.id, seed=seed, report=report)
        rows.append(
            ComparedRow(
                kind="baseline",
                name=baseline.id,
                title=baseline.title,
                score=brun.score,
                seconds=brun.seconds,
                same_as_top=_same(top, result, ladder.metric),
            )
        )
    scores = [row.score for row in rows if row.kind == "rung"]
    spread = max(scores) - min(scores) if scores else 0.0
    return Comparison(
        ladder=ladder.id,
        metric=ladder.metric,
        tolerance=ladder.tolerance,
        rows=rows,
        skipped=skipped,
        spread=round(spread, 6),
        agree=spread <= ladder.tolerance,
    )


def _same(top: RungResult | None, other: RungResult, metric: str) -> float | None:
    if top is None or metric != "accuracy" or len(top.predictions) != len(other.predictions):
        return None
    return round(agreement(top, other), 4)


def copy_rung(name: str, level: int, folder: Path, *, force: bool = False) -> CopiedRung:
    """Write the rung's script into ``folder`` (created if needed) for the learner to edit."""
    ladder = find_ladder(name)
    rung = find_rung(ladder, level)
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; give a folder to copy the script into")
    target = folder / rung.script
    if target.exists() and not force:
        raise UserError(f"{target} already exists; edit it, or overwrite it with a fresh copy", field="force")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(
            script_resource(ladder, rung).read_text(encoding="utf-8"),  # type: ignore[attr-defined]
            encoding="utf-8",
        )
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    return CopiedRung(ladder=ladder.id, level=level, path=target.absolute(), run_with=f"python {target}")


def agreement(first: RungResult, second: RungResult) -> float:
    """Share of test examples on which two rungs predict the same class (for classification ladders)."""
    if len(first.predictions) != len(second.predictions) or not first.predictions:
        raise ValueError("the two rungs did not predict the same test split")
    same = sum(a == b for a, b in zip(first.predictions, second.predictions, strict=True))
    return same / len(first.predictions)
