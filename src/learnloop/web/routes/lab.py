"""The lab: a baseline leaderboard on a map data set or an uploaded CSV (in the background), and `try`."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop.errors import UserError
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


def check_csv(data: bytes, name: str, target: str | None) -> list[str]:
    """Parse the uploaded bytes with pandas (nothing else touches them); the columns, or one clear error."""
    import io

    import pandas as pd

    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{name} is not UTF-8 text; save it again as UTF-8 (in a spreadsheet: 'CSV UTF-8')") from None
    head = data.split(b"\n", 1)[0]
    sniff = b"," not in head and (b";" in head or b"\t" in head)  # European CSVs use ';' (as the lab reads them)
    try:
        frame = pd.read_csv(io.BytesIO(data), nrows=200, sep=None if sniff else ",", engine="python" if sniff else "c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise UserError(f"{name} is not a readable CSV table ({first})") from None
    columns = [str(c) for c in frame.columns]
    if len(columns) < 2 or frame.empty:
        raise UserError(f"{name} is not a table with rows and at least two columns")
    if target is None:
        raise UserError(f"say which column of {name} to predict: target column")
    if target not in columns:
        from learnloop.atlas.load import close_ids

        hints = close_ids(target, columns)
        raise UserError(
            f"{name} has no column {target!r}"
            + (f"; did you mean {', '.join(hints)}?" if hints else f"; its columns are {', '.join(columns[:12])}")
        )
    return columns


@router.post("/lab/baseline")
async def start_baseline(
    request: Request,
    dataset: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    cv: Annotated[int, Form()] = 5,
    budget: Annotated[str, Form()] = "",
    metric: Annotated[str, Form()] = "",
    task: Annotated[str, Form()] = "",
    models: Annotated[list[str] | None, Form()] = None,
    drop: Annotated[str, Form()] = "",
    model_timeout: Annotated[str, Form()] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> RedirectResponse:
    """Check the form, keep the upload under its own (cleaned) name, and queue the baseline as a job."""
    from fastapi.concurrency import run_in_threadpool

    server = server_of(request)
    if not 2 <= cv <= 10:
        raise UserError("choose between 2 and 10 folds", field="cv")
    seconds = seconds_field(budget, "budget", "the time budget")
    timeout = seconds_field(model_timeout, "model_timeout", "the time one fit may take")
    chosen_task = optional(task)
    if chosen_task not in (None, "classification", "regression"):
        raise UserError("the task is classification or regression (or empty: found from the target)", field="task")
    chosen_metric = optional(metric)
    if chosen_metric is not None:
        from learnloop.lab.scoring import METRICS

        if chosen_metric not in METRICS:
            raise UserError(f"no metric called {chosen_metric!r}; choose one from the list", field="metric")
    chosen_models = [m for m in (models or []) if m.strip()] or None
    if chosen_models:
        from learnloop.lab.models import model_spec

        for model_id in chosen_models:
            model_spec(model_id)
    dropped = [c.strip() for c in drop.split(",") if c.strip()]
    chosen_target = optional(target)
    has_file = upload is not None and bool(upload.filename)
    if has_file and optional(dataset):
        raise UserError("choose a data set from the map or upload a CSV, not both", field="dataset")
    if has_file:
        assert upload is not None
        data = await read_upload(upload, request.app.state.max_upload_bytes)
        await run_in_threadpool(check_csv, data, upload.filename or "upload.csv", chosen_target)
        source = keep_upload(server, upload.filename or "upload.csv", data)
        ref, name, title = str(source), upload.filename or source.name, f"Baseline on {upload.filename}"
    else:
        dataset_id = optional(dataset)
        if dataset_id is None:
            raise UserError("choose a data set from the map, or upload a CSV", field="dataset")
        server.atlas().dataset(dataset_id)
        ref, name, title = dataset_id, dataset_id, f"Baseline on {dataset_id}"
    params = {
        "data": ref,
        "name": name,
        "target": chosen_target,
        "task": chosen_task,
        "metric": chosen_metric,
        "cv": cv,
        "budget": seconds,
        "model_timeout": timeout,
        "models": chosen_models,
        "drop": dropped,
    }
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


def _budget(text: str) -> float | None:
    return seconds_field(text, "budget", "the time budget")


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
        await run_in_threadpool(check_csv, raw, upload.filename, chosen_target)
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
