"""The lab: a baseline leaderboard on a map data set or an uploaded CSV (in the background), and `try`."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop.errors import UserError
from learnloop.web.deps import Atlas, PageRouter
from learnloop.web.forms import optional
from learnloop.web.jobs import ProgressFn
from learnloop.web.render import render, server_of

if TYPE_CHECKING:
    from learnloop.web.app import Server

router = PageRouter()

CSV_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream", ""}


@router.get("/lab", response_class=HTMLResponse)
def lab_page(request: Request, atlas: Atlas) -> HTMLResponse:
    tables = sorted((d for d in atlas.datasets.values() if d.form == "table" and d.target),
                    key=lambda d: (d.task, d.name.lower()))
    server = server_of(request)
    return render(request, "lab.html", {"datasets": tables, "recent": server.jobs.recent("baseline")[:8],
                                        "limit_mb": request.app.state.max_upload_bytes // (1024 * 1024)})


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
        frame = pd.read_csv(io.BytesIO(data), nrows=200, sep=None if sniff else ",",
                            engine="python" if sniff else "c")
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
        raise UserError(f"{name} has no column {target!r}" + (f"; did you mean {', '.join(hints)}?" if hints else
                                                               f"; its columns are {', '.join(columns[:12])}"))
    return columns


@router.post("/lab/baseline")
async def start_baseline(request: Request, dataset: Annotated[str, Form()] = "",
                         target: Annotated[str, Form()] = "", cv: Annotated[int, Form()] = 5,
                         budget: Annotated[str, Form()] = "",
                         upload: Annotated[UploadFile | None, File()] = None) -> RedirectResponse:
    from fastapi.concurrency import run_in_threadpool

    server = server_of(request)
    if not 2 <= cv <= 10:
        raise UserError("choose between 2 and 10 folds")
    seconds = _budget(budget)
    chosen_target = optional(target)
    has_file = upload is not None and bool(upload.filename)
    if has_file and optional(dataset):
        raise UserError("choose a data set from the map or upload a CSV, not both")
    if has_file:
        assert upload is not None
        data = await read_upload(upload, request.app.state.max_upload_bytes)
        await run_in_threadpool(check_csv, data, upload.filename or "upload.csv", chosen_target)
        server.uploads.mkdir(parents=True, exist_ok=True)
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in Path(upload.filename or "upload").stem)[:40]
        source = server.uploads / f"{stem or 'upload'}-{secrets.token_hex(4)}.csv"
        source.write_bytes(data)
        ref: str = str(source)
        title = f"Baseline on {upload.filename}"
    else:
        dataset_id = optional(dataset)
        if dataset_id is None:
            raise UserError("choose a data set from the map, or upload a CSV")
        server.atlas().dataset(dataset_id)
        ref, title = dataset_id, f"Baseline on {dataset_id}"
    job = server.jobs.submit("baseline", title, _baseline_work(server, ref, chosen_target, cv, seconds), back="/lab")
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _budget(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"the time budget must be a number of seconds, not {text.strip()!r}") from None
    if value <= 0:
        raise UserError("the time budget must be a positive number of seconds")
    return value


def _baseline_work(server: Server, ref: str, target: str | None, cv: int, budget: float | None) -> Any:
    def work(progress: ProgressFn) -> dict[str, Any]:
        from learnloop.lab.baseline import BaselineOptions, Progress, run_baseline

        def hook(p: Progress) -> None:
            running = ", ".join(p.running[:3])
            progress(p.done, p.total, p.phase + (f": {running}" if running else ""))

        drawn = Path(tempfile.mkdtemp(prefix="curve-", dir=server.pictures.folder.parent))
        try:
            options = BaselineOptions.parse(data=ref, target=target, cv=cv, time_budget=budget)
            board = run_baseline(options, picture_dir=drawn, progress=hook)
            picture = None
            if board.learning_curve_png:
                picture = f"curve-{secrets.token_hex(8)}.png"
                shutil.move(board.learning_curve_png, server.pictures.path_for(picture))
        finally:
            shutil.rmtree(drawn, ignore_errors=True)
        return {"board": board, "picture": picture}

    return work


@router.post("/lab/try/{model_id}")
def start_try(request: Request, model_id: str, atlas: Atlas, topic: Annotated[str, Form()] = "") -> RedirectResponse:
    """The map card's "run it" button: fit the model on its offline demo set and draw its idea."""
    from learnloop.lab.models import model_spec

    server = server_of(request)
    spec = model_spec(model_id)
    topic_id = optional(topic)
    back = f"/map/{atlas.topic(topic_id).id}#try" if topic_id else "/map"
    picture = f"try-{spec.id}-{secrets.token_hex(6)}.png"
    pictures = server.pictures

    def work(progress: ProgressFn) -> dict[str, Any]:
        from learnloop.lab.trial import try_model

        progress(0, 1, f"fitting {spec.name} on {spec.dataset}")
        trial = try_model(spec.id, png=pictures.path_for(picture))
        progress(1, 1, "drawing")
        return {"model": spec.id, "topic": topic_id, "trial": trial, "picture": picture, "back": back}

    job = server.jobs.submit("try", f"{spec.name}, run on {spec.dataset}", work, back=back)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def latest_try(server: Server, model_id: str) -> Any:
    """The newest finished `try` of a model in this server, for its map card."""
    for job in server.jobs.recent("try"):
        if job.state == "done" and job.result and job.result.get("model") == model_id:
            return job.result
    return None
