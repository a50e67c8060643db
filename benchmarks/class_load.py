"""Load on the class server: 500 signed-in students and a teacher, on a PostgreSQL this script starts itself.

1. Starts its OWN PostgreSQL (``initdb`` + ``pg_ctl`` from ``/usr/lib/postgresql/<v>/bin``) in a temporary folder,
   listening only on a free loopback port (as the ``postgres`` OS user when run as root); it is stopped and the
   folder removed at the end, also on Ctrl-C or SIGTERM.
2. Creates the schema through learnloop's own migrations (``open_store``), then seeds a teacher, a class and the
   students through the classroom domain functions (one password hash computed once and given to every student:
   the server still verifies it per sign-in), each student's loop at a different step through the loop functions,
   one transaction per student.
3. Starts ``learnloop serve --class`` on 127.0.0.1 (``--workers N``), signs every web student in with their own
   cookie (measured apart: the sign-in burst is not the steady state), joins the laptop students through the JSON
   API, then for ``--duration`` seconds runs the mix: each student thinks (an exponential pause, mean ``--think``),
   then does one action; a web action is what a browser does (the page, the form posted, the redirect followed):
   home, map, a topic card, gap add, a note, a project check-in (students at step 4); a laptop student pushes its
   progress (``PUT /api/v1/progress``, the sync module's own snapshot). The teacher reloads the class view every
   ``--refresh`` seconds (now and then filtered, exported as CSV, or one student's loop opened).
   ``--workers 1,2 --rounds 2`` measures windows A B A B on the same data: the server is restarted between them and
   the browsers keep their cookies.
4. Prints requests/s, p50/p99/max per route and the errors, with the load average before and after and the CPU
   seconds of the server's processes and of PostgreSQL's, and writes benchmarks/results/class_load.{md,json}.

Goal (issue 16): 0 errors, p99 < 200 ms on student routes and < 300 ms on the class view at 500 students, on the
2-core machine the project is built on. The client runs on the same machine (its CPU seconds are shown too).

Run: python benchmarks/class_load.py [--students 500] [--duration 60] [--workers 2 | 1,2] [--rounds 1] [--think 10]
     [--refresh 5] [--laptops 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
PASSWORD = "class-load-password"  # every seeded account's password (a throwaway cluster, torn down at the end)
STUDENT_GOAL_MS = 200.0
CLASS_VIEW_GOAL_MS = 300.0

# The class server's routes this benchmark drives (issue 16's shared plan; checked against the server at start).
LOGIN = "/login"
CLASS_VIEW = "/classes/{id}"
API_JOIN = "/api/v1/join"
API_PROGRESS = "/api/v1/progress"
API_ME = "/api/v1/me"
TOPICS = ("random-forest", "gradient-boosting", "logistic-regression", "k-means", "transformer")
FOCUSES = ("tabular-prediction", "nlp", "computer-vision")


def say(text: str) -> None:
    print(text, flush=True)


# --- PostgreSQL of our own -----------------------------------------------------------------------------------


@dataclass
class Cluster:
    root: Path
    data: Path
    port: int
    url: str
    as_postgres: bool

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None


def postgres_bin() -> Path | None:
    """The newest PostgreSQL's server programs on this machine (Debian's layout), 15 preferred when present."""
    preferred = Path("/usr/lib/postgresql/15/bin")
    if (preferred / "initdb").exists():
        return preferred
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(cluster_user: bool, args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if cluster_user else args


@contextlib.contextmanager
def own_postgres(bindir: Path | None = None) -> Iterator[Cluster]:
    """A throwaway PostgreSQL on 127.0.0.1:<free port>, stopped and deleted when the block ends (however it ends)."""
    bindir = bindir or postgres_bin()
    if bindir is None:
        raise SystemExit("PostgreSQL's server programs are missing: apt-get install -y postgresql")
    as_postgres = os.geteuid() == 0  # initdb refuses to run as root
    root = Path(tempfile.mkdtemp(prefix="learnloop-class-load-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    password = secrets.token_hex(16)
    (root / "pw").write_text(password)
    if as_postgres:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        shutil.chown(root / "pw", "postgres")
    started = False
    cluster: Cluster | None = None
    try:
        subprocess.run(
            _as_owner(
                as_postgres,
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "learnloop",
                    f"--pwfile={root / 'pw'}",
                    "--auth=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ],
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _attempt in range(5):
            port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c max_connections=300 -c shared_buffers=128MB"
            )
            done = subprocess.run(
                _as_owner(
                    as_postgres,
                    [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start"],
                ),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            if done.returncode == 0:
                started = True
                break
        if not started:
            log = (root / "log").read_text(errors="replace")[-2000:] if (root / "log").exists() else ""
            raise SystemExit(f"PostgreSQL did not start:\n{log}")
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user="learnloop", password=password, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE learnloop")
        url = f"postgresql+psycopg://learnloop:{password}@127.0.0.1:{port}/learnloop"
        cluster = Cluster(root, data, port, url, as_postgres)
        yield cluster
    finally:
        if started:
            subprocess.run(
                _as_owner(as_postgres, [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(root, ignore_errors=True)


# --- seeding ---------------------------------------------------------------------------------------------------


@dataclass
class Student:
    index: int
    login: str
    laptop: bool  # joins through the JSON API and syncs; otherwise signs in on the web pages
    step: int = 0
    project: bool = False
    learner_id: int | None = None
    token: str | None = None  # a laptop's sync token


@dataclass
class Seeded:
    teacher: str
    classroom_id: int
    code: str
    students: list[Student]
    seconds: float
    notices: list[str] = field(default_factory=list)
    snapshots: tuple[bytes, bytes] | None = None  # what the laptops push, before and after one more exercise


def seed(url: str, home: Path, count: int, laptops: float, now: datetime) -> Seeded:
    """Schema by the migrations, then a teacher, a class, an invite and the web students, through the domain."""
    from learnloop.classroom import accounts, classes
    from learnloop.config import Settings
    from learnloop.store.db import open_store

    started = time.perf_counter()
    store = open_store(Settings(home=home, database_url=url))
    notices: list[str] = []
    rng = random.Random(16)
    students = [Student(i, f"student{i:03d}", laptop=rng.random() < laptops) for i in range(count)]
    shared_hash = accounts.hash_password(PASSWORD)
    behind = sequence_behind(store)
    if behind:
        notices.append(behind)
    with store.across_learners() as s:
        teacher = accounts.create_learner(
            s,
            login="teacher",
            name="The Teacher",
            email="teacher@example.org",
            role="teacher",
            password=PASSWORD,
            origin="server",
            now=now,
        )
        classroom = classes.create_class(s, teacher, "Machine learning, top down", now)
        classroom_id = int(classroom.id)
        code = classes.make_invite(s, classroom, 14, now).code
        for student in students:
            if student.laptop:
                continue  # a laptop learner joins through the API once the server runs
            learner = accounts.create_learner(
                s,
                login=student.login,
                name=f"Student {student.index}",
                email=f"{student.login}@example.org",
                role="student",
                password=None,
                origin="server",
                now=now,
            )
            learner.password_hash = shared_hash
            student.learner_id = int(learner.id)
            classes.join_with_code(s, learner, code, now)
    if scoped_store():
        from learnloop.atlas.load import load_atlas

        atlas = load_atlas()

        def one(student: Student) -> None:
            assert student.learner_id is not None
            with store.session(learner_id=student.learner_id) as s:
                student.step, student.project = seed_loop(s, atlas, student, now, workspace_of(home, student))

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(4) as pool:  # the database waits, not Python: a few students at once
            list(pool.map(one, [s for s in students if s.learner_id is not None]))
    else:
        notices.append("the store has no learner owners yet: the students have no loop records (no pass, gaps, ...)")
    store.dispose()
    snapshots = None
    if any(s.laptop for s in students):
        try:
            snapshots = laptop_snapshots(home.parent / "laptop", now)
        except ImportError:
            notices.append("the sync module (learnloop.classroom.sync) is missing: the laptops do not sync")
    return Seeded("teacher", classroom_id, code, students, time.perf_counter() - started, notices, snapshots)


def workspace_of(home: Path, student: Student) -> Path:
    """Where the class server keeps this student's files (their project's scaffold goes there)."""
    assert student.learner_id is not None
    try:
        from learnloop.web.scope import learner_folder
    except ImportError:
        return home / "learners" / str(student.learner_id) / "workspace"
    return Path(learner_folder(home, student.learner_id))


def sequence_behind(store: Any) -> str | None:
    """The migrations insert the laptop's learner with id 1; on PostgreSQL the id sequence must know it, or the
    first account created clashes with it. Moved on here when it does not, and said (a bug in the migrations)."""
    from sqlalchemy import text

    with store.across_learners() as s:
        top = s.execute(text("SELECT coalesce(max(id), 0) FROM learners")).scalar_one()
        last, called = s.execute(text("SELECT last_value, is_called FROM learners_id_seq")).one()
        if top and (last < top or (last == top and not called)):
            s.execute(text("SELECT setval('learners_id_seq', :top)"), {"top": top})
            return "the migrations left learners_id_seq behind max(learners.id): moved on by the benchmark (a bug)"
    return None


def scoped_store() -> bool:
    from learnloop.store.models import Pass

    return "learner_id" in Pass.__table__.c


def seed_loop(s: Any, atlas: Any, student: Student, now: datetime, workspace: Path) -> tuple[int, bool]:
    """One student's loop, as the CLI would leave it: a pass at a step between 0 and 6, a project at step 4, gaps.

    Dates lie in the past (some longer than a step allows), so the class view has students to mark stuck.
    """
    from learnloop.loop.focus import pin_focus
    from learnloop.loop.gaps import add_gap, close_gap, keep_gap
    from learnloop.loop.notes import add_note
    from learnloop.loop.passes import advance, start_pass
    from learnloop.loop.projects import finish, new_project
    from learnloop.loop.references import add_reference

    target = (0, 1, 2, 3, 4, 4, 4, 5, 6)[student.index % 9]
    rng = random.Random(student.index)
    then = now - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 12))
    start_pass(s, then)
    pin_focus(s, atlas, FOCUSES[student.index % len(FOCUSES)], then)
    gap = add_gap(s, atlas, f"how does cross-validation pick k? ({student.login})", None, then)
    add_gap(s, atlas, "what is a kernel?", None, then)
    step, has_project = 0, False
    while True:
        if step == 1:
            add_reference(s, "tkipf/pygcn", None, then)
            add_note(s, "layers repeat", "pattern", then)
        if step == 4:
            new_project(
                s,
                atlas,
                title=f"Penguins {student.index}",
                days=14,
                now=then,
                workspace=workspace,
                data="penguins",
            )
            has_project = step == target
            if not has_project:
                finish(s, "a random forest on the penguins, 0.97 accuracy", then)
        if step == 5 and target > 5:
            keep_gap(s, gap.id, 3, then)
            close_gap(s, "k is picked by the folds' mean score", then)
        if step == target:
            break
        advance(s, then, skip=step in (2, 3), reason="I know this" if step in (2, 3) else None)
        step += 1
    return step, has_project


# --- the server -------------------------------------------------------------------------------------------------


def learnloop_command() -> list[str]:
    return [sys.executable, "-c", "from learnloop.cli import main; main()"]


def serve_help(env: dict[str, str]) -> str:
    done = subprocess.run([*learnloop_command(), "serve", "--help"], env=env, capture_output=True, text=True)
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)


def start_server(
    env: dict[str, str], port: int, workers: int, notices: list[str], log: Path
) -> subprocess.Popen[bytes]:
    shown = serve_help(env)
    command = [*learnloop_command(), "serve", "--port", str(port)]
    if "--class" in shown:
        command.append("--class")
    else:
        notices.append("`learnloop serve --class` does not exist yet: the plain dashboard is served")
    if "--workers" in shown:
        command += ["--workers", str(workers)]
    elif workers != 1:
        notices.append(f"`learnloop serve --workers` does not exist yet: one process serves (asked for {workers})")
    with log.open("ab") as errors:  # the server's own words, kept for the report when something fails
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
    deadline = time.monotonic() + 90
    import urllib.request

    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.read() == b"ok":
                    return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("the server did not answer /healthz within 90 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def tree_cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user + system) of a process and all its descendants still alive, from /proc."""
    if pid is None:
        return 0.0
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(children.get(current, ()))
    return total


