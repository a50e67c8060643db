"""Step 6: every pass at a glance, and the descent plot (drawn again only when the history changed)."""

from __future__ import annotations

import hashlib
import json

from fastapi import Request
from fastapi.responses import HTMLResponse

from learnloop import config
from learnloop.web.deps import PageRouter, ReadSession
from learnloop.web.render import render, server_of

router = PageRouter()


@router.get("/history", response_class=HTMLResponse)
def history_page(request: Request, session: ReadSession) -> HTMLResponse:
    from learnloop.loop.history import descent_plot, history

    rows = history(session, config.now())
    picture = None
    if rows:
        pictures = server_of(request).pictures
        digest = hashlib.sha256(json.dumps([r.model_dump(mode="json") for r in rows]).encode()).hexdigest()[:20]
        picture = f"descent-{digest}.png"
        if not pictures.exists(picture):
            descent_plot(rows, pictures.path_for(picture))
    return render(request, "history.html", {"rows": rows, "picture": picture})
