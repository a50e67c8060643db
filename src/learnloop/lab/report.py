"""Save a leaderboard to a folder: Markdown to read, JSON to reuse, PNGs to look at.

It is written after every run, including one stopped by Ctrl-C or the time budget, so finished rows
are never lost.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from learnloop.lab.baseline import Leaderboard


def fmt(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def write_report(board: Leaderboard, folder: Path, *, pictures: bool = True) -> list[Path]:
    """Write baseline.md, baseline.json and (with ``pictures``) leaderboard.png and the learning curve.

    Drawing is the slow part of a small run (matplotlib's import and layout), so a caller that only
    prints the board can leave the pictures out; the Markdown then says so.
    """
    from learnloop.files import write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if pictures and any(r.score_mean is not None for r in board.results):
        from learnloop.lab.plots import save_leaderboard

        written.append(save_leaderboard(board, folder / "leaderboard.png"))
    curve = None
    if pictures and board.learning_curve_png:
        source = Path(board.learning_curve_png)
        curve = folder / source.name
        if source.resolve() != curve.resolve():
            write_atomic(curve, source.read_bytes(), force=True)
        written.append(curve)
    data = folder / "baseline.json"
    write_atomic(data, json.dumps(asdict(board), indent=2, default=str) + "\n", force=True)
    markdown = folder / "baseline.md"
    write_atomic(markdown, render_markdown(board, curve, pictures=bool(written)), force=True)
    return [markdown, data, *written]


def render_markdown(board: Leaderboard, curve: Path | None, *, pictures: bool = True) -> str:
    lines = [f"# Baseline on {board.data}", ""]
    lines.append(
        f"{board.n_rows:,} rows, {board.n_features} model inputs after preprocessing; target "
        f"`{board.target}` ({board.task}); {board.cv}-fold cross-validation; metric: "
        f"{board.metric_label}" + ("" if board.greater_is_better else " (lower is better)") + "."
    )
    if board.stopped:
        lines += ["", f"**Stopped early ({board.stopped}): the rows below are those finished in time.**"]
    if board.warnings:
        lines += ["", "## Read this first", ""] + [f"- **{w}**" for w in board.warnings]
    lines += [
        "",
        "| rank | model | validation (mean ± std) | train | fit s/fold | verdict | what to try |",
        "| ---: | --- | --- | ---: | ---: | --- | --- |",
    ]
    for rank, row in enumerate(board.results, 1):
        if row.score_mean is None:
            lines.append(f"| — | {row.name} | {row.status}: {row.note} | | | | |")
            continue
        lines.append(
            f"| {rank} | {row.name} | {fmt(row.score_mean)} ± {fmt(row.score_std)} | "
            f"{fmt(row.train_score)} | {fmt(row.fit_seconds, 2)} | {row.verdict} ({row.reason}) | "
            f"{row.advice} |"
        )
    if board.notices:
        lines += ["", "## Notices", ""] + [f"- {n}" for n in board.notices]
    if pictures:
        lines += ["", "![leaderboard](leaderboard.png)"]
    if curve is not None:
        lines += [
            "",
            f"## Learning curve of the best model ({board.best})",
            "",
            f"![learning curve]({curve.name})",
            "",
            "If the validation curve still climbs at the right, more rows would help; if train and "
            "validation meet low, the model is too simple; a wide gap that stays open means overfitting.",
        ]
    lines += ["", f"Finished in {board.elapsed_seconds:.1f} s on {board.jobs} worker(s)."]
    return "\n".join(lines) + "\n"
