"""The lab: a baseline leaderboard on a map data set or an uploaded CSV (in the background), and `try`."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop.errors import NotFound, UserError
from learnloop.web.deps import Atlas, PageRouter
from learnloop.web.forms import optional
from learnloop.web.render import render, server_of

if TYPE_CHECKING:
    from learnloop.web.app import Server

router = PageRouter()

CSV_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream", ""}


@router.get("/lab", response_class=HTMLResponse)
def lab_page(request: Request, atlas: Atlas) -> HTMLResponse:
    from learnloop.lab.models import BASELINE_ORDER, REGISTRY
    from learnloop.lab.scoring import METRICS

    tables = sorted(
        (d for d in atlas.datasets.values() if d.form == "table" and d.target), key=lambda d: (d.task, d.name.lower())
    )
    server = server_of(request)
    models = [REGISTRY[m] for m in BASELINE_ORDER if m in REGISTRY]
    return render(
        request,
        "lab.html",
        {
            "datasets": tables,
            "recent": server.jobs.recent("baseline")[:8],
            "metrics": list(METRICS.values()),
            "models": models,
            "limit_mb": request.app.state.max_upload_bytes // (1024 * 1024),
        },
    )


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """The uploaded file's bytes: a CSV only, within the size limit."""
    name = upload.filename or ""
    if not name.lower().endswith(".csv"):
        raise UserError(f"{name or 'the upload'} is not a .csv file; upload a CSV table")
    if (upload.content_type or "").split(";")[0].strip().lower() not in CSV_TYPES:
        raise UserError(f"{name} was sent as {upload.content_type}, not as a CSV table")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise UserError(f"{name} is larger than {limit // (1024 * 1024)} MB; use `learnloop baseline` for big files")
    if not data.strip():
        raise UserError(f"{name} is empty")
    return data


def check_upload(data: bytes, name: str, target: str | None, groups: str | None, drop: list[str]) -> list[str]:
    """Read the upload's first rows the way the lab reads a file, and check the columns the form names."""
    from learnloop.lab.preprocess import check_columns
    from learnloop.lab.tablefile import peek_columns

    columns = peek_columns(data, name)
    if target is None:
        raise UserError(f"say which column of {name} to predict: target column", field="target")
    try:
        check_columns(columns, target, drop, groups)
    except NotFound as exc:  # a column the form names: bad input on this page (400), not a missing page
        raise UserError(f"{name} has {exc.message}", field=exc.field) from None
    return columns


# How the page names what the lab's options call otherwise (the form's field names and labels).
FORM_FIELDS = {"time_budget": "budget", "fit_timeout": "model_timeout", "data": "dataset"}
LABELS = {
    "cv": "the number of folds",
    "budget": "the time budget",
    "model_timeout": "the time one fit may take",
    "split": "the folds",
    "groups": "the group column",
    "target": "the column to predict",
    "dataset": "the data set",
    "drop": "the columns to leave out",
}


def form_error(exc: UserError) -> UserError:
    """A lab option error worded for this page, beside the form field it concerns."""
    from learnloop.lab.options import OptionError

    if not isinstance(exc, OptionError):
        return exc
    field = FORM_FIELDS.get(exc.field or "", exc.field or "")
    if field == "metric":
        message = f"no metric called {exc.value!r}; choose one from the list"
    elif field == "task":
        message = "the task is classification or regression (or empty: found from the target)"
    else:
        message = f"{LABELS.get(field, field)} {exc.problem}"
    return UserError(message, field=field)


