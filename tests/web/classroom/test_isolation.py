"""THE isolation test: two students and two teachers on one class server; every route of the app is called
(GET and POST, with the other's ids in the path), and each foreign access is refused with 404 (not 403, so an id
says nothing about what exists). A learner's own pages never show another's records, and nothing any walk does
changes another's records. A route added to the app without an expectation below fails
:func:`test_every_route_has_an_expectation`: whoever adds a route says how it is isolated.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from tests.web.classroom.people import PASSWORD, Browser

# How each route is isolated (METHOD path -> kind):
#   public    answers anyone (no records behind it)
#   own       the signed-in learner's own records only; no learner record id in the path
#   atlas     ids in the path are the map's, the exercises' or the ladders' (shared, read-only knowledge)
#   foreign   a learner record id in the path: another's id is "no such thing" (404)
#   teacher   a teacher's page: a student gets 404, another teacher's class or a student outside the class 404
#   api       the sync API: a Bearer token, never a cookie (401 without one)
EXPECTED: dict[str, str] = {
    "GET /healthz": "public",
    "GET /favicon.ico": "public",
    "GET /login": "public",
    "POST /login": "public",
    "POST /logout": "public",
    "GET /join": "public",
    "POST /join": "public",
    "GET /": "own",
    "POST /start": "own",
    "GET /gap/deadline.ics": "own",
    "POST /map/{topic_id}/mark": "atlas",
    "POST /interests/keep": "own",
    "POST /next": "own",
    "POST /pass/close": "own",
    "GET /map": "own",
    "GET /datasets": "own",
    "GET /map/{topic_id}": "atlas",
    "GET /resources": "own",
    "GET /focus": "own",
    "POST /interests": "own",
    "POST /focus": "own",
    "GET /focus/{focus_id}": "atlas",
    "GET /study": "own",
    "POST /reference": "own",
    "POST /reference/{reference_id}/edit": "foreign",
    "POST /reference/{reference_id}/delete": "foreign",
    "POST /notes": "own",
    "POST /notes/{note_id}/edit": "foreign",
    "POST /notes/{note_id}/delete": "foreign",
    "POST /study": "own",
    "GET /exercises": "own",
    "GET /exercises/{key}": "atlas",
    "POST /exercises/{key}/start": "atlas",
    "POST /exercises/{key}/check": "atlas",
    "GET /ladders": "own",
    "GET /ladders/{name}/{level}": "atlas",
    "POST /ladders/{name}/{level}/copy": "atlas",
    "POST /ladders/{name}/{level}/run": "atlas",
    "GET /project": "own",
    "POST /project": "own",
    "POST /project/checkin": "own",
    "POST /project/extend": "own",
    "POST /project/done": "own",
    "POST /project/drop": "own",
    "GET /project/deadline.ics": "own",
    "GET /gaps": "own",
    "POST /gaps": "own",
    "POST /gaps/{gap_id}/move": "foreign",
    "POST /gaps/{gap_id}/edit": "foreign",
    "POST /gaps/{gap_id}/delete": "foreign",
    "POST /gaps/{gap_id}/keep": "foreign",
    "POST /gaps/done": "own",
    "POST /gaps/extend": "own",
    "POST /gaps/drop": "own",
    "GET /lab": "own",
    "POST /lab/baseline": "own",
    "POST /lab/try/{model_id}": "atlas",
    "GET /history": "own",
    "GET /export": "own",
    "POST /import": "own",
    "GET /jobs": "own",
    "GET /jobs/{job_id}": "foreign",
    "POST /jobs/{job_id}/cancel": "foreign",
    "GET /jobs/{job_id}/files/{name}": "foreign",
    "GET /pictures/{name}": "foreign",
    "GET /account": "own",
    "POST /account/password": "own",
    "GET /account/export": "own",
    "POST /account/delete": "own",
    "GET /classes": "teacher",
    "POST /classes": "teacher",
    "GET /classes/{classroom_id}": "teacher",
    "GET /classes/{classroom_id}/export.csv": "teacher",
    "POST /classes/{classroom_id}/invite": "teacher",
    "POST /classes/{classroom_id}/roster": "teacher",
    "POST /classes/{classroom_id}/settings": "teacher",
    "GET /classes/{classroom_id}/students/{student_id}": "teacher",
    "POST /classes/{classroom_id}/students/{student_id}/remove": "teacher",
    "POST /classes/{classroom_id}/students/{student_id}/password": "teacher",
    # The sync API (branch sync), by the contract's names: token-authenticated.
    "POST /api/v1/join": "public",
    "PUT /api/v1/progress": "api",
    "GET /api/v1/me": "api",
}
ATLAS_IDS = {
    "topic_id": "svm",
    "focus_id": "tabular-prediction",
    "key": "1",
    "name": "penguins",
    "level": "1",
    "model_id": "ridge",
}
SECRET = "zq-secret-of-{}"  # a marker in each student's records that no one else's page may show
NAME = "Zq-name-of-{}"  # and in their name (a page's header names who is signed in)
# A valid form for the routes that check their fields before their ids, so the walk reaches the id lookup.
FORMS = {
    "/account/delete": {"password": "not my password"},
    "/login": {"login": "x", "password": "y"},
    "/gaps/{gap_id}/move": {"direction": "up"},
    "/gaps/{gap_id}/edit": {"text": "taken over"},
    "/gaps/{gap_id}/keep": {"days": "2"},
    "/reference/{reference_id}/edit": {"source": "tkipf/pygcn", "why": "taken over"},
    "/notes/{note_id}/edit": {"text": "taken over", "kind": "pattern"},
    "/classes/{classroom_id}/invite": {"days": "3"},
    "/classes/{classroom_id}/settings": {"inactive_days": "3"},
}


def walk(routes: Any, prefix: str = "", guards: tuple[Any, ...] = ()) -> list[tuple[str, str, tuple[Any, ...]]]:
    """Every (method, path, dependencies) the app answers, through the routers it included (FastAPI keeps an
    included router as one entry with its include options) and the dependencies the route and its
    inclusions add."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            calls = guards + tuple(d.call for d in route.dependant.dependencies)
            for method in sorted(route.methods - {"HEAD"}):
                found.append((method, prefix + route.path, calls))
        elif hasattr(route, "original_router"):  # an included router
            context = route.include_context
            added = tuple(getattr(d, "dependency", d) for d in (context.dependencies or ()))
            found += walk(route.original_router.routes, prefix + (context.prefix or ""), guards + added)
    return found