# --- the clients ------------------------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)  # the first few errors, worded

    def add(self, route: str, ms: float) -> None:
        self.latencies.setdefault(route, []).append(ms)

    def fail(self, route: str, what: str) -> None:
        self.errors[route] = self.errors.get(route, 0) + 1
        self.latencies.setdefault(route, [])
        if len(self.samples) < 10:
            self.samples.append(f"{route}: {what}")


_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_ATTR = re.compile(r'(name|value)="([^"]*)"')


def form_fields(html: str, action: str) -> dict[str, str] | None:
    """The hidden fields (csrf, nonce) of the page's form posting to ``action``, or None when there is none."""
    for match in re.finditer(r"<form\b[^>]*>(.*?)</form>", html, re.S):
        head = match.group(0)[: match.group(0).find(">") + 1]
        if f'action="{action}"' not in head or 'method="post"' not in head.lower():
            continue
        found = {}
        for tag in _HIDDEN.findall(match.group(1)):
            attrs = dict(_ATTR.findall(tag))
            if "name" in attrs:
                found[attrs["name"]] = attrs.get("value", "")
        return found
    return None


def said(body: str) -> str:
    """What an error answer says, in one short line: a page's title and first paragraph, or the JSON error."""
    title = re.search(r"<title>(.*?)</title>", body, re.S)
    if title is None:
        return body.strip().replace("\n", " ")[:200]
    first = re.search(r"<p[^>]*>(.*?)</p>", body, re.S)
    text = f"{title.group(1)}: {first.group(1) if first else ''}"
    return re.sub(r"<[^>]+>|\s+", " ", text).strip()[:200]


