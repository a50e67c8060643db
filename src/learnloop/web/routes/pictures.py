"""Pictures drawn by this server, by name only: never a path from the request."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse

from learnloop.web.deps import PageRouter
from learnloop.web.render import server_of

router = PageRouter()


@router.get("/pictures/{name}")
def picture(request: Request, name: str) -> FileResponse:
    path = server_of(request).pictures.find(name)
    return FileResponse(
        path,
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
