"""A test client over the real app, with the CSRF token filled in, and a look at the database."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from learnloop.config import Settings, resolve_settings

LOCAL = "http://127.0.0.1"  # the server answers only the names it was started for
_TOKEN = re.compile(r'name="csrf" value="([0-9a-f]+)"')
_ALERT = re.compile(r'role="alert"[^>]*>(.*?)</p>', re.S)


class Web:
    """The dashboard as a browser uses it: GET a page, POST its forms with the page's CSRF token."""

    def __init__(self, client: TestClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self._token: str | None = None

    @property
    def server_app(self) -> Any:
        """The FastAPI app under test (its routes)."""
        return self.client.app_under_test  # type: ignore[attr-defined]

    @property
    def server(self) -> Any:
        return self.client.app.state.server  # type: ignore[attr-defined]

    def token(self) -> str:
        if self._token is None:
            found = _TOKEN.search(self.client.get("/lab").text)
            assert found, "every page with a form carries the CSRF token"
            self._token = found.group(1)
        return self._token

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, *, follow: bool = True, **kwargs: Any) -> Any:
        """POST with the page's token; a form that starts a job (the project's scaffold) is followed to its end."""
        response = self.client.post(
            path, data={"csrf": self.token(), **(data or {})}, follow_redirects=follow, **kwargs
        )
        landed = response.url.path if follow else ""
        if landed.startswith("/jobs/") and path == "/project":
            job = self.server.jobs.wait(landed.removeprefix("/jobs/"), timeout=60)
            response = self.client.get("/project?notice=started" if job.state == "done" else landed)
        return response

    def ok(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST that must succeed: a redirect to a page that renders with no error."""
        response = self.post(path, data, **kwargs)
        assert response.status_code == 200, (path, response.status_code, alert(response))
        assert alert(response) is None, (path, alert(response))
        return response

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table of the learner's records (not the server's job records): compared before and
        after a refused form to show nothing was written."""
        with sqlite3.connect(self.settings.database_path) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite_%' AND name != 'jobs' ORDER BY name"
                )
            ]
            return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}

    def refused(self, path: str, data: dict[str, Any] | None = None, *, status: int = 400, **kwargs: Any) -> str:
        """POST bad input: the status asked, ONE error line on the page, and no change in the database."""
        before = self.rows()
        response = self.post(path, data, **kwargs)
        assert response.status_code == status, (path, response.status_code, alert(response))
        assert response.text.count('role="alert"') == 1, response.text
        assert self.rows() == before, f"{path} wrote to the database although it refused the form"
        message = alert(response)
        assert message
        return message

    # Walking the loop through the pages, as a learner would.
    def start(self, focus: str = "tabular-prediction") -> None:
        self.ok("/start")
        self.ok("/focus", {"focus_id": focus})

    def to_step(self, step: int, focus: str = "tabular-prediction") -> None:
        self.start(focus)
        if step >= 1:
            self.ok("/next")
        if step >= 2:
            self.ok("/reference", {"source": "tkipf/pygcn"})
            self.ok("/notes", {"text": "layers repeat", "kind": "pattern"})
            self.ok("/next")
        if step >= 3:
            self.ok("/next", {"skip": "true", "reason": "I write Python daily"})
        if step >= 4:
            self.ok("/next", {"skip": "true", "reason": "I know scikit-learn"})
        if step >= 5:
            self.ok("/project", {"title": "Penguins", "days": "10", "dataset": "penguins"})
            self.ok("/project/done", {"summary": "a tuned forest"})
            self.ok("/next")
        if step >= 6:
            self.ok("/gaps", {"text": "cross-validation"})
            gap_id = re.findall(r'action="/gaps/(\d+)/keep"', self.get("/gaps").text)[-1]
            self.ok(f"/gaps/{gap_id}/keep", {"days": "2"})
            self.ok("/gaps/done", {"learned": "k folds"})
            self.ok("/next")


def alert(response: Any) -> str | None:
    found = _ALERT.findall(response.text)
    if not found:
        return None
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", found[0])).strip()


@pytest.fixture
def web(home: Path) -> Iterator[Web]:
    from learnloop.web.app import create_app

    settings = resolve_settings()
    app = create_app(settings)
    with TestClient(app, base_url=LOCAL) as client:
        client.app_under_test = app  # type: ignore[attr-defined]
        yield Web(client, settings)
