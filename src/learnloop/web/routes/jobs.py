"""Jobs: the list (with cancel buttons), each job's page (progress that refreshes itself, then the result or
one error line), and the files each finished job wrote into the workspace, to download."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from learnloop.errors import NotFound
from learnloop.web.deps import PageRouter
from learnloop.web.render import SECURITY_HEADERS, render, server_of

router = PageRouter()

REFRESH_SECONDS = 1
_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".dot": "text/vnd.graphviz; charset=utf-8",
}


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request) -> HTMLResponse:
    board = server_of(request).jobs
    jobs = board.recent()
    return render(
        request, "jobs.html", {"jobs": jobs, "positions": {j.id: board.position(j) for j in jobs}, "pool": board.size}
    )


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> HTMLResponse:
    board = server_of(request).jobs
    job = board.get(job_id)
    status = job.error_status if job.state == "failed" else 200
    return render(
        request,
        "job.html",
        {
            "job": job,
            "refresh": REFRESH_SECONDS,
            "result": job.result,
            "position": board.position(job),
            "files": job.files(),
            "error": job.error if job.state == "failed" else None,
        },
        status=status,
    )


@router.post("/jobs/{job_id}/cancel")
def cancel(request: Request, job_id: str) -> RedirectResponse:
    board = server_of(request).jobs
    board.cancel(job_id)
    back = request.headers.get("referer", "")
    to_list = back.rstrip("/").endswith("/jobs")
    return RedirectResponse("/jobs" if to_list else f"/jobs/{job_id}", status_code=303)


@router.get("/jobs/{job_id}/files/{name}")
def job_file(request: Request, job_id: str, name: str) -> Response:
    """A file the job wrote, by its bare name (never a path), from the job's own folder only."""
    job = server_of(request).jobs.get(job_id)
    if not _FILE.match(name) or name not in job.files() or not job.folder:
        raise NotFound("file", name)
    path = Path(job.folder) / name
    kind = TYPES.get(path.suffix.lower(), "application/octet-stream")
    disposition = "inline" if kind.startswith("image/") else "attachment"
    return FileResponse(
        path,
        media_type=kind,
        headers={
            "Content-Disposition": f'{disposition}; filename="{name}"',
            "Cache-Control": "private, max-age=3600",
            **SECURITY_HEADERS,
        },
    )
