"""The small defects: idempotent forms, CSRF across a restart, titled error pages, limits, HEAD, favicon."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from learnloop.config import resolve_settings
from learnloop.web.app import create_app

from .conftest import LOCAL, Web, alert

_NONCE = re.compile(r'name="nonce" value="([^"]+)"')


def _form(web: Web, page: str, action: str) -> dict[str, str]:
    """The hidden fields (token and nonce) of the form posting to ``action`` on ``page``."""
    html = web.get(page).text
    form = re.search(r'<form\b[^>]*action="' + re.escape(action) + r'"[^>]*>.*?</form>', html, re.S)
    assert form, (page, action)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0)))
    assert "csrf" in fields and "nonce" in fields
    return fields


def test_a_double_submit_makes_one_gap(web: Web) -> None:
    web.start()
    fields = {**_form(web, "/gaps", "/gaps"), "text": "what is a kernel"}
    first = web.client.post("/gaps", data=fields, follow_redirects=False)
    second = web.client.post("/gaps", data=fields, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    assert len(web.rows()["gaps"]) == 1
    other = {**_form(web, "/gaps", "/gaps"), "text": "what is a kernel"}  # a new page: a new nonce
    assert web.client.post("/gaps", data=other).status_code == 200
    assert len(web.rows()["gaps"]) == 2


def test_every_form_gets_its_own_nonce(web: Web) -> None:
    web.start()
    page = web.get("/study").text
    nonces = _NONCE.findall(page)
    assert len(nonces) == page.count('name="csrf"') and len(set(nonces)) == len(nonces)


def test_a_refused_form_can_be_sent_again_once_fixed(web: Web) -> None:
    web.start()
    fields = {**_form(web, "/gaps", "/gaps"), "text": "   "}
    assert web.client.post("/gaps", data=fields).status_code == 400
    fields["text"] = "now with words"
    assert web.client.post("/gaps", data=fields).status_code == 200
    assert len(web.rows()["gaps"]) == 1


def test_open_forms_still_work_after_a_restart(home: Path) -> None:
    settings = resolve_settings()
    with TestClient(create_app(settings), base_url=LOCAL) as before:
        page = before.get("/").text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert token
        cookie = before.cookies.get("learnloop_csrf")
    secret = settings.home / "web-secret"
    assert secret.is_file() and oct(secret.stat().st_mode & 0o777) == "0o600"
    with TestClient(create_app(settings), base_url=LOCAL) as after:  # the server was restarted
        after.cookies.set("learnloop_csrf", cookie or "")
        response = after.post("/start", data={"csrf": token.group(1)})
        assert response.status_code == 200, alert(response)


def test_error_pages_are_titled_by_what_happened(web: Web) -> None:
    missing = web.get("/no/such/page")
    assert missing.status_code == 404
    assert "<title>Not found · learnloop</title>" in missing.text
    assert "Nothing was changed" not in missing.text
    web.client.cookies.set("learnloop_csrf", "B" * 32)
    expired = web.client.post("/start", data={"csrf": "0" * 64})
    assert expired.status_code == 403 and "<title>Refused · learnloop</title>" in expired.text
    assert "Nothing was changed" in expired.text


def test_a_bad_form_is_titled_not_done(web: Web) -> None:
    web.start()
    response = web.post("/gaps", {"text": ""})
    assert response.status_code == 400 and "<title>" in response.text


def test_the_back_link_never_leaves_the_site(web: Web) -> None:
    for referer in (
        "http://127.0.0.1//evil.example/x",
        "http://evil.example/gaps",
        "//evil.example",
        "http://127.0.0.1/\\evil.example",
        "javascript:alert(1)",
    ):
        page = web.get("/no/such/page", headers={"Referer": referer}).text
        back = re.search(r'<a class="button secondary" href="([^"]*)">Back</a>', page)
        assert back and back.group(1) == "/", (referer, back and back.group(1))
    page = web.get("/no/such/page", headers={"Referer": "http://127.0.0.1/gaps?all=1"}).text
    assert 'href="/gaps?all=1">Back</a>' in page


def test_the_413_page_is_styled_and_carries_the_security_headers(home: Path) -> None:
    app = create_app(resolve_settings(), max_upload_bytes=1024)
    with TestClient(app, base_url=LOCAL) as client:
        response = client.post(
            "/lab/baseline", content=b"x" * 200_000, headers={"content-type": "application/x-www-form-urlencoded"}
        )
    assert response.status_code == 413
    assert '<link rel="stylesheet" href="/static/style.css">' in response.text and "<title>Too large" in response.text
    assert response.headers["x-frame-options"] == "DENY" and "content-security-policy" in response.headers


def test_favicon_and_head(web: Web) -> None:
    icon = web.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert web.client.head("/").status_code == 200


def test_text_past_the_limit_and_nul_bytes_are_refused(web: Web) -> None:
    web.start()
    assert "the limit is 2,000" not in web.refused("/gaps", {"text": "x" * 5001})
    assert "5,001 characters long; the limit is 5,000" in web.refused("/gaps", {"text": "x" * 5001})
    assert "NUL byte" in web.refused("/gaps", {"text": "a\x00b"})
    assert "the limit is 200" in web.refused("/gaps", {"text": "fine", "title": "t" * 201})


def test_nan_and_inf_budgets_are_refused(web: Web) -> None:
    for value in ("nan", "inf", "-inf", "1e999", "0", "-5"):
        assert "positive number of seconds" in web.refused("/lab/baseline", {"dataset": "penguins", "budget": value}), (
            value
        )
    assert web.server.jobs.recent() == []


def test_a_refused_form_comes_back_with_what_was_typed_beside_its_field(web: Web) -> None:
    web.start()
    page = web.client.post(
        "/lab/baseline",
        data={"csrf": web.token(), "dataset": "penguins", "budget": "nan", "target": "species", "cv": "4"},
        headers={"Referer": f"{LOCAL}/lab"},
    )
    assert page.status_code == 400
    assert page.text.count('role="alert"') == 1
    assert '<option value="penguins" selected' in page.text
    assert 'value="species"' in page.text and 'value="4"' in page.text and 'value="nan"' in page.text
    line = page.text.index('id="error-budget"')
    assert line < page.text.index('name="budget"')  # the message sits just above its field
    assert 'aria-invalid="true" aria-describedby="error-budget"' in page.text