def routes(app: Any) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _calls in walk(app.routes)]


def fill(path: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), ATLAS_IDS.get(m.group(1), "1"))), path)


class World:
    """Teacher tess teaches ana (class one); teacher tom teaches ben (class two). Ana, ben and tess have records."""

    def __init__(self, server: Any) -> None:
        self.server = server
        for login, role in (("tess", "teacher"), ("tom", "teacher"), ("ana", "student"), ("ben", "student")):
            server.account(login, role=role, name=NAME.format(login))
        self.tess, self.tom = server.browser("tess"), server.browser("tom")
        self.ana, self.ben = server.browser("ana"), server.browser("ben")
        self.one = server.new_class(self.tess, "Class one")
        self.two = server.new_class(self.tom, "Class two")
        server.join(self.ana, server.invite(self.tess, self.one))
        server.join(self.ben, server.invite(self.tom, self.two))
        # The teacher keeps a loop of her own too, so her walk reaches the id lookups (not "start a pass first").
        self.ids = {login: self.records_of(getattr(self, login), login) for login in ("ana", "ben", "tess")}
        self.ids["ana"]["classroom_id"] = self.one
        self.ids["ben"]["classroom_id"] = self.two

    def records_of(self, who: Browser, login: str) -> dict[str, Any]:
        """Give the student a pass, a reference, a note, a gap, a job and a picture; their ids."""
        secret = SECRET.format(login)
        for path, data in (
            ("/start", {}),
            ("/focus", {"focus_id": "tabular-prediction"}),
            ("/next", {}),
            ("/reference", {"source": "tkipf/pygcn", "why": secret}),
            ("/notes", {"text": secret, "kind": "pattern"}),
            ("/gaps", {"text": secret}),
        ):
            response = who.post(path, data)
            assert response.status_code == 303, (login, path, response.status_code)
        from sqlalchemy import select

        from learnloop.store.models import Gap, Note, Reference

        store = self.server.store
        with store.read(who.learner_id) as session:
            ids = {
                "gap_id": session.scalars(select(Gap.id)).one(),
                "note_id": session.scalars(select(Note.id)).one(),
                "reference_id": session.scalars(select(Reference.id)).one(),
            }
        board = self.server.app.state.server.jobs
        job = board.submit("check", f"job of {login}", lambda progress: {"ok": True}, learner_id=who.learner_id)
        board.wait(job.id, timeout=30)
        ids["job_id"] = job.id
        picture = f"descent-{login}.png"
        server = self.server.app.state.server
        server.for_learner(who.learner_id).pictures.path_for(picture).write_bytes(b"\x89PNG fake")
        assert who.get(f"/pictures/{picture}").status_code == 200  # the owner sees it
        ids["name"] = picture
        ids["student_id"] = who.learner_id
        return ids

    def rows_of(self, learner_id: int) -> dict[str, list[Any]]:
        """Every row of a learner's records, table by table (what no one else may change)."""
        from sqlalchemy import select

        from learnloop.store.models import Base

        rows: dict[str, list[Any]] = {}
        with self.server.store.across_learners() as session:
            for table in Base.metadata.sorted_tables:
                if "learner_id" in table.c and table.name not in ("memberships", "access_tokens", "web_sessions"):
                    found = session.execute(select(table).where(table.c.learner_id == learner_id)).all()
                    rows[table.name] = sorted((tuple(r) for r in found), key=repr)
        return rows