def route_of(path: str) -> str:
    """A URL's route for the table: query dropped, ids folded (/classes/3 -> /classes/{id})."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    path = re.sub(r"/\d+(?=/|$)", "/{id}", path)
    return re.sub(r"^/map/[^/]+$", "/map/{topic}", path)


class Browser:
    """One person's browser: their own cookies, the forms they post, the redirects they follow."""

    def __init__(self, base: str, stats: Stats, ssl_context: Any) -> None:
        import httpx

        self.base = base
        self.stats = stats
        self._ssl = ssl_context
        self.client = httpx.AsyncClient(
            base_url=base,
            timeout=30.0,
            follow_redirects=False,
            verify=ssl_context,
            # uvicorn closes a connection idle for 5 s; a browser retries a request that meets such a close, httpx
            # does not, so the client lets idle connections go first (else a think time near 5 s counts races).
            limits=httpx.Limits(max_connections=2, max_keepalive_connections=2, keepalive_expiry=4.0),
            headers={"Origin": base},
        )

    async def reopen(self) -> None:
        """New connections, the same cookies: the server was restarted (its sessions live in the database)."""
        import httpx

        old = self.client
        self.client = httpx.AsyncClient(
            base_url=old.base_url,
            timeout=old.timeout,
            follow_redirects=False,
            verify=self._ssl,
            limits=httpx.Limits(max_connections=2, max_keepalive_connections=2, keepalive_expiry=4.0),
            headers={"Origin": self.base},
            cookies=old.cookies,
        )
        await old.aclose()

    async def request(self, method: str, path: str, *, label: str | None = None, **kwargs: Any) -> Any:
        route = f"{method} {label or route_of(path)}"
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, **kwargs)
        except Exception as exc:  # a timeout or a refused connection is an error of the run, counted, not raised
            self.stats.fail(route, f"{type(exc).__name__}: {exc}")
            return None
        ms = (time.perf_counter() - started) * 1000
        if response.status_code >= 400:
            self.stats.fail(route, f"{response.status_code} {said(response.text)}")
            return None
        self.stats.add(route, ms)
        return response

    async def page(self, path: str) -> str | None:
        response = await self.request("GET", path)
        return response.text if response is not None else None

    async def post_form(self, page: str, action: str, fields: dict[str, str]) -> bool:
        """What a browser does: the page, its form posted, the 303 followed."""
        html = await self.page(page)
        if html is None:
            return False
        hidden = form_fields(html, action)
        if hidden is None:
            self.stats.fail(f"POST {route_of(action)}", f"no form posting to {action} on {page}")
            return False
        response = await self.request("POST", action, data={**hidden, **fields})
        if response is None:
            return False
        if response.status_code == 303:
            return await self.page(response.headers["location"]) is not None
        return True

    async def close(self) -> None:
        await self.client.aclose()


