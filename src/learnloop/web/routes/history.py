"""Step 6: every pass at a glance, and the descent plot (drawn again only when the history changed)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Annotated

from fastapi import File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop import config
from learnloop.errors import UserError
from learnloop.web.deps import PageRouter, ReadSession
from learnloop.web.render import render, server_of

if TYPE_CHECKING:
    from learnloop.web.app import Server

router = PageRouter()


@router.get("/history", response_class=HTMLResponse)
def history_page(request: Request, session: ReadSession, notice: str | None = None) -> HTMLResponse:
    from learnloop.loop.history import descent_plot, history

    rows = history(session, config.now())
    picture = None
    if rows:
        pictures = server_of(request).pictures
        digest = hashlib.sha256(json.dumps([r.model_dump(mode="json") for r in rows]).encode()).hexdigest()[:20]
        picture = f"descent-{digest}.png"
        if not pictures.exists(picture):
            descent_plot(rows, pictures.path_for(picture), force=True)
    notices = {"imported": "Imported: everything from the export is here."}
    return render(request, "history.html", {"rows": rows, "picture": picture, "notice": notices.get(notice or "")})


@router.get("/export")
def export(session: ReadSession) -> Response:
    """Everything the learner recorded, as the same JSON file `learnloop export` writes."""
    from learnloop.store.transfer import export_data

    text = json.dumps(export_data(session), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    stamp = config.now().strftime("%Y-%m-%d")
    return Response(
        text.encode(),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="learnloop-export-{stamp}.json"'},
    )


@router.post("/import")
async def import_upload(request: Request, upload: Annotated[UploadFile | None, File()] = None) -> RedirectResponse:
    """Load an export into an EMPTY home (as `learnloop import` does): one transaction, never a merge."""
    from fastapi.concurrency import run_in_threadpool

    if upload is None or not upload.filename:
        raise UserError("choose the .json file that `learnloop export` (or the Download button) wrote")
    if not upload.filename.lower().endswith(".json"):
        raise UserError(f"{upload.filename} is not a .json export")
    limit = request.app.state.max_upload_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise UserError(f"{upload.filename} is larger than {limit // (1024 * 1024)} MB")
    await run_in_threadpool(_load, server_of(request), data, upload.filename)
    return RedirectResponse("/history?notice=imported", status_code=303)


def _load(server: Server, data: bytes, name: str) -> None:
    import secrets

    from learnloop.store.transfer import import_data, read_export

    server.uploads.mkdir(parents=True, exist_ok=True)
    path = server.uploads / f"import-{secrets.token_hex(6)}.json"
    path.write_bytes(data)
    try:
        parsed = read_export(path)
    except UserError as exc:  # name the learner's file, not the server's temporary copy
        raise UserError(str(exc).replace(str(path), name)) from None
    finally:
        path.unlink(missing_ok=True)
    with server.store.session() as session:
        import_data(session, parsed, name)