def call(who: Browser, method: str, path: str, template: str | None = None) -> Any:
    if method == "GET":
        return who.get(path)
    if method == "PUT":
        return who.client.put(path, json={})
    return who.post(path, dict(FORMS.get(template or path, {})))


NO_SUCH_ID = {
    "gap_id": 987654,
    "note_id": 987654,
    "reference_id": 987654,
    "job_id": "no-such-job",
    "name": "no-such.png",
    "classroom_id": 987654,
    "student_id": 987654,
}


def same_as_no_such_id(who: Browser, method: str, path: str, response: Any) -> bool:
    """A form refused before its id is looked up (a step's rule first: "a gap is kept at step 5") gives the same
    refusal for every id: no id is revealed. Such a refusal must be a refusal (4xx), and word for word the one
    an id that exists nowhere gets."""
    from tests.web.classroom.people import alert

    if not 400 <= response.status_code < 500:
        return False
    control = call(who, method, fill(path, NO_SUCH_ID), path)
    return control.status_code == response.status_code and alert(control) == alert(response)


def test_every_route_has_an_expectation(class_server: Any) -> None:
    """A new route fails here until it is listed in EXPECTED (and so walked below)."""
    app_routes = {f"{m} {p}" for m, p in routes(class_server.app)}
    missing = sorted(app_routes - set(EXPECTED))
    assert not missing, f"routes without an isolation expectation in {__name__}.EXPECTED: {missing}"
    laptop_only = sorted(set(EXPECTED) - app_routes - {k for k in EXPECTED if k.split()[1].startswith("/api/")})
    assert not laptop_only, f"EXPECTED lists routes the class server does not have: {laptop_only}"


def test_every_route_that_is_not_public_needs_someone(class_server: Any) -> None:
    """The structural half: every learner route depends on the signed-in learner, every teacher route on the
    teacher, every API route on the token (one dependency each, so no route can forget)."""
    from learnloop.web.deps import check_token, require_learner, require_teacher

    needs = {
        "own": require_learner,
        "atlas": require_learner,
        "foreign": require_learner,
        "teacher": require_teacher,
        "api": check_token,
    }
    for method, path, calls in walk(class_server.app.routes):
        kind = EXPECTED[f"{method} {path}"]
        if kind == "public":
            continue
        if kind == "api":
            assert any(c is check_token or getattr(c, "guards_api", False) for c in calls), (method, path)
            assert require_learner not in calls, (method, path, "the API takes no cookie")
            continue
        assert needs[kind] in calls or require_teacher in calls, (method, path, kind)