async def pause(seconds: float, stop: float) -> None:
    """A think time, cut short at the end of the window (so the window ends when its last requests do)."""
    await asyncio.sleep(max(0.0, min(seconds, stop - time.monotonic())))


async def sign_in(browser: Browser, login: str) -> bool:
    return await browser.post_form(LOGIN, LOGIN, {"login": login, "password": PASSWORD})


async def web_student(browser: Browser, student: Student, stop: float, think: float, rng: random.Random) -> None:
    actions: list[tuple[str, int]] = [("home", 30), ("map", 15), ("topic", 10), ("gap", 15), ("note", 15)]
    if student.project:
        actions.append(("checkin", 15))
    names, weights = zip(*actions, strict=True)
    await pause(rng.uniform(0, think), stop)
    counter = 0
    while time.monotonic() < stop:
        action = rng.choices(names, weights)[0]
        counter += 1
        if action == "home":
            await browser.page("/")
        elif action == "map":
            await browser.page("/map")
        elif action == "topic":
            await browser.page(f"/map/{rng.choice(TOPICS)}")
        elif action == "gap":
            await browser.post_form("/gaps", "/gaps", {"text": f"why does {counter} work? ({student.login})"})
        elif action == "note":
            await browser.post_form("/study", "/notes", {"text": f"a pattern seen ({counter})", "kind": "pattern"})
        else:
            await browser.post_form("/project", "/project/checkin", {"text": f"day's work: part {counter}"})
        await pause(rng.expovariate(1 / think) if think > 0 else 0, stop)


