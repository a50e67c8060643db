"""People on a class server under test: accounts made through the classroom functions, and one browser (a
TestClient with its own cookies) per person, signed in through the real sign-in form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from learnloop.config import Settings

LOCAL = "http://127.0.0.1"
PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf" value="([0-9a-f]+)"')
_ALERT = re.compile(r'role="alert"[^>]*>(.*?)</p>', re.S)


def alert(response: Any) -> str | None:
    import html

    found = _ALERT.findall(response.text)
    return html.unescape(re.sub(r"<[^>]+>", "", found[0])).strip() if found else None


class Browser:
    """One person's browser on the class server: its own cookies, the CSRF token of the pages it got."""

    def __init__(self, app: Any, who: str = "") -> None:
        self.client = TestClient(app, base_url=LOCAL, follow_redirects=False)
        self.client.__enter__()
        self.who = who
        self.learner_id: int | None = None

    def token(self) -> str:
        page = self.client.get("/login")
        if page.status_code == 303:
            page = self.client.get("/account")
        found = _TOKEN.search(page.text)
        assert found, f"no form token on the page ({page.status_code})"
        return found.group(1)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={"csrf": self.token(), **(data or {})}, **kwargs)

    def sign_in(self, login: str, password: str = PASSWORD) -> Any:
        response = self.post("/login", {"login": login, "password": password, "next": "/"})
        assert response.status_code == 303, (response.status_code, alert(response))
        return response

    def close(self) -> None:
        self.client.__exit__(None, None, None)


@dataclass
class ClassServer:
    """The app, and a way to make accounts as `learnloop class init` / `class teacher` do."""

    app: Any
    settings: Settings
    browsers: list[Browser] = field(default_factory=list)

    @property
    def store(self) -> Any:
        return self.app.state.server.store

    def account(self, login: str, role: str = "student", name: str | None = None) -> int:
        from learnloop import config
        from learnloop.classroom.accounts import create_learner

        with self.store.across_learners() as session:
            learner = create_learner(
                session,
                login=login,
                name=name or login.title(),
                email=f"{login}@school.example",
                role=role,
                password=PASSWORD,
                origin="server",
                now=config.now(),
            )
            return learner.id

    def browser(self, login: str | None = None) -> Browser:
        browser = Browser(self.app, login or "")
        self.browsers.append(browser)
        if login is not None:
            browser.sign_in(login)
            with self.store.across_learners() as session:
                from sqlalchemy import select

                from learnloop.store.models import Learner

                browser.learner_id = session.scalar(select(Learner.id).where(Learner.login == login))
        return browser

    def new_class(self, teacher: Browser, name: str = "ML top-down") -> int:
        response = teacher.post("/classes", {"name": name})
        assert response.status_code == 303, alert(response)
        return int(response.headers["location"].split("/")[2].split("?")[0])

    def invite(self, teacher: Browser, classroom_id: int, days: int = 14) -> str:
        page = teacher.post(f"/classes/{classroom_id}/invite", {"days": str(days)})
        assert page.status_code == 200, alert(page)
        found = re.search(r'<strong class="code">([^<]+)</strong>', page.text)
        assert found, "the new code is on the page"
        return found.group(1)

    def join(self, student: Browser, code: str) -> None:
        response = student.post("/join", {"code": code})
        assert response.status_code == 303, alert(response)


def make_app(settings: Settings, **options: Any) -> Any:
    from learnloop.web.app import WebOptions, create_app

    return create_app(settings, options=WebOptions(class_mode=True, **options))
