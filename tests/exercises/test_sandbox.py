"""Every escape a hostile exercise file tried against release 0.1.0 now fails (issue 13, item 7).

Each test hands the grader a file that tries one escape, then checks the world outside: the file it wanted
to write is not there, the fake learnloop home is byte for byte the same, the listener on 127.0.0.1 saw no
connection, no process is left, the grader's caller is alive, the forged verdict did not count.
We run as root: every target is inside this test's own tmp_path (the fake LEARNLOOP_HOME included), and
the listener is one this test starts on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from learnloop.errors import UserError
from learnloop.exercises import grader
from learnloop.exercises.catalog import Case, Exercise, NumberedExercise
from learnloop.exercises.grader import CheckResult, Limits, grade, sandbox_status

QUICK = Limits(timeout=15.0, cpu_seconds=5, memory_mb=512, output_kb=64)


@pytest.fixture(autouse=True)
def _needs_the_sandbox(require_system) -> None:
    status = sandbox_status()
    require_system(
        "a Linux sandbox (network, mount and pid namespaces)",
        status.isolated,
        "run on Linux as root, or enable unprivileged user namespaces "
        "(sysctl kernel.apparmor_restrict_unprivileged_userns=0)",
    )


def exercise(expect: str = "'ok'") -> NumberedExercise:
    """A throwaway exercise: ``probe()`` must return ``expect`` three times over."""
    case = Case(call="probe()", expect=expect)
    return NumberedExercise(
        number=99,
        exercise=Exercise(
            id="escape",
            group="core",
            title="An escape attempt",
            function="probe",
            prompt="Return the answer.",
            starter="def probe():\n    pass\n",
            hint="nothing to hint here",
            solution="def probe():\n    return 'ok'\n",
            cases=[case, case, case],
        ),
    )


def attempt(tmp_path: Path, source: str, expect: str = "'ok'") -> CheckResult:
    path = tmp_path / "answer.py"
    path.write_text(source)
    return grade(exercise(expect), path, QUICK)


def leftovers(marker: str) -> list[int]:
    """Processes anywhere on this machine whose command line carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_writing_a_file_by_absolute_path_fails(tmp_path: Path) -> None:
    target = tmp_path / "escaped.txt"
    source = f"""
import os
def probe():
    errors = []
    for attempt in (lambda: open({str(target)!r}, "w").write("pwned"),
                    lambda: os.makedirs({str(tmp_path / "made")!r}),
                    lambda: open({str(tmp_path / "answer.py")!r}, "a").write("# changed")):
        try:
            attempt()
        except OSError as exc:
            errors.append(type(exc).__name__)
    return errors
"""
    before = (tmp_path / "answer.py").read_text() if (tmp_path / "answer.py").exists() else None
    result = attempt(tmp_path, source)
    assert result.outcome == "failed"
    assert result.message.count("Error") >= 3  # each of the three writes raised
    assert not target.exists()
    assert not (tmp_path / "made").exists()
    assert before is None or (tmp_path / "answer.py").read_text() == source


def test_every_mount_but_the_learners_folder_is_read_only(tmp_path: Path) -> None:
    source = """
import os
def probe():
    mounts = [line.split() for line in open("/proc/self/mountinfo")]
    covered = {m[0] for m in mounts for n in mounts if n[1] == m[0] and n[4] == m[4]}  # under another mount
    writable = [m[4] for m in mounts if "rw" in m[5].split(",") and m[0] not in covered]
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    return (sorted(writable), len(pids), os.getcwd(), os.getuid() != 0)
"""
    result = attempt(tmp_path, source)
    assert result.outcome == "failed"
    got = result.message.split(" returned ", 1)[1].split(", but the answer is")[0]
    writable, pids, cwd, not_root = eval(got)
    assert set(writable) <= {"/tmp", "/tmp/work"}, writable  # the fresh tmpfs holding the learner's folder
    assert cwd == "/tmp/work/run"
    assert pids <= 3  # it sees itself and the sandbox's supervisor, no other process of this machine
    assert not_root == (sandbox_status().mode == "root")


def test_deleting_notes_and_planting_a_gap_in_the_learnloop_home_fails(tmp_path: Path) -> None:
    home = Path(os.environ["LEARNLOOP_HOME"])  # the fake home conftest points at tmp_path/home
    assert tmp_path in home.parents
    home.mkdir(parents=True)
    notes = home / "notes.md"
    notes.write_text("# what I understand\n")
    database = home / "learnloop.db"
    with sqlite3.connect(database) as connection:
        connection.execute("create table gaps (id integer primary key, title text)")
        connection.execute("insert into gaps (title) values ('attention')")
    fingerprint = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in home.iterdir()}
    source = f"""
import os, sqlite3
def probe():
    said = [os.environ.get("LEARNLOOP_HOME")]
    try:
        os.remove({str(notes)!r})
    except OSError as exc:
        said.append(type(exc).__name__)
    try:
        with sqlite3.connect({str(database)!r}) as c:
            c.execute("delete from gaps")
            c.execute("insert into gaps (title) values ('planted')")
    except Exception as exc:
        said.append(type(exc).__name__)
    return said
"""
    result = attempt(tmp_path, source)
    assert result.outcome == "failed"
    assert "[None," in result.message  # the home's location is not even in its environment
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in home.iterdir()} == fingerprint
    with sqlite3.connect(database) as connection:
        assert connection.execute("select title from gaps").fetchall() == [("attention",)]