async def teacher(browser: Browser, seeded: Seeded, stop: float, refresh: float, rng: random.Random) -> None:
    """The class view, reloaded every ``refresh`` seconds: mostly as it is, sometimes filtered (stuck only, one
    step), now and then the CSV export or one student's loop (read-only)."""
    view = CLASS_VIEW.format(id=seeded.classroom_id)
    ids = [s.learner_id for s in seeded.students if s.learner_id is not None]
    while time.monotonic() < stop:
        roll = rng.random()
        if roll < 0.70 or not ids:
            await browser.request("GET", view)
        elif roll < 0.80:
            await browser.request("GET", f"{view}?stuck=1")
        elif roll < 0.90:
            await browser.request("GET", f"{view}?step={rng.randint(0, 6)}")
        elif roll < 0.95:
            await browser.request("GET", f"{view}/export.csv")
        else:
            await browser.request("GET", f"{view}/students/{rng.choice(ids)}")
        await pause(refresh, stop)


def laptop_snapshots(home: Path, now: datetime) -> tuple[bytes, bytes]:
    """What a laptop at step 4 sends: its loop as ``learnloop sync`` builds it (the sync module's own snapshot), before
    and after one more exercise passed. Laptops alternate the two, so every push writes (a resend would not)."""
    from learnloop.atlas.load import load_atlas
    from learnloop.classroom.sync import build_snapshot, snapshot_body
    from learnloop.config import Settings
    from learnloop.loop.practice import record_exercise
    from learnloop.store.db import open_store

    store = open_store(Settings(home=home))
    with store.session() as s:
        seed_loop(s, load_atlas(), Student(4, "laptop", laptop=True), now, home / "workspace")
        for number in range(1, 6):
            record_exercise(s, exercise=f"python-{number}", passed=number != 3, now=now)
    with store.read() as s:
        before = snapshot_body(build_snapshot(s, now))
    with store.session() as s:
        record_exercise(s, exercise="numpy-1", passed=True, now=now)
    with store.read() as s:
        after = snapshot_body(build_snapshot(s, now))
    store.dispose()
    return before, after


async def laptop(
    browser: Browser, student: Student, snapshots: tuple[bytes, bytes], stop: float, think: float, rng: random.Random
) -> None:
    await pause(rng.uniform(0, think), stop)
    counter = 0
    while time.monotonic() < stop:
        counter += 1
        await browser.request(
            "PUT",
            API_PROGRESS,
            content=snapshots[counter % 2],
            headers={"Authorization": f"Bearer {student.token}", "Content-Type": "application/json"},
        )
        await pause(rng.expovariate(1 / think) if think > 0 else 0, stop)


async def api_exists(browser: Browser) -> bool:
    """The sync API answers a call without a token with 401 (a server without it: 404, or a sign-in redirect)."""
    response = await browser.client.get(API_ME)
    return response.status_code == 401


async def join_laptop(browser: Browser, student: Student, code: str) -> None:
    response = await browser.request(
        "POST", API_JOIN, json={"code": code, "name": f"Laptop {student.index}", "login": student.login}
    )
    if response is not None:
        student.token = response.json().get("token")


@dataclass
class Window:
    """What one timed window measured (one server run: ``workers`` processes)."""

    workers: int
    round: int
    seconds: float
    stats: Stats
    server_cpu: float
    postgres_cpu: float
    client_cpu: float
    load_before: str
    load_after: str


@dataclass
class Campaign:
    setup: Stats
    setup_seconds: float
    windows: list[Window]