def _walk(server: Any) -> None:
    world = World(server)
    ben_before = world.rows_of(world.ben.learner_id)
    ana_before = world.rows_of(world.ana.learner_id)
    ben_secret = SECRET.format("ben")
    checked = 0
    wrong: list[tuple[Any, ...]] = []  # every refusal that is not a 404, listed at once
    for method, path in routes(server.app):
        kind = EXPECTED[f"{method} {path}"]
        if kind == "foreign":
            for attacker, victim in ((world.ana, "ben"), (world.ben, "ana"), (world.tess, "ben"), (world.tess, "ana")):
                target = fill(path, world.ids[victim])
                response = call(attacker, method, target, path)
                if response.status_code != 404 and not same_as_no_such_id(attacker, method, path, response):
                    wrong.append((attacker.who, method, target, response.status_code))
                checked += 1
        elif kind == "teacher":
            foreign = [
                (world.ana, fill(path, world.ids["ana"])),  # a student, even on her own class's pages
                (world.tess, fill(path, world.ids["ben"])),  # another teacher's class and student
                (world.tess, fill(path, {**world.ids["ben"], "classroom_id": world.one})),  # a student not in it
            ]
            for attacker, target in foreign:
                if attacker is world.tess and ("{" not in path or target == fill(path, world.ids["ana"])):
                    continue  # the teacher's own list and create-a-class pages are hers
                if (
                    attacker is world.tess
                    and "{student_id}" not in path
                    and "classroom_id" in path
                    and target.startswith(f"/classes/{world.one}/")
                ):
                    continue
                response = call(attacker, method, target, path)
                if response.status_code != 404:
                    wrong.append((attacker.who, method, target, response.status_code))
                checked += 1
        elif kind == "api":
            response = call(world.ana, method, path)  # a browser's cookie is no token
            assert response.status_code == 401, (method, path, response.status_code)
            checked += 1
        elif kind in ("own", "atlas") and method == "GET":
            for who, other in ((world.ana, "ben"), (world.ben, "ana"), (world.tess, "ben"), (world.ana, "ana")):
                response = call(who, method, fill(path, {}))
                assert response.status_code < 500, (who.who, path, response.status_code)
                if other == who.who:
                    continue  # the last round: ana again, after ben's and tess's visits filled any cache
                for marker in (SECRET.format(other), NAME.format(other)):
                    assert marker not in response.text, (who.who, path, f"shows {other}'s records or name")
                checked += 1
            again = call(world.ben, method, fill(path, {}))  # after ana's visit: nothing of hers kept for him
            assert SECRET.format("ana") not in again.text and NAME.format("ana") not in again.text, path
        elif kind in ("own", "atlas"):  # a form: whatever it does, it does to the sender's own records
            response = call(world.ana, method, fill(path, {}))
            assert response.status_code < 500, (path, response.status_code, response.text[:300])
            assert ben_secret not in response.text
            checked += 1
            if path == "/logout":
                world.ana.sign_in("ana")
    assert not wrong, f"foreign accesses not refused with 404: {wrong}"
    assert world.rows_of(world.ben.learner_id) == ben_before, "a walk by others changed ben's records"
    assert world.ben.get("/gaps").text.count(ben_secret) >= 1
    # The teacher reads her own student, read-only: ana's records did not move through her walk either.
    assert world.tess.get(f"/classes/{world.one}/students/{world.ana.learner_id}").status_code == 200
    assert ana_before  # ana's own walk may change her own records; nobody else's walk touched ben's
    assert checked > 100


def test_every_foreign_access_is_refused_with_404(class_server: Any) -> None:
    _walk(class_server)


@pytest.mark.postgres
def test_isolation_on_postgresql(pg_class_server: Any) -> None:
    _walk(pg_class_server)


def test_the_password_is_never_in_a_page(class_server: Any) -> None:
    class_server.account("ana")
    ana = class_server.browser("ana")
    assert PASSWORD not in ana.get("/account").text
