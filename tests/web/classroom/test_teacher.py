"""A teacher's pages: a class, its code, students joining, the class view, drill-down, CSV, roster, remove, reset."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from tests.web.classroom.people import PASSWORD, alert


def _class_with_students(server: Any, *logins: str) -> tuple[Any, int, list[Any]]:
    server.account("tess", role="teacher")
    teacher = server.browser("tess")
    classroom = server.new_class(teacher)
    code = server.invite(teacher, classroom)
    students = []
    for login in logins:
        server.account(login)
        student = server.browser(login)
        server.join(student, code)
        students.append(student)
    return teacher, classroom, students


def test_a_teacher_makes_a_class_and_a_code_and_sees_who_joined(class_server: Any) -> None:
    teacher, classroom, (ana,) = _class_with_students(class_server, "ana")
    ana.post("/start")
    listing = teacher.get("/classes")
    assert "ML top-down" in listing.text and f'href="/classes/{classroom}"' in listing.text
    page = teacher.get(f"/classes/{classroom}")
    assert page.status_code == 200
    assert "Ana" in page.text and "pass 1 · step 0" in page.text
    assert 'class="funnel"' in page.text and "<meter" in page.text
    code_page = teacher.post(f"/classes/{classroom}/invite", {"days": "3"})
    assert "Valid until" in code_page.text and "shown only now" in code_page.text
    assert teacher.get(f"/classes/{classroom}").text.count('class="code"') == 0  # shown once, never again


def test_a_new_student_joins_on_the_web_with_the_code(class_server: Any) -> None:
    class_server.account("tess", role="teacher")
    teacher = class_server.browser("tess")
    classroom = class_server.new_class(teacher)
    code = class_server.invite(teacher, classroom)
    newcomer = class_server.browser()
    bad = newcomer.post(
        "/join", {"code": "WRONG-CODE", "name": "Bo", "email": "bo@school.example", "password": PASSWORD}
    )
    assert bad.status_code >= 400 and alert(bad)
    joined = newcomer.post("/join", {"code": code, "name": "Bo", "email": "bo@school.example", "password": PASSWORD})
    assert joined.status_code == 303, alert(joined)
    assert newcomer.get("/gaps").status_code == 200  # signed in by joining
    assert "Bo" in teacher.get(f"/classes/{classroom}").text


def test_sort_filter_and_csv(class_server: Any) -> None:
    teacher, classroom, (ana, _ben) = _class_with_students(class_server, "ana", "ben")
    ana.post("/start")
    by_name = teacher.get(f"/classes/{classroom}?sort=name").text
    assert by_name.index("Ana") < by_name.index("Ben")
    step0 = teacher.get(f"/classes/{classroom}?step=0").text
    assert "Ana" in step0 and "Ben</a>" not in step0
    not_started = teacher.get(f"/classes/{classroom}?step=-1").text
    assert "Ben" in not_started and "Ana</a>" not in not_started
    assert teacher.get(f"/classes/{classroom}?sort=nonsense").status_code == 200
    exported = teacher.get(f"/classes/{classroom}/export.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert len(rows) == 3  # a header and one line per student
    assert {"Ana", "Ben"} <= {cell for row in rows[1:] for cell in row}


def test_drill_down_is_read_only(class_server: Any) -> None:
    teacher, classroom, (ana,) = _class_with_students(class_server, "ana")
    ana.post("/start")
    page = teacher.get(f"/classes/{classroom}/students/{ana.learner_id}")
    assert page.status_code == 200 and "Ana" in page.text and "Read-only" in page.text
    assert re.findall(r'<form method="post" action="([^"]+)"', page.text) == ["/logout"]


def test_roster_upload_refuses_bad_rows_with_line_numbers(class_server: Any) -> None:
    teacher, classroom, _ = _class_with_students(class_server)
    bad = b"name,email\nAna,ana@school.example\nno email here\nBen,ben@school.example\nCid,not-an-email\n"
    response = teacher.post(f"/classes/{classroom}/roster", files={"upload": ("roster.csv", bad, "text/csv")})
    assert response.status_code >= 400
    message = alert(response)
    assert message and "line 3" in message and "line 5" in message
    assert "Ana" not in teacher.get(f"/classes/{classroom}").text  # nothing half-imported
    good = b"name,email\nAna,ana@school.example\nBen,ben@school.example\n"
    done = teacher.post(f"/classes/{classroom}/roster", files={"upload": ("roster.csv", good, "text/csv")})
    assert done.status_code == 303, alert(done)
    page = teacher.get(f"/classes/{classroom}").text
    assert "Ana" in page and "Ben" in page


def test_remove_a_student_and_reset_a_password(class_server: Any) -> None:
    teacher, classroom, (ana, ben) = _class_with_students(class_server, "ana", "ben")
    reset = teacher.post(f"/classes/{classroom}/students/{ben.learner_id}/password")
    assert reset.status_code == 200
    new = re.search(r'id="reset-password">\s*<p>[^<]*<strong class="code">([^<]+)</strong>', reset.text)
    assert new, "the new password is shown once"
    assert ben.get("/gaps").status_code == 303  # his browser was signed out
    again = class_server.browser()
    again.sign_in("ben", new.group(1))
    removed = teacher.post(f"/classes/{classroom}/students/{ana.learner_id}/remove")
    assert removed.status_code == 303
    assert "Ana" not in teacher.get(f"/classes/{classroom}").text
    assert ana.get("/gaps").status_code == 200  # her account and records stay hers


def test_a_student_changes_password_exports_and_deletes(class_server: Any) -> None:
    _teacher, _classroom, (ana,) = _class_with_students(class_server, "ana")
    ana.post("/start")
    added = ana.post("/gaps", {"text": "what is a kernel?"})
    assert added.status_code == 303, alert(added)
    assert "ML top-down" in ana.get("/account").text
    wrong = ana.post("/account/password", {"old_password": "nope nope nope", "new_password": "another long one"})
    assert wrong.status_code == 400 and alert(wrong)
    changed = ana.post("/account/password", {"old_password": PASSWORD, "new_password": "another long one"})
    assert changed.status_code == 303
    exported = ana.get("/account/export")
    assert exported.status_code == 200 and "what is a kernel?" in exported.text and '"login": "ana"' in exported.text
    refused = ana.post("/account/delete", {"password": "wrong"})
    assert refused.status_code == 400
    gone = ana.post("/account/delete", {"password": "another long one"})
    assert gone.status_code == 303 and gone.headers["location"] == "/login"
    assert ana.get("/gaps").status_code == 303
    with class_server.store.across_learners() as session:
        from sqlalchemy import select

        from learnloop.store.models import Learner

        assert session.scalar(select(Learner.id).where(Learner.login == "ana")) is None


def test_a_student_never_sees_teacher_pages(class_server: Any) -> None:
    _teacher, classroom, (ana,) = _class_with_students(class_server, "ana")
    for path in ("/classes", f"/classes/{classroom}", f"/classes/{classroom}/export.csv"):
        assert ana.get(path).status_code == 404, path
    assert ana.post(f"/classes/{classroom}/invite", {"days": "3"}).status_code == 404


def test_the_class_says_when_a_student_is_stuck_for_inactivity(class_server: Any) -> None:
    teacher, classroom, _ = _class_with_students(class_server, "ana")
    assert teacher.post(f"/classes/{classroom}/settings", {"inactive_days": "abc"}).status_code == 400
    saved = teacher.post(f"/classes/{classroom}/settings", {"inactive_days": "3"})
    assert saved.status_code == 303, alert(saved)
    assert "inactive after 3 days" in teacher.get(f"/classes/{classroom}").text