async def campaign(
    args: argparse.Namespace, seeded: Seeded, start: Any, stop_current: Any, pg_pid: int | None
) -> Campaign:
    """Sign everyone in once, then one window per (round, worker count), A B A B: the server is restarted between
    windows on the same port, and the browsers keep their cookies (sessions live in the database)."""
    import ssl

    plan = [(r + 1, w) for r in range(args.rounds) for w in args.workers]
    port, server_pid = start(plan[0][1])
    base = f"http://127.0.0.1:{port}"
    ssl_context = ssl.create_default_context()  # one for all clients (httpx builds one per client otherwise)
    setup = Stats()
    web = [s for s in seeded.students if not s.laptop]
    laptops = [s for s in seeded.students if s.laptop]
    browsers = {s.index: Browser(base, setup, ssl_context) for s in seeded.students}
    teacher_browser = Browser(base, setup, ssl_context)
    everyone = (*browsers.values(), teacher_browser)
    started = time.perf_counter()
    gate = asyncio.Semaphore(args.sign_in_concurrency)

    async def gated(coroutine: Any) -> Any:
        async with gate:
            return await coroutine

    try:
        if laptops and (seeded.snapshots is None or not await api_exists(teacher_browser)):
            seeded.notices.append(
                f"the class server has no JSON API for laptops (GET {API_ME} is not there): the {len(laptops)} laptop "
                "students are left out of the mix"
            )
            laptops = []
        await gated(sign_in(teacher_browser, seeded.teacher))
        await asyncio.gather(
            *(gated(sign_in(browsers[s.index], s.login)) for s in web),
            *(gated(join_laptop(browsers[s.index], s, seeded.code)) for s in laptops),
        )
        setup_seconds = time.perf_counter() - started
        windows = []
        for number, (round_, workers) in enumerate(plan):
            if number:
                stop_current()
                port, server_pid = start(workers)
                await asyncio.gather(*(b.reopen() for b in everyone))
            say(f"window {number + 1}/{len(plan)}: {workers} worker(s), {args.duration:.0f} s ...")
            windows.append(await window(args, seeded, browsers, teacher_browser, workers, round_, server_pid, pg_pid))
    finally:
        await asyncio.gather(*(b.close() for b in everyone))
    return Campaign(setup, setup_seconds, windows)


async def window(
    args: argparse.Namespace,
    seeded: Seeded,
    browsers: dict[int, Browser],
    teacher_browser: Browser,
    workers: int,
    round_: int,
    server_pid: int,
    pg_pid: int | None,
) -> Window:
    everyone = (*browsers.values(), teacher_browser)
    if args.warmup > 0:  # a fresh server's first requests load templates and the map in each process: not measured
        for browser in everyone:
            browser.stats = Stats()
        await mix(args, seeded, browsers, teacher_browser, args.warmup, random.Random(round_))
    stats = Stats()
    for browser in everyone:
        browser.stats = stats
    load_before = Path("/proc/loadavg").read_text().strip()
    server_cpu, pg_cpu = tree_cpu_seconds(server_pid), tree_cpu_seconds(pg_pid)
    client_cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    await mix(args, seeded, browsers, teacher_browser, args.duration, random.Random(9 + round_))
    seconds = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_SELF)
    return Window(
        workers=workers,
        round=round_,
        seconds=seconds,
        stats=stats,
        server_cpu=tree_cpu_seconds(server_pid) - server_cpu,
        postgres_cpu=tree_cpu_seconds(pg_pid) - pg_cpu,
        client_cpu=(used.ru_utime + used.ru_stime) - (client_cpu.ru_utime + client_cpu.ru_stime),
        load_before=load_before,
        load_after=Path("/proc/loadavg").read_text().strip(),
    )


async def mix(
    args: argparse.Namespace,
    seeded: Seeded,
    browsers: dict[int, Browser],
    teacher_browser: Browser,
    duration: float,
    rng: random.Random,
) -> None:
    """Every student and the teacher, each in their own task, for ``duration`` seconds."""
    stop = time.monotonic() + duration
    tasks = [
        *(
            web_student(browsers[s.index], s, stop, args.think, random.Random(rng.random()))
            for s in seeded.students
            if not s.laptop
        ),
        *(
            laptop(browsers[s.index], s, seeded.snapshots, stop, args.think, random.Random(rng.random()))
            for s in seeded.students
            if s.laptop and s.token and seeded.snapshots
        ),
        teacher(teacher_browser, seeded, stop, args.refresh, random.Random(rng.random())),
    ]
    await asyncio.gather(*tasks)


# --- the report -------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def rows_of(stats: Stats, seconds: float) -> list[dict[str, Any]]:
    rows = []
    for route in sorted(stats.latencies, key=lambda r: (r.split(" ", 1)[1], r)):
        values = stats.latencies[route]
        goal = CLASS_VIEW_GOAL_MS if route.startswith("GET /classes") else STUDENT_GOAL_MS  # the teacher's pages
        p99 = percentile(values, 0.99)
        errors = stats.errors.get(route, 0)
        rows.append(
            {
                "route": route,
                "requests": len(values) + errors,
                "per_second": (len(values) + errors) / seconds if seconds else 0.0,
                "p50_ms": percentile(values, 0.50),
                "p99_ms": p99,
                "max_ms": max(values, default=0.0),
                "errors": errors,
                "goal_ms": goal,
                "met": errors == 0 and bool(values) and p99 < goal,
            }
        )
    return rows


