"""The kinds of work a job can do from its parameters alone: study a folder, run a baseline, try a model.

Each kind checks its parameters when the job is submitted (:func:`check_params`), names the folder its
results go to (:func:`folder_name`), and gives the computation to run in the job's child process with its
time cap (:func:`plan`). A computation writes the same files the CLI writes (``learnloop baseline --report``,
``learnloop study --out/--notes/--graph``) into the job's folder and returns a JSON-able result.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from learnloop.errors import UserError
from learnloop.jobs.child import Cancelled, ProgressFn

# Caps per job: what one job may read or take (the learner can lower them, not raise them past these).
STUDY_MAX_FILES = 50_000
STUDY_MAX_BYTES = 1024 * 1024 * 1024
STUDY_SECONDS = 600.0
BASELINE_SECONDS = 900.0  # without a time budget: the whole run
TRY_SECONDS = 300.0
_SLUG = re.compile(r"[^a-z0-9]+")

Compute = Callable[[ProgressFn], dict[str, Any]]


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:40] or "data"


def folder_name(kind: str, params: dict[str, Any], job_id: str) -> str:
    """Where under the workspace a job's files go: the lab's and the study's folders, as the CLI uses."""
    tail = job_id.replace("_", "-")[:12]
    if kind == "baseline":
        return f"lab/baseline-{slug(Path(str(params.get('name') or params.get('data', ''))).stem)}-{tail}"
    if kind == "try":
        return f"lab/try-{slug(str(params.get('model', '')))}-{tail}"
    if kind == "study":
        return f"study/{slug(str(params.get('name') or Path(str(params.get('folder', ''))).name))}-{tail}"
    return f"jobs/{slug(kind)}-{tail}"


def check_params(kind: str, params: dict[str, Any]) -> None:
    if kind not in PLANS:
        raise ValueError(f"no job kind {kind!r}")


def plan(kind: str, params: dict[str, Any], folder: Path) -> tuple[Compute, float]:
    """(the computation, its time cap in seconds)."""
    return PLANS[kind](params, folder)


def write_file(path: Path, data: bytes) -> None:
    """Atomically (temp file, fsync, rename), never through a symlink; a job's own files are replaced."""
    from learnloop.files import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data, force=True)


# Study ---------------------------------------------------------------------------------------------------
def measure_folder(folder: Path, *, max_files: int, max_bytes: int, progress: ProgressFn) -> tuple[int, int]:
    """Count the regular files and bytes under ``folder`` (symlinks, FIFOs and devices are never opened),
    checking for a cancel between entries; refuse a tree past either cap before any file is read."""
    from learnloop.study.scan import EXCLUDED_DIRS

    files = size = 0
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in EXCLUDED_DIRS:
                        stack.append(entry.path)
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                files += 1
                size += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
            if files % 200 == 0:
                progress(files, 0, f"listing files ({files:,} so far)")
            if files > max_files:
                raise UserError(
                    f"this folder has more than {max_files:,} files, the cap for one study; study "
                    "the repository's own folder rather than a folder that holds many",
                    field="path",
                )
            if size > max_bytes:
                raise UserError(
                    f"this folder holds more than {max_bytes // (1024 * 1024):,} MB, the cap for "
                    "one study; study the repository's own folder",
                    field="path",
                )
    return files, size


def _study(params: dict[str, Any], out: Path) -> tuple[Compute, float]:
    folder = Path(params.get("folder") or ".")
    max_files = min(int(params.get("max_files") or STUDY_MAX_FILES), STUDY_MAX_FILES)
    max_bytes = min(int(params.get("max_bytes") or STUDY_MAX_BYTES), STUDY_MAX_BYTES)
    phases = {
        "cloning": "cloning the repository",
        "scanning": "listing files",
        "reading": "reading files",
        "linking": "linking imports",
        "drawing": "drawing the import graph",
    }

    def compute(progress: ProgressFn) -> dict[str, Any]:
        from learnloop.config import now
        from learnloop.study.archive import opened_source
        from learnloop.study.markdown import report_markdown
        from learnloop.study.notes import notes_template
        from learnloop.study.survey import study_repository

        def report_progress(phase: str, done: int, total: int) -> None:
            progress(done, total, phases.get(phase, phase))

        with opened_source(params.get("address") or folder, progress=report_progress) as opened:
            measure_folder(opened.root, max_files=max_files, max_bytes=max_bytes, progress=progress)
            out.mkdir(parents=True, exist_ok=True)
            picture = out / "import-graph.png"
            report = study_repository(opened.root, progress=report_progress, picture=picture)
        write_file(out / "study.md", report_markdown(report).encode())
        write_file(out / "study.json", (report.model_dump_json(indent=2) + "\n").encode())
        if params.get("notes", True):
            write_file(out / "notes.md", notes_template(report, today=now().date()).encode())
        return {
            "report": report.model_dump(mode="json"),
            "folder": str(params.get("address") or folder),
            "picture": picture.name if picture.is_file() else None,
        }

    return compute, float(params.get("seconds") or STUDY_SECONDS)


