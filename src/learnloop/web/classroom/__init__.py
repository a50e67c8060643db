"""The class server's pages: signing in and out, joining a class, a student's account, and the teacher's
classes (the class view, invites, the roster, a student's loop read-only). Only ``serve --class`` has them."""

from __future__ import annotations

from fastapi import APIRouter

from learnloop.web.classroom import account, signin, teacher

# Pages anyone may open (they need no session): sign in, join with a code.
OPEN_ROUTERS: tuple[APIRouter, ...] = (signin.router,)
# Pages of a signed-in learner (a student's account) or a teacher (their classes).
CLASS_ROUTERS: tuple[APIRouter, ...] = (account.router, teacher.router)