def table(rows: list[dict[str, Any]], *, goal: bool = True) -> list[str]:
    lines = [
        "| route | requests | requests/s | p50 ms | p99 ms | max ms | errors |" + (" goal (p99) |" if goal else ""),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |" + (" --- |" if goal else ""),
    ]
    for r in rows:
        verdict = f" < {r['goal_ms']:.0f} ms: {'met' if r['met'] else 'missed'} |" if goal else ""
        lines.append(
            f"| `{r['route']}` | {r['requests']:,} | {r['per_second']:,.1f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['max_ms']:.1f} | {r['errors']} |{verdict}"
        )
    return lines


def run_of(args: argparse.Namespace, w: Window) -> dict[str, Any]:
    rows = rows_of(w.stats, w.seconds)
    total = sum(r["requests"] for r in rows)
    student = [r for r in rows if not r["route"].startswith("GET /classes")]
    teacher_rows = [r for r in rows if r["route"].startswith("GET /classes")]
    return {
        "workers": w.workers,
        "round": w.round,
        "duration_s": round(w.seconds, 2),
        "drain_s": round(max(0.0, w.seconds - args.duration), 2),
        "requests": total,
        "requests_per_second": total / w.seconds if w.seconds else 0.0,
        "errors": sum(r["errors"] for r in rows),
        "error_samples": w.stats.samples,
        "worst_student_p99_ms": max((r["p99_ms"] for r in student), default=0.0),
        "worst_class_view_p99_ms": max((r["p99_ms"] for r in teacher_rows), default=0.0),
        "server_cpu_s": round(w.server_cpu, 2),
        "server_cpu_ms_per_request": round(1000 * w.server_cpu / total, 2) if total else 0.0,
        "postgres_cpu_s": round(w.postgres_cpu, 2),
        "postgres_cpu_ms_per_request": round(1000 * w.postgres_cpu / total, 2) if total else 0.0,
        "client_cpu_s": round(w.client_cpu, 2),
        "load_before": w.load_before,
        "load_after": w.load_after,
        "routes": rows,
        "goal_met": bool(rows) and all(r["met"] for r in rows),
    }


def report(args: argparse.Namespace, seeded: Seeded, done: Campaign, notices: list[str]) -> dict[str, Any]:
    setup_rows = rows_of(done.setup, done.setup_seconds)
    runs = [run_of(args, w) for w in done.windows]
    laptops = sum(1 for s in seeded.students if s.laptop and s.token)  # those that joined (and so were in the mix)
    setup_errors = sum(r["errors"] for r in setup_rows)
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "students": len(seeded.students),
        "web_students": sum(1 for s in seeded.students if not s.laptop),
        "laptop_students": laptops,
        "think_s": args.think,
        "refresh_s": args.refresh,
        "window_s": args.duration,
        "seed_s": round(seeded.seconds, 2),
        "setup_s": round(done.setup_seconds, 2),
        "setup_routes": setup_rows,
        "setup_errors": setup_errors,
        "setup_error_samples": done.setup.samples,
        "errors": setup_errors + sum(r["errors"] for r in runs),
        "runs": runs,
        "goal_met": setup_errors == 0 and bool(runs) and all(r["goal_met"] for r in runs),
        "complete": not (seeded.notices or notices),  # no part of the mix was left out
        "notices": list(dict.fromkeys(seeded.notices + notices)),
    }