# Baseline ------------------------------------------------------------------------------------------------
def check_budget(value: float | None) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or value <= 0:
        raise UserError("the time budget must be a positive number of seconds", field="budget")
    return value


def baseline_options(params: dict[str, Any]) -> Any:
    """The lab's :class:`~learnloop.lab.options.BaselineOptions` from a baseline job's parameters (the web
    form's names), validated: the page calls it before it submits the job, the job again when it runs."""
    from learnloop.lab.options import DEFAULT_FIT_TIMEOUT, BaselineOptions

    return BaselineOptions.parse(
        data=params["data"],
        target=params.get("target"),
        task=params.get("task"),
        metric=params.get("metric"),
        cv=params.get("cv", 5),
        split=params.get("split") or "auto",
        groups=params.get("groups"),
        time_budget=params.get("budget"),
        fit_timeout=params.get("model_timeout") or DEFAULT_FIT_TIMEOUT,
        models=params.get("models"),
        drop=params.get("drop") or [],
    )


def _baseline(params: dict[str, Any], out: Path) -> tuple[Compute, float]:
    budget = check_budget(params.get("budget"))

    def compute(progress: ProgressFn) -> dict[str, Any]:
        from learnloop.lab.baseline import Progress, run_baseline
        from learnloop.lab.report import write_report

        def hook(p: Progress) -> None:
            running = ", ".join(p.running[:3])
            progress(p.done, p.total, p.phase + (f": {running}" if running else ""))

        board = run_baseline(baseline_options(params), picture_dir=out, progress=hook)
        written = write_report(board, out)
        write_file(out / "leaderboard.csv", leaderboard_csv(board).encode())
        curve = Path(board.learning_curve_png).name if board.learning_curve_png else None
        from learnloop.jobs.board import jsonable

        return {
            "board": jsonable(board),
            "picture": curve,
            "report": [p.name for p in written],
            "leaderboard": "leaderboard.png" if (out / "leaderboard.png").is_file() else None,
        }

    seconds = budget * 1.5 + 120 if budget else BASELINE_SECONDS
    return compute, seconds


def leaderboard_csv(board: Any) -> str:
    import csv
    import io

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(
        [
            "rank",
            "model",
            "name",
            "status",
            board.metric,
            "std",
            "train",
            "fit_seconds",
            "folds",
            "verdict",
            "reason",
            "advice",
            "note",
        ]
    )
    for rank, row in enumerate(board.results, start=1):
        writer.writerow(
            [
                rank,
                row.model,
                row.name,
                row.status,
                row.score_mean,
                row.score_std,
                row.train_score,
                row.fit_seconds,
                row.folds,
                row.verdict,
                row.reason,
                row.advice,
                row.note,
            ]
        )
    return text.getvalue()


# Try -----------------------------------------------------------------------------------------------------
def _try(params: dict[str, Any], out: Path) -> tuple[Compute, float]:
    def compute(progress: ProgressFn) -> dict[str, Any]:
        from learnloop.jobs.board import jsonable
        from learnloop.lab.models import model_spec
        from learnloop.lab.trial import try_model

        spec = model_spec(params["model"])
        data = params.get("data")
        progress(0, 1, f"fitting {spec.name} on {params.get('name') or data or spec.dataset}")
        out.mkdir(parents=True, exist_ok=True)
        picture = out / f"{spec.id}.png"
        trial = try_model(spec.id, data=data, target=params.get("target"), png=picture)
        progress(1, 1, "drawing")
        write_file(out / "try.json", (json.dumps(jsonable(trial), indent=2) + "\n").encode())
        return {
            "model": spec.id,
            "topic": params.get("topic"),
            "trial": jsonable(trial),
            "picture": picture.name,
            "back": params.get("back", "/map"),
        }

    return compute, TRY_SECONDS


PLANS: dict[str, Callable[[dict[str, Any], Path], tuple[Compute, float]]] = {
    "study": _study,
    "baseline": _baseline,
    "try": _try,
}

__all__ = [
    "PLANS",
    "Cancelled",
    "baseline_options",
    "check_budget",
    "folder_name",
    "leaderboard_csv",
    "measure_folder",
    "plan",
    "write_file",
]
