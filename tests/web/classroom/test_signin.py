"""Signing in and out of a class server: the cookie, the rate limit's message, redirects, the laptop unchanged."""

from __future__ import annotations

from typing import Any

from tests.web.classroom.people import PASSWORD, ClassServer, alert, make_app


def test_pages_need_a_signed_in_learner(class_server: Any) -> None:
    browser = class_server.browser()
    for path in ("/", "/map", "/gaps", "/project", "/account", "/classes", "/jobs"):
        response = browser.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
    assert browser.get("/gaps").headers["location"] == "/login?next=/gaps"
    assert browser.get("/healthz").status_code == 200  # the load balancer's check needs no one
    assert browser.get("/login").status_code == 200


def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_it(class_server: Any) -> None:
    class_server.account("sam")
    browser = class_server.browser()
    response = browser.sign_in("sam")
    cookie = response.headers["set-cookie"]
    assert "learnloop_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP, not told it is behind TLS
    assert browser.get("/gaps").status_code == 200
    out = browser.post("/logout")
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert browser.get("/gaps").status_code == 303
    with class_server.store.across_learners() as session:
        from sqlalchemy import func, select

        from learnloop.store.models import WebSession

        assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_the_cookie_is_secure_behind_tls(home: Any) -> None:
    from fastapi.testclient import TestClient

    from learnloop.config import resolve_settings

    app = make_app(resolve_settings(), behind_tls=True)
    server = ClassServer(app=app, settings=resolve_settings())
    with TestClient(app, base_url="http://127.0.0.1"):
        server.account("sam")
        browser = server.browser()
        assert "Secure" in browser.sign_in("sam").headers["set-cookie"]
        browser.close()
    https = ClassServer(app=make_app(resolve_settings()), settings=resolve_settings())
    with TestClient(https.app, base_url="https://127.0.0.1") as client:
        page = client.get("/login")
        import re

        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
        signed = client.post(
            "/login", data={"csrf": token, "login": "sam", "password": PASSWORD}, follow_redirects=False
        )
        assert signed.status_code == 303 and "Secure" in signed.headers["set-cookie"]


def test_wrong_password_and_unknown_login_read_the_same(class_server: Any) -> None:
    class_server.account("sam")
    browser = class_server.browser()
    wrong = browser.post("/login", {"login": "sam", "password": "not the password"})
    unknown = browser.post("/login", {"login": "nobody", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    assert alert(wrong) == alert(unknown) and alert(wrong)
    assert 'value="sam"' in wrong.text  # what was typed comes back, never the password
    assert "not the password" not in wrong.text


def test_too_many_failures_say_when_to_try_again(class_server: Any) -> None:
    class_server.account("sam")
    browser = class_server.browser()
    for _ in range(5):
        browser.post("/login", {"login": "sam", "password": "wrong password!"})
    limited = browser.post("/login", {"login": "sam", "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    message = alert(limited)
    assert message and "try again in" in message and "minute" in message


def test_next_goes_back_only_to_this_site(class_server: Any) -> None:
    class_server.account("sam")
    browser = class_server.browser()
    for target, expected in (("/gaps", "/gaps"), ("//evil.example/x", "/"), ("https://evil.example", "/")):
        browser.client.cookies.clear()
        response = browser.post("/login", {"login": "sam", "password": PASSWORD, "next": target})
        assert response.headers["location"] == expected, target


def test_a_teacher_lands_on_their_classes(class_server: Any) -> None:
    class_server.account("tess", role="teacher")
    teacher = class_server.browser()
    assert teacher.sign_in("tess").headers["location"] == "/classes"
    assert teacher.get("/").headers["location"] == "/classes"


def test_forms_still_need_the_csrf_token(class_server: Any) -> None:
    class_server.account("sam")
    browser = class_server.browser("sam")
    refused = browser.client.post("/gaps", data={"text": "what is a kernel?"})
    assert refused.status_code == 403
    other_site = browser.client.post(
        "/gaps", data={"csrf": browser.token(), "text": "x"}, headers={"Origin": "http://evil.example"}
    )
    assert other_site.status_code == 403
    assert browser.get("/gaps", headers={"Host": "evil.example"}).status_code == 400


def test_the_laptops_server_has_no_sign_in(web: Any) -> None:
    assert web.get("/").status_code == 200
    assert web.get("/login").status_code == 404
    assert web.get("/classes").status_code == 404


def test_the_join_page_opens_for_someone_new(class_server: Any) -> None:
    page = class_server.browser().get("/join?code=ABCD-EFGH")
    assert page.status_code == 200 and 'value="ABCD-EFGH"' in page.text and 'name="password"' in page.text
