"""The app as a whole: health, error pages, security headers, CSRF on every POST, the upload cap."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from learnloop.config import resolve_settings
from learnloop.web.app import create_app
from learnloop.web.render import CSRF_COOKIE

from .conftest import Web, alert


def test_healthz_is_a_constant(web: Web) -> None:
    response = web.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


def test_unknown_page_is_a_404_with_one_line(web: Web) -> None:
    response = web.get("/no/such/page")
    assert response.status_code == 404
    assert alert(response) == "there is no page at /no/such/page"
    assert response.text.count('role="alert"') == 1


def test_pages_carry_security_headers_and_set_the_csrf_cookie(web: Web) -> None:
    response = web.get("/lab")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert CSRF_COOKIE in response.cookies or web.client.cookies.get(CSRF_COOKIE)
    cookie = response.headers.get("set-cookie", "")
    if cookie:
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_post_without_token_is_refused_and_writes_nothing(web: Web) -> None:
    web.get("/")
    before = web.rows()
    response = web.client.post("/start", data={})
    assert response.status_code == 403
    assert "expired or came from another site" in (alert(response) or "")
    assert web.rows() == before


def test_post_with_a_forged_token_is_refused(web: Web) -> None:
    web.token()
    response = web.client.post("/start", data={"csrf": "0" * 64})
    assert response.status_code == 403
    assert web.rows()["passes"] == []


def test_token_of_another_browser_does_not_work_here(web: Web) -> None:
    token = web.token()
    web.client.cookies.set(CSRF_COOKIE, "A" * 32)  # another browser's secret: the token no longer matches
    response = web.client.post("/start", data={"csrf": token})
    assert response.status_code == 403
    assert web.rows()["passes"] == []


def test_token_from_another_server_is_refused(web: Web, home: Path, tmp_path: Path) -> None:
    """Each home signs with its own key: a page served by another learner's server cannot post here."""
    other = create_app(resolve_settings(tmp_path / "other-home"))
    with TestClient(other, base_url="http://127.0.0.1") as client:
        foreign = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/lab").text)
        assert foreign
        cookie = client.cookies.get(CSRF_COOKIE)
    web.client.cookies.set(CSRF_COOKIE, cookie or "")
    response = web.client.post("/start", data={"csrf": foreign.group(1)})
    assert response.status_code == 403


def test_missing_field_and_bad_number_are_one_line_not_json(web: Web) -> None:
    web.to_step(4)
    assert web.refused("/project/extend", {"reason": "exams"}) == "fill in the number of days"
    assert (
        web.refused("/project", {"title": "x", "days": "ten", "dataset": "penguins"})
        == "the number of days must be a whole number"
    )


def test_get_on_a_form_route_says_use_the_buttons(web: Web) -> None:
    response = web.get("/start")
    assert response.status_code == 405
    assert "use the buttons" in (alert(response) or "")


def test_body_over_the_cap_is_refused_before_parsing(home: Path) -> None:
    app = create_app(resolve_settings(), max_upload_bytes=1024)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        page = client.get("/lab").text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert token
        big = b"a,b\n" + b"1,2\n" * 30_000
        response = client.post(
            "/lab/baseline",
            data={"csrf": token.group(1), "target": "b"},
            files={"upload": ("big.csv", big, "text/csv")},
        )
        assert response.status_code == 413
        assert "too large" in response.text
        assert list(app.state.server.jobs.recent()) == []


def test_server_cleans_its_picture_folder_on_shutdown(home: Path) -> None:
    app = create_app(resolve_settings())
    folder = app.state.server.pictures.folder
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/healthz").status_code == 200
        assert folder.is_dir()
    assert not folder.exists()


def test_a_bug_is_one_line_and_a_500_not_a_traceback(home: Path, monkeypatch: object) -> None:
    import learnloop.loop.history as history

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the history broke")

    monkeypatch.setattr(history, "history", broken)  # type: ignore[attr-defined]
    with TestClient(
        create_app(resolve_settings()), raise_server_exceptions=False, base_url="http://127.0.0.1"
    ) as client:
        response = client.get("/history")
    assert response.status_code == 500
    assert alert(response) == (
        "learnloop hit a bug (RuntimeError: the history broke); nothing was saved for this "
        "action, and the server's log has the details"
    )
    assert "Traceback" not in response.text


def test_every_form_route_checks_the_token() -> None:
    from fastapi import APIRouter

    from learnloop.web.deps import PageRouter, unguarded_routes
    from learnloop.web.routes import ROUTERS

    posts = [r for router in ROUTERS for r in router.routes if "POST" in getattr(r, "methods", ())]
    assert len(posts) >= 20 and unguarded_routes(ROUTERS) == []
    careless, careful = APIRouter(), PageRouter()
    careless.post("/oops")(lambda: None)
    careful.post("/fine")(lambda: None)
    assert unguarded_routes([careless, careful]) == ["POST /oops"]
