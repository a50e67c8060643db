"""DNS rebinding and cross-site forms: only our host names are answered, only our own pages may post."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from learnloop.web.guard import allowed_hosts, host_name

from .conftest import Web


def every_route(web: Web) -> list[tuple[str, str]]:
    """(method, path) for every route of the app, path parameters filled in."""
    from learnloop.web.routes import ROUTERS

    found = [("GET", "/static/style.css")]
    for route in (r for router in ROUTERS for r in router.routes):
        if not isinstance(route, APIRoute):
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        found += [(method, path) for method in sorted(route.methods)]
    return found


def test_a_foreign_host_gets_400_on_every_route(web: Web) -> None:
    web.ok("/start")
    routes = every_route(web)
    assert len(routes) > 40
    token = web.token()
    for method, path in routes:
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.", ""):
            if host == "localhost.":  # a trailing dot is the same name
                continue
            response = web.client.request(
                method, path, headers={"Host": host}, data={"csrf": token} if method == "POST" else None
            )
            assert response.status_code == 400, (method, path, host, response.status_code)
            assert "answers only the names it was started for" in response.text
            assert response.headers["x-frame-options"] == "DENY"
            assert "content-security-policy" in response.headers


def test_our_names_are_answered(web: Web) -> None:
    for host in ("127.0.0.1", "127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"):
        assert web.get("/healthz", headers={"Host": host}).status_code == 200, host


def test_allowed_names_parse() -> None:
    assert host_name("[::1]:8000") == "::1" and host_name("Example.ORG:80") == "example.org"
    hosts = allowed_hosts(["box.lan", "[fe80::1]", "10.0.0.2:8000", "fe80::2"])
    assert {"box.lan", "fe80::1", "10.0.0.2", "fe80::2", "127.0.0.1", "localhost", "::1"} == hosts


@pytest.mark.parametrize(
    "header",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://evil.example:8000"},
        {"Referer": "http://evil.example/page"},
        {"Origin": "http://127.0.0.1.evil.example"},
        {"Origin": "file://"},
    ],
)
def test_cross_origin_post_is_refused_even_with_a_valid_token(web: Web, header: dict[str, str]) -> None:
    before = web.rows()
    response = web.client.post("/start", data={"csrf": web.token()}, headers=header)
    assert response.status_code == 403
    assert "came from another site" in response.text
    assert web.rows() == before


def test_same_origin_post_is_done(web: Web) -> None:
    response = web.client.post(
        "/start",
        data={"csrf": web.token()},
        headers={"Origin": "http://127.0.0.1:8000", "Referer": "http://127.0.0.1:8000/"},
    )
    assert response.status_code == 200
    assert len(web.rows()["passes"]) == 1


def test_head_is_answered_like_get_without_a_body(web: Web) -> None:
    for path in ("/", "/map", "/healthz", "/gaps"):
        response = web.client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""