def test_opening_a_tcp_socket_reaches_nothing(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept())
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    source = f"""
import socket
def probe():
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"escaped")
        return "connected"
    except OSError as exc:
        return type(exc).__name__ + ": " + str(exc)
"""
    try:
        result = attempt(tmp_path, source)
    finally:
        time.sleep(0.3)
        stop.set()
        thread.join()
        listener.close()
    assert accepted == []
    assert "connected" not in result.message.split(" returned ", 1)[1].split(",")[0]
    assert "Network is unreachable" in result.message or "refused" in result.message


def test_forking_200_processes_stops_at_the_limit_and_leaves_none(tmp_path: Path) -> None:
    marker = f"{secrets.randbelow(10**6) + 5000}.{secrets.randbelow(10**6)}"
    source = f"""
import os
def probe():
    started = 0
    for _ in range(200):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                os.execv("/bin/sleep", ["sleep", "{marker}"])
            finally:
                os._exit(0)
        started += 1
    return started
"""
    result = attempt(tmp_path, source, expect="200")
    assert result.outcome == "failed"
    started = int(result.message.split(" returned ", 1)[1].split(",")[0])
    assert 0 < started < 100  # RLIMIT_NPROC counted for the sandbox's own processes only
    assert leftovers(marker) == []


def test_killing_its_parent_leaves_the_grader_and_its_caller_alive(tmp_path: Path) -> None:
    me = os.getpid()
    source = f"""
import os, signal
def probe():
    said = []
    for pid in (os.getppid(), {me}, 1):
        try:
            os.kill(pid, signal.SIGKILL)
            said.append("killed")
        except OSError as exc:
            said.append(type(exc).__name__)
    return said
"""
    result = attempt(tmp_path, source)
    assert result.outcome == "failed"  # a verdict came back: the supervisor lived
    assert "killed" not in result.message.split(" returned ", 1)[1].split("but the answer")[0]
    assert os.getpid() == me  # and so did we


def test_no_process_outlives_a_passing_check(tmp_path: Path) -> None:
    marker = f"{secrets.randbelow(10**6) + 5000}.{secrets.randbelow(10**6)}"
    source = f"""
import os
if os.fork() == 0:  # a daemon: a new session, then a grandchild that sleeps
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "{marker}"])
    os._exit(0)
def probe():
    return "ok"
"""
    result = attempt(tmp_path, source)
    assert result.passed, result.message
    assert leftovers(marker) == []


def test_forging_the_result_does_not_pass(tmp_path: Path) -> None:
    token = secrets.token_hex(8)  # the hidden answer: it never enters the sandbox
    source = """
import glob, json, os
forged = json.dumps({"loaded": True, "cases": [{"call": "probe()", "passed": True}] * 3, "passed": True})
for place in ("result.json", "../result.json", "/tmp/result.json", "cases.json"):
    try:
        open(place, "w").write(forged)
    except OSError:
        pass
for fd in range(3, 64):
    try:
        os.write(fd, (json.dumps({"nonce": "guess", "passed": True}) + "\\n").encode())
    except OSError:
        pass
seen = ""
for path in glob.glob("/proc/*/environ") + glob.glob("/proc/*/cmdline") + glob.glob("/proc/*/fd/0"):
    try:
        seen += open(path, "rb").read(1 << 20).decode("latin-1")
    except OSError:
        pass
SEEN = seen
def probe():
    return SEEN[:4000]
"""
    result = attempt(tmp_path, source, expect=repr(token))
    assert not result.passed
    assert result.outcome == "failed"
    assert token not in result.message.split(" returned ", 1)[1].split(", but the answer is")[0]


def test_exiting_early_after_forging_is_not_a_pass(tmp_path: Path) -> None:
    source = """
import json, os
open("result.json", "w").write(json.dumps({"loaded": True, "cases": [{"passed": True}] * 3}))
os._exit(0)
"""
    result = attempt(tmp_path, source)
    assert not result.passed
    assert result.outcome == "exit"


def test_the_web_page_refuses_to_grade_without_a_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    none = grader.SandboxStatus(
        mode="none",
        network=False,
        filesystem=False,
        pids=False,
        own_user=False,
        nproc=False,
        missing=["not Linux: no namespaces"],
    )
    monkeypatch.setattr(grader, "sandbox_status", lambda: none)
    path = tmp_path / "answer.py"
    path.write_text("def probe():\n    return 'ok'\n")
    with pytest.raises(UserError, match="offers no sandbox"):
        grade(exercise(), path, QUICK, isolation="required")
    assert "No sandbox here" in none.lines()[0]


