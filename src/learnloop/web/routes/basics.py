"""What answers without a learner, even on a class server: the health check and the icon."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

router = APIRouter()  # GET only: nothing here takes a form

FAVICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="12" fill="none" '
    b'stroke="#1f6f5c" stroke-width="4"/><path d="M16 4 l6 -3 v6z" fill="#1f6f5c"/></svg>'
)


@router.get("/healthz", response_class=PlainTextResponse)
async def healthz() -> PlainTextResponse:
    """A constant, for load balancers and the load benchmark."""
    return PlainTextResponse("ok")


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
