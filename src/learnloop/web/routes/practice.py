"""Steps 2 and 3: the language self-check and the library ladders: list, code, progress, check and run.

Checking an exercise grades the learner's own file from their workspace in the grader's sandbox (as
`learnloop exercises check` does), and is refused here when this machine offers no sandbox; running a
rung runs a script that ships with learnloop. No code ever comes from the request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop import config
from learnloop.errors import UserError
from learnloop.web.deps import PageRouter
from learnloop.web.jobs import ProgressFn
from learnloop.web.render import render, server_of

router = PageRouter()

NOTICES = {"started": "Starter file written: edit it in your editor, then check it here."}


@router.get("/exercises", response_class=HTMLResponse)
def exercises_page(request: Request) -> HTMLResponse:
    from learnloop.exercises.progress import passed_exercises
    from learnloop.exercises.workspace import list_exercises

    server = server_of(request)
    infos = list_exercises(server.settings.workspace, passed_exercises(server.store))
    return render(
        request,
        "exercises.html",
        {"exercises": infos, "passed": sum(i.passed for i in infos), "recent": server.jobs.recent("check")[:5]},
    )


@router.get("/exercises/{key}", response_class=HTMLResponse)
def exercise_page(request: Request, key: str, notice: str | None = None, show: str | None = None) -> HTMLResponse:
    """One exercise: its starter file(s); the hint with ``?show=hint``; the solution with ``?show=solution``
    once the learner's answer has passed; what the sandbox does on this machine."""
    from learnloop.exercises.catalog import GROUP_NAMES, find_exercise
    from learnloop.exercises.grader import sandbox_status
    from learnloop.exercises.progress import ever_passed_exercises, passed_exercises
    from learnloop.exercises.workspace import exercise_path, exercise_solution, is_started

    server = server_of(request)
    item = find_exercise(key)
    exercise = item.exercise
    path = exercise_path(server.settings.workspace, item)
    ever = ever_passed_exercises(server.store)
    starters = {item.file_name: exercise.starter or ""} if exercise.kind == "function" else dict(exercise.files)
    solution = exercise_solution(key, ever).files if show == "solution" else None
    return render(
        request,
        "exercise.html",
        {
            "item": item,
            "exercise": exercise,
            "group": GROUP_NAMES[exercise.group],
            "path": str(path),
            "started": is_started(server.settings.workspace, item),
            "passed": exercise.id in passed_exercises(server.store),
            "ever_passed": exercise.id in ever,
            "notice": NOTICES.get(notice or ""),
            "starters": starters,
            "hint": exercise.hint if show == "hint" else None,
            "solution": solution,
            "sandbox": sandbox_status(),
        },
    )


@router.post("/exercises/{key}/start")
def start_exercise(request: Request, key: str) -> RedirectResponse:
    from learnloop.exercises.workspace import start_exercise as start

    started = start(server_of(request).settings.workspace, key)
    return RedirectResponse(f"/exercises/{started.number}?notice=started", status_code=303)


@router.post("/exercises/{key}/check")
def check_exercise(request: Request, key: str) -> RedirectResponse:
    from learnloop.exercises.catalog import find_exercise

    server = server_of(request)
    item = find_exercise(key)
    workspace, store, home = server.settings.workspace, server.store, server.settings.home

    def work(progress: ProgressFn) -> dict[str, Any]:
        from learnloop.exercises.progress import record_checks
        from learnloop.exercises.workspace import check_exercises

        progress(0, 1, "running your file against the hidden cases, in the sandbox")
        results = check_exercises(workspace, str(item.number), isolation="required", hide=[home])
        recorded = record_checks(store, results, config.now())
        return {"results": results, "recorded": recorded, "number": item.number}

    job = server.jobs.submit(
        "check", f"Check of exercise {item.number}: {item.exercise.title}", work, back=f"/exercises/{item.number}"
    )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/ladders", response_class=HTMLResponse)
def ladders_page(request: Request) -> HTMLResponse:
    from learnloop.ladders.catalog import list_ladders
    from learnloop.ladders.progress import pinned_focus, rung_progress

    server = server_of(request)
    focus = pinned_focus(server.store)
    return render(
        request,
        "ladders.html",
        {
            "ladders": list_ladders(focus, rung_progress(server.store)),
            "focus": focus,
            "recent": server.jobs.recent("rung")[:5],
        },
    )


@router.get("/ladders/{name}/{level}", response_class=HTMLResponse)
def rung_page(request: Request, name: str, level: int, copied: str | None = None) -> HTMLResponse:
    from learnloop.ladders.catalog import show_rung
    from learnloop.ladders.progress import rung_progress

    server = server_of(request)
    view = show_rung(name, level)
    progress = rung_progress(server.store).get((view.ladder, view.level))
    folder = server.settings.workspace / "ladders" / view.ladder
    target = folder / view.script
    return render(
        request,
        "rung.html",
        {
            "rung": view,
            "progress": progress,
            "copy_target": str(target),
            "copied": copied is not None and target.is_file(),
        },
    )


@router.post("/ladders/{name}/{level}/copy")
def copy_rung(request: Request, name: str, level: int, force: Annotated[bool, Form()] = False) -> RedirectResponse:
    """`learnloop ladder copy`: the rung's script into the workspace's ladders/NAME folder, to edit and run."""
    from learnloop.ladders.catalog import show_rung
    from learnloop.ladders.execution import copy_rung as copy

    view = show_rung(name, level)
    try:
        copy(view.ladder, view.level, server_of(request).settings.workspace / "ladders" / view.ladder, force=force)
    except UserError as exc:
        if "already exists" in str(exc):
            raise UserError(
                "the script is already in your workspace: edit it there, or tick 'overwrite' to get a fresh copy",
                field="force",
            ) from None
        raise
    return RedirectResponse(f"/ladders/{view.ladder}/{view.level}?copied=1#copy", status_code=303)


@router.post("/ladders/{name}/{level}/run")
def run_rung(request: Request, name: str, level: int) -> RedirectResponse:
    from learnloop.ladders.catalog import show_rung

    server = server_of(request)
    view = show_rung(name, level)  # unknown ladder or rung: NotFound now, not in the job
    if view.install:
        from learnloop.errors import UserError

        raise UserError(f"rung {view.level} of {view.ladder} needs {', '.join(view.missing)}; {view.install}")
    store = server.store

    def work(progress: ProgressFn) -> dict[str, Any]:
        from learnloop.ladders.execution import run_rung as run
        from learnloop.ladders.progress import record_run

        progress(0, 0, "loading libraries and data")

        def report(done: int, total: int) -> None:
            progress(done, total, "training")

        result, _detail = run(view.ladder, view.level, report=report)
        recorded = record_run(store, result, config.now())
        return {"run": result, "recorded": recorded, "view": view}

    job = server.jobs.submit(
        "rung",
        f"{view.ladder_title}: rung {view.level}, {view.title}",
        work,
        back=f"/ladders/{view.ladder}/{view.level}",
    )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