@router.post("/lab/baseline")
async def start_baseline(
    request: Request,
    dataset: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    cv: Annotated[int, Form()] = 5,
    budget: Annotated[str, Form()] = "",
    metric: Annotated[str, Form()] = "",
    task: Annotated[str, Form()] = "",
    split: Annotated[str, Form()] = "auto",
    groups: Annotated[str, Form()] = "",
    models: Annotated[list[str] | None, Form()] = None,
    drop: Annotated[str, Form()] = "",
    model_timeout: Annotated[str, Form()] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> RedirectResponse:
    """Check the form (the lab's own option checks, then the upload's columns), keep the upload under its own
    (cleaned) name, and queue the baseline as a job."""
    from fastapi.concurrency import run_in_threadpool

    from learnloop.jobs.kinds import baseline_options

    server = server_of(request)
    params: dict[str, Any] = {
        "data": optional(dataset) or "upload",  # the kept upload's path once it is written
        "target": optional(target),
        "task": optional(task),
        "metric": optional(metric),
        "cv": cv,
        "split": optional(split) or "auto",
        "groups": optional(groups),
        "budget": seconds_field(budget, "budget", "the time budget"),
        "model_timeout": seconds_field(model_timeout, "model_timeout", "the time one fit may take"),
        "models": [m for m in (models or []) if m.strip()] or None,
        "drop": [c.strip() for c in drop.split(",") if c.strip()],
    }
    try:
        baseline_options(params)  # the lab's checks, the same the job and the CLI make
    except UserError as exc:
        raise form_error(exc) from None
    if params["models"]:
        from learnloop.lab.models import model_spec

        for model_id in params["models"]:
            model_spec(model_id)
    has_file = upload is not None and bool(upload.filename)
    if has_file and optional(dataset):
        raise UserError("choose a data set from the map or upload a CSV, not both", field="dataset")
    if has_file:
        assert upload is not None
        filename = upload.filename or "upload.csv"
        data = await read_upload(upload, request.app.state.max_upload_bytes)
        await run_in_threadpool(check_upload, data, filename, params["target"], params["groups"], params["drop"])
        source = keep_upload(server, filename, data)
        ref, name, title = str(source), upload.filename or source.name, f"Baseline on {upload.filename}"
    else:
        dataset_id = optional(dataset)
        if dataset_id is None:
            raise UserError("choose a data set from the map, or upload a CSV", field="dataset")
        server.atlas().dataset(dataset_id)
        ref, name, title = dataset_id, dataset_id, f"Baseline on {dataset_id}"
    params.update(data=ref, name=name)
    job = server.jobs.submit("baseline", title, back="/lab", params=params)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def keep_upload(server: Server, filename: str, data: bytes) -> Path:
    """The upload under its original name (cleaned: letters, digits, dash, underscore, dot), in a folder of its own
    in the workspace, so the report says ``sales.csv`` rather than a temporary name."""
    stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in Path(filename).stem).strip(".-")[:60]
    folder = server.uploads / secrets.token_hex(6)
    folder.mkdir(parents=True, exist_ok=True)
    from learnloop.jobs.kinds import write_file

    path = folder / f"{stem or 'upload'}.csv"
    write_file(path, data)
    return path


def seconds_field(text: str, field: str, what: str) -> float | None:
    """A positive, finite number of seconds, or None for an empty field (nan and inf are refused)."""
    import math

    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{what} must be a number of seconds, not {text.strip()!r}", field=field) from None
    if not math.isfinite(value) or value <= 0:
        raise UserError(f"{what} must be a positive number of seconds", field=field)
    return value


@router.post("/lab/try/{model_id}")
async def start_try(
    request: Request,
    model_id: str,
    atlas: Atlas,
    topic: Annotated[str, Form()] = "",
    dataset: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> RedirectResponse:
    """The map card's "run it" button: fit the model on its demo set, on a map data set or on an uploaded CSV."""
    from fastapi.concurrency import run_in_threadpool

    from learnloop.lab.models import model_spec

    server = server_of(request)
    spec = model_spec(model_id)
    topic_id = optional(topic)
    back = f"/map/{atlas.topic(topic_id).id}#try" if topic_id else "/map"
    data: str | None = None
    name = spec.dataset
    chosen_target = optional(target)
    if upload is not None and upload.filename:
        raw = await read_upload(upload, request.app.state.max_upload_bytes)
        await run_in_threadpool(check_upload, raw, upload.filename, chosen_target, None, [])
        data, name = str(keep_upload(server, upload.filename, raw)), upload.filename
    elif optional(dataset):
        data = atlas.dataset(optional(dataset)).id
        name = data
    if data is None and chosen_target is not None:
        raise UserError("a column to predict goes with a data set of your choice", field="target")
    params = {"model": spec.id, "data": data, "name": name, "target": chosen_target, "topic": topic_id, "back": back}
    job = server.jobs.submit("try", f"{spec.name}, run on {name}", back=back, params=params)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def latest_try(server: Server, model_id: str) -> Any:
    """The newest finished `try` of a model in this server, for its map card."""
    for job in server.jobs.recent("try"):
        if job.state == "done" and job.result and job.result.get("model") == model_id:
            return {**job.result, "picture_url": f"/jobs/{job.id}/files/{job.result.get('picture')}"}
    return None
