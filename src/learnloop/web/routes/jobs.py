"""A background job's page: progress that refreshes itself (no JavaScript), then the result or one error line."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from learnloop.web.deps import PageRouter
from learnloop.web.render import render, server_of

router = PageRouter()

REFRESH_SECONDS = 1


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> HTMLResponse:
    job = server_of(request).jobs.get(job_id)
    status = job.error_status if job.state == "failed" else 200
    return render(request, "job.html", {"job": job, "refresh": REFRESH_SECONDS, "result": job.result,
                                        "error": job.error if job.state == "failed" else None}, status=status)
