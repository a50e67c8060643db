"""The JSON API's guard: a Bearer token names a live access token; anything else is one JSON line, 401."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fastapi import Request
from fastapi.testclient import TestClient

from learnloop.config import resolve_settings
from learnloop.store.models import AccessToken, Learner
from learnloop.web.deps import ApiRouter, check_token, token_digest, unguarded_routes

LOCAL = "http://127.0.0.1"


def _app_with_api():  # type: ignore[no-untyped-def]
    from learnloop.web.app import create_app

    router = ApiRouter(prefix="/api/test")

    @router.get("/me")
    def me(request: Request) -> dict[str, int]:
        return {"learner": request.state.learner_id}

    @router.put("/thing")
    def thing(request: Request) -> dict[str, int]:
        return {"learner": request.state.learner_id}

    app = create_app(resolve_settings())
    app.include_router(router)
    return app, router


def _token(app, *, revoked: bool = False) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with app.state.server.store.across_learners() as session:
        learner = Learner(login=f"s{secrets.token_hex(3)}", name="Sam", role="student", origin="laptop", created_at=now)
        session.add(learner)
        session.flush()
        session.add(
            AccessToken(
                learner_id=learner.id, digest=token_digest(token), created_at=now, revoked_at=now if revoked else None
            )
        )
        return token, learner.id


def test_api_router_routes_all_depend_on_the_token(home) -> None:  # type: ignore[no-untyped-def]
    _app, router = _app_with_api()
    assert unguarded_routes([router]) == []  # a PUT guarded by the token needs no CSRF token
    for route in router.routes:
        assert any(d.call is check_token for d in route.dependant.dependencies)  # type: ignore[attr-defined]


def test_a_live_token_names_its_learner_and_others_get_one_json_line(home) -> None:  # type: ignore[no-untyped-def]
    app, _router = _app_with_api()
    with TestClient(app, base_url=LOCAL) as client:
        token, learner_id = _token(app)
        stale, _ = _token(app, revoked=True)
        ok = client.get("/api/test/me", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json() == {"learner": learner_id}
        assert client.put("/api/test/thing", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        for headers in (
            {},
            {"Authorization": "Bearer nope"},
            {"Authorization": f"Bearer {stale}"},
            {"Authorization": f"Basic {token}"},
        ):
            refused = client.put("/api/test/thing", headers=headers)
            assert refused.status_code == 401
            assert refused.headers["content-type"].startswith("application/json")
            body = refused.json()
            assert "\n" not in body["error"] and body["status"] == 401
        with app.state.server.store.across_learners() as session:
            row = session.query(AccessToken).filter_by(learner_id=learner_id).one()
            assert row.last_used_at is not None