def markdown(result: dict[str, Any]) -> str:
    verdict = "met" if result["goal_met"] else "missed"
    if not result["complete"]:
        verdict += " for the parts that ran (some were left out: see the notices)"
    lines = [
        "# Class server load (benchmarks/class_load.py)",
        "",
        f"{result['when']} · {result['machine']} · {result['students']} students ({result['web_students']} on the "
        f"web, {result['laptop_students']} syncing from laptops), think time {result['think_s']} s (mean), and a "
        f"teacher reloading the class view every {result['refresh_s']} s · `learnloop serve --class` on a PostgreSQL "
        f"15 of its own, on loopback, client on the same machine · other work shares the machine: see the load "
        f"averages. Goal: 0 errors, p99 < {STUDENT_GOAL_MS:.0f} ms on student routes and < {CLASS_VIEW_GOAL_MS:.0f} "
        f"ms on the class view: **{verdict}**.",
        "",
        "| run | workers | requests | requests/s | errors | worst student p99 ms | class view p99 ms "
        "| server CPU s (ms/request) | PostgreSQL CPU s (ms/request) | client CPU s | load before -> after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for number, run in enumerate(result["runs"], 1):
        lines.append(
            f"| {number} | {run['workers']} | {run['requests']:,} | {run['requests_per_second']:,.1f} | "
            f"{run['errors']} | {run['worst_student_p99_ms']:.0f} | {run['worst_class_view_p99_ms']:.0f} | "
            f"{run['server_cpu_s']} ({run['server_cpu_ms_per_request']}) | {run['postgres_cpu_s']} "
            f"({run['postgres_cpu_ms_per_request']}) | {run['client_cpu_s']} | "
            f"{' '.join(run['load_before'].split()[:3])} -> {' '.join(run['load_after'].split()[:3])} |"
        )
    for number, run in enumerate(result["runs"], 1):
        lines += [
            "",
            f"Run {number}: {run['workers']} worker(s), round {run['round']}, {run['duration_s']} s (of which "
            f"{run['drain_s']} s for the requests in flight at the end to finish):",
            "",
            *table(run["routes"]),
        ]
        if run["error_samples"]:
            lines += ["", "First errors:", *(f"- {e}" for e in run["error_samples"])]
    lines += [
        "",
        f"Before the runs: seeding {result['seed_s']} s; sign-ins and laptop joins {result['setup_s']} s (every "
        "web student signs in once, argon2id checked by the server; the cookies are kept across the runs):",
        "",
        *table(result["setup_routes"], goal=False),
    ]
    if result["setup_error_samples"]:
        lines += ["", "First errors:", *(f"- {e}" for e in result["setup_error_samples"])]
    if result["notices"]:
        lines += ["", "Notices:", *(f"- {n}" for n in result["notices"])]
    return "\n".join(lines) + "\n"


# --- the run ----------------------------------------------------------------------------------------------------


def worker_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("worker counts are whole numbers from 1, comma-separated: 2 or 1,2")
    return counts


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of each measured window")
    parser.add_argument(
        "--workers", type=worker_counts, default=[2], help="server processes (serve --workers); 1,2 compares them"
    )
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured seconds of the mix before each window")
    parser.add_argument("--rounds", type=int, default=1, help="windows per worker count, interleaved (A B A B)")
    parser.add_argument("--think", type=float, default=10.0, help="mean pause between a student's actions, s")
    parser.add_argument("--refresh", type=float, default=5.0, help="the teacher reloads the class view this often, s")
    parser.add_argument("--laptops", type=float, default=0.2, help="share of students who sync from a laptop")
    parser.add_argument("--sign-in-concurrency", type=int, default=16)
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for class_load.md and class_load.json")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The whole benchmark (own PostgreSQL, seed, server runs, clients, report); everything started is stopped on
    the way out, however it ends."""
    notices: list[str] = []
    with own_postgres() as cluster, tempfile.TemporaryDirectory(prefix="learnloop-class-home-") as folder:
        home = Path(folder) / "home"
        now = datetime.now(UTC)
        say(f"PostgreSQL on 127.0.0.1:{cluster.port}; seeding {args.students} students ...")
        seeded = seed(cluster.url, home, args.students, args.laptops, now)
        say(f"seeded in {seeded.seconds:.1f} s; starting the server, signing everyone in ...")
        env = {**os.environ, "LEARNLOOP_HOME": str(home), "LEARNLOOP_DATABASE_URL": cluster.url, "NO_COLOR": "1"}
        env.pop("LEARNLOOP_NOW", None)
        port = free_port()
        log = Path(folder) / "server.log"
        current: list[subprocess.Popen[bytes]] = []

        def start(workers: int) -> tuple[int, int]:
            current.append(start_server(env, port, workers, notices, log))
            return port, current[-1].pid

        def stop_current() -> None:
            while current:
                stop_server(current.pop())

        try:
            done = asyncio.run(campaign(args, seeded, start, stop_current, cluster.postmaster_pid()))
        finally:
            stop_current()
        result = report(args, seeded, done, notices)
        if result["errors"]:
            result["server_log_tail"] = log.read_text(errors="replace").splitlines()[-40:]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "class_load.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "class_load.md").write_text(markdown(result))
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)

    def stop(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        result = run(args)
    except KeyboardInterrupt:
        say("stopped; PostgreSQL and the server were shut down and their folders removed")
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    say(markdown(result))
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
