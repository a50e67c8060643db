"""One small router per page; :data:`ROUTERS` is what the app includes, in the loop's order."""

from __future__ import annotations

from fastapi import APIRouter

from learnloop.web.routes import (
    atlas,
    basics,
    focus,
    gaps,
    history,
    home,
    jobs,
    lab,
    pictures,
    practice,
    project,
    study,
)

ROUTERS: tuple[APIRouter, ...] = (
    basics.router,
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
)

# Routers that answer without a learner even on a class server (create_app adds no sign-in to them).
PUBLIC_ROUTERS: tuple[APIRouter, ...] = (basics.router,)
