"""One small router per page; :data:`ROUTERS` is what the app includes, in the loop's order."""

from __future__ import annotations

from fastapi import APIRouter

from learnloop.web.routes import api, atlas, focus, gaps, history, home, jobs, lab, pictures, practice, project, study

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    atlas.router,
    focus.router,
    study.router,
    practice.router,
    project.router,
    gaps.router,
    lab.router,
    history.router,
    jobs.router,
    pictures.router,
    api.router,
)