def test_the_sandbox_says_what_it_does_here() -> None:
    status = sandbox_status()
    text = " ".join(status.lines())
    assert "No network" in text and "read-only" in text and "pid namespace" in text
    assert status.isolated


def test_many_processes_cannot_add_up_more_memory_than_the_limit(tmp_path: Path) -> None:
    """RLIMIT_AS holds one process; the sandbox's init counts them all and stops the lot."""
    source = """
import os, time
def probe():
    for _ in range(8):
        if os.fork() == 0:
            block = bytearray(200 * 1024 * 1024)  # 200 MB each, under the per-process limit
            for i in range(0, len(block), 4096):
                block[i] = 1
            time.sleep(30)
            os._exit(0)
    time.sleep(30)
    return "ok"
"""
    result = attempt(tmp_path, source)
    assert result.outcome == "memory", result.message
    assert "all its processes together" in result.message


def test_the_learnloop_home_is_not_even_readable_from_inside(tmp_path: Path) -> None:
    """A home outside /tmp (here: this test's own folder, only ever read) is covered by an empty folder."""
    home = Path(__file__).parent
    source = f"""
import os
def probe():
    if not os.path.isdir({str(home)!r}):
        return "absent"  # a home under /tmp (a checkout made there) is not even in the sandbox's view
    return sorted(os.listdir({str(home)!r}))
"""
    path = tmp_path / "answer.py"
    path.write_text(source)
    result = grade(exercise(), path, QUICK, hide=[home])
    assert result.message.split(" returned ", 1)[1].startswith(("[],", "'absent',")), result.message
    assert (home / "test_sandbox.py").is_file()  # only the sandbox's view was covered


def test_without_the_sandbox_the_limits_still_grade(tmp_path: Path) -> None:
    """The path a machine without namespaces takes (macOS, or user namespaces turned off)."""
    path = tmp_path / "answer.py"
    path.write_text("def probe():\n    return 'ok'\n")
    result = grade(exercise(), path, QUICK, isolation="none")
    assert result.passed and result.sandbox == "none"
    path.write_text("def probe():\n    while True:\n        pass\n")
    assert (
        grade(
            exercise(), path, Limits(timeout=20.0, cpu_seconds=1, memory_mb=512, output_kb=64), isolation="none"
        ).outcome
        == "cpu"
    )


def test_the_sandbox_works_for_a_user_who_is_not_root(tmp_path: Path, require_system) -> None:
    """A learner's laptop: no root, so the supervisor builds its namespaces inside a user namespace.

    Run here by switching to the nobody user (we are root in CI) with the system's Python, which that user
    can run; the supervisor and the harness travel as text, so nothing is written outside tmp_path."""
    import json
    import shutil
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("needs root to become another user; as a non-root user the other tests cover this path")
    python = "/usr/bin/python3"
    require_system(
        "setpriv and the system's python3",
        bool(shutil.which("setpriv")) and Path(python).is_file(),
        "apt-get install -y util-linux python3",
    )
    supervisor = (Path(grader.__file__).with_name("supervisor.py")).read_text()
    harness = (Path(grader.__file__).with_name("harness.py")).read_text()
    source = """
import os, socket
def probe():
    said = [os.getuid()]
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=2)
        said.append("connected")
    except OSError as exc:
        said.append(exc.errno)
    started = 0
    for _ in range(200):
        try:
            if os.fork() == 0:
                import time
                time.sleep(20)
                os._exit(0)
            started += 1
        except OSError:
            break
    said.append(started)
    return said
"""
    spec = {
        "nonce": "n",
        "kind": "function",
        "group": "core",
        "function": "probe",
        "work": "/nonexistent",
        "timeout": 20,
        "files": {"solution.py": source},
        "cases": [{"call": "probe()", "expect": "'ok'"}],
        "limits": {"cpu_seconds": 5, "memory_bytes": 512 << 20, "output_bytes": 65536},
        "isolation": "best",
        "harness": harness,
    }
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", python, "-I", "-c", supervisor, str(write_end)],
        stdin=subprocess.PIPE,
        pass_fds=(write_end,),
        cwd="/",
        start_new_session=True,
    )
    os.close(write_end)
    assert process.stdin is not None
    process.stdin.write(json.dumps(spec).encode())
    process.stdin.close()
    with os.fdopen(read_end, "rb") as channel:
        report = json.loads(channel.read() or b"{}")
    process.wait(timeout=30)
    if report.get("sandbox", {}).get("mode") == "none":
        require_system(
            "unprivileged user namespaces",
            False,
            "sysctl -w kernel.unprivileged_userns_clone=1 (or allow them in AppArmor)",
        )
    assert report["sandbox"]["mode"] == "userns", report
    assert report["sandbox"]["network"] and report["sandbox"]["filesystem"] and report["sandbox"]["pids"]
    uid, network_error, started = eval(report["cases"][0]["got"])
    assert uid == 65534
    assert network_error != "connected"
    assert 0 < started < 100  # RLIMIT_NPROC counted in the user namespace (Linux 5.14 and later)
