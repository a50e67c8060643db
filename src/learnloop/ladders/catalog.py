"""What the front doors show about ladders: the list (pinned focus first) and one rung with its code."""

from __future__ import annotations

from pydantic import BaseModel

from learnloop.ladders.registry import (
    Ladder,
    Rung,
    find_ladder,
    find_rung,
    install_hint,
    load_ladders,
    missing_packages,
    script_resource,
)


class RungProgress(BaseModel):
    """How often the learner ran a rung in this pass, and the best score."""

    runs: int = 0
    best_score: float | None = None


class RungInfo(BaseModel):
    level: int
    title: str
    library: str
    hides: str
    extra: str | None = None
    available: bool = True  # everything it needs is installed
    runs: int = 0
    best_score: float | None = None


class BaselineInfo(BaseModel):
    """A simpler method scored beside the rungs on the same split."""

    id: str
    title: str
    library: str
    why: str
    available: bool = True


class LadderInfo(BaseModel):
    id: str
    title: str
    task: str
    dataset: str | None  # None: the rungs simulate their own world (a game, generated ratings)
    focuses: list[str]
    metric: str
    tolerance: float
    for_pinned_focus: bool
    rungs: list[RungInfo]
    baselines: list[BaselineInfo] = []


class RungView(BaseModel):
    """One rung, ready to print: what it hides, what it needs, and its code."""

    ladder: str
    ladder_title: str
    level: int
    lowest: int
    title: str
    library: str
    hides: str
    extra: str | None
    missing: list[str]
    install: str | None
    script: str
    code: str


def rung_info(rung: Rung, progress: RungProgress | None = None) -> RungInfo:
    progress = progress or RungProgress()
    return RungInfo(
        level=rung.level,
        title=rung.title,
        library=rung.library,
        hides=rung.hides,
        extra=rung.extra,
        available=not missing_packages(rung),
        runs=progress.runs,
        best_score=progress.best_score,
    )


def ladder_info(ladder: Ladder, pinned: str | None, progress: dict[tuple[str, int], RungProgress]) -> LadderInfo:
    return LadderInfo(
        id=ladder.id,
        title=ladder.title,
        task=ladder.task,
        dataset=ladder.dataset,
        focuses=ladder.focuses,
        metric=ladder.metric,
        tolerance=ladder.tolerance,
        for_pinned_focus=pinned in ladder.focuses,
        rungs=[rung_info(r, progress.get((ladder.id, r.level))) for r in ladder.rungs],
        baselines=[
            BaselineInfo(id=b.id, title=b.title, library=b.library, why=b.why, available=not missing_packages(b))
            for b in ladder.baselines
        ],
    )


def list_ladders(
    pinned_focus: str | None = None, progress: dict[tuple[str, int], RungProgress] | None = None
) -> list[LadderInfo]:
    """Every ladder; those serving the pinned focus first, then the others, each group in file order."""
    infos = [ladder_info(ladder, pinned_focus, progress or {}) for ladder in load_ladders().values()]
    return sorted(infos, key=lambda info: not info.for_pinned_focus)


def show_rung(name: str, level: int = 1) -> RungView:
    ladder = find_ladder(name)
    rung = find_rung(ladder, level)
    resource = script_resource(ladder, rung)
    missing = missing_packages(rung)
    return RungView(
        ladder=ladder.id,
        ladder_title=ladder.title,
        level=rung.level,
        lowest=ladder.lowest,
        title=rung.title,
        library=rung.library,
        hides=rung.hides,
        extra=rung.extra,
        missing=missing,
        install=install_hint(rung) if missing else None,
        script=rung.script,
        code=resource.read_text(encoding="utf-8"),  # type: ignore[attr-defined]
    )
