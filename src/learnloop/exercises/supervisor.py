"""The grader's trusted side of the sandbox: build the sandbox, run the learner's code in it, judge it.

Started by :mod:`learnloop.exercises.grader` as ``python -I supervisor.py RESULT_FD`` with the check's
spec (learner files, hidden cases with their answers, limits, a nonce) on stdin. It reports once, as one
JSON document carrying the nonce, on the pipe ``RESULT_FD``: a descriptor the learner's processes never
inherit. The learner's code never sees the answers: it only gets the calls (or the command lines) and
sends back the values it produced, which are judged here.

On Linux it builds the sandbox from kernel namespaces (``unshare(2)``, through ctypes so it needs no
extra binary):

- a new **network** namespace: no interface but a loopback that is down, so no socket reaches anything;
- a new **mount** namespace, private, where every mount is remounted read-only, ``/tmp`` (and ``/run``,
  ``/var/tmp``, ``/dev/shm``) are replaced by small fresh tmpfs, and the learner's folder is the only
  writable place (size-capped, in memory);
- a new **pid** namespace whose init is this supervisor: the learner sees no other process, cannot signal
  the grader or the web server, and when the supervisor ends the kernel kills every process left in it;
- the learner runs as a **throwaway user id** (when we are root) or as the learner's own id without
  capabilities (in a user namespace when we are not), with RLIMIT_NPROC counting only its own processes,
  plus the CPU, memory, file-size and core limits.

Where a step is not possible the supervisor says so in its report (``mode`` and ``missing``); with
``isolation: "required"`` it refuses to run the learner's code at all instead.

Only the standard library is imported, plus NumPy / pandas for the exercises that need them.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import math
import numbers
import os
import secrets
import select
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38

MAX_SPEC = 64 * 1024 * 1024
MAX_CHANNEL = 16 * 1024 * 1024  # what the learner's side may send back, all cases together
MAX_READ_BACK = 1024 * 1024  # a file a script wrote, read back to compare
MAX_REPR = 160
WORK_MB = 64  # the learner's writable folder, in memory
NPROC = 48  # processes and threads of the learner's user id
INSIDE = Path("/tmp/work")  # the learner's folder as it sees it, inside the sandbox
HARNESS = ""  # the learner-side runner's source, read at start


# ------------------------------------------------------------------------------------------ the kernel
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _call(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def _mount(
    libc: ctypes.CDLL, source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    _call(
        libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def _write_map(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)


class Box:
    """What this run's sandbox has: filled by :func:`enter` and sent in the report."""

    def __init__(self) -> None:
        self.mode = "none"  # "root" (namespaces + throwaway uid), "userns" (namespaces in a user ns), "none"
        self.network = False
        self.filesystem = False
        self.pids = False
        self.user: int | None = None  # the throwaway uid, when there is one
        self.nproc = False
        self.missing: list[str] = []
        self.work = Path()

    def facts(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "network": self.network,
            "filesystem": self.filesystem,
            "pids": self.pids,
            "own_user": self.user is not None,
            "nproc": self.nproc,
            "missing": self.missing,
        }


def enter(box: Box, fallback_work: Path, result_fd: int, hide: list[str]) -> bool:
    """Build the sandbox around this process. Returns False in the launcher (it only waits), True in the
    process that goes on: the sandbox's init, or this process itself when there is no sandbox."""
    if not sys.platform.startswith("linux"):
        box.missing.append("not Linux: no namespaces")
        box.work = fallback_work
        return True
    libc = _libc()
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    try:
        if uid == 0:
            _call(libc.unshare(flags), "unshare")
            box.mode = "root"
        else:
            _call(libc.unshare(flags | CLONE_NEWUSER), "unshare")
            _write_map("/proc/self/setgroups", "deny")
            _write_map("/proc/self/uid_map", f"{uid} {uid} 1")
            _write_map("/proc/self/gid_map", f"{gid} {gid} 1")
            box.mode = "userns"
        _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)  # nothing we mount leaks out
    except OSError as exc:
        box.mode = "none"
        box.missing.append(f"no namespaces ({exc.strerror})")
        box.work = fallback_work
        return True
    box.network = True
    child = os.fork()
    if child:  # the launcher: wait for the sandbox's init, then go
        os.close(result_fd)
        while True:
            try:
                _, status = os.waitpid(child, 0)
                break
            except ChildProcessError:
                status = 0
                break
        os._exit(os.waitstatus_to_exitcode(status) if status else 0)
    # the sandbox's init (pid 1 of the new pid namespace)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # the grader kills the launcher: we go too
    box.pids = os.getpid() == 1
    _build_filesystem(libc, box, hide)
    if box.mode == "root":
        box.user = 200_000 + secrets.randbelow(1_000_000_000)
    box.nproc = box.mode == "root" or _kernel_counts_nproc_per_namespace()
    return True


def _kernel_counts_nproc_per_namespace() -> bool:
    """RLIMIT_NPROC counts per user namespace from Linux 5.14; before, it counted all the user's processes."""
    try:
        major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 14)


def _readable_prefixes() -> list[Path]:
    """Folders the learner's Python needs to read (the interpreter and its libraries)."""
    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).resolve().parent}
    paths.update(Path(p) for p in sys.path if p and Path(p).is_dir())
    return sorted(paths)


def _closed_ancestor(path: Path) -> Path | None:
    """The highest ancestor of ``path`` that other users cannot pass through (e.g. a 0700 /root)."""
    for ancestor in reversed(path.parents):
        if ancestor == Path("/"):
            continue
        with contextlib.suppress(OSError):
            if not os.stat(ancestor).st_mode & stat.S_IXOTH:
                return ancestor
    return None


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _kept_under_tmp(hide: list[str]) -> list[tuple[str, int]]:
    """The interpreter's folders that live under /tmp (a venv made there, an editable checkout), opened before
    /tmp is covered by the scratch tmpfs, so they can be bound back read-only; never one that holds the home."""
    kept: list[tuple[str, int]] = []
    tmp = Path("/tmp")
    for prefix in _readable_prefixes():  # sorted: a parent comes before its children
        try:
            real = prefix.resolve()
        except OSError:
            continue
        if not _under(real, tmp) or real == tmp or any(_under(Path(h).resolve(), real) for h in hide):
            continue
        if any(_under(real, Path(k)) for k, _ in kept):
            continue
        with contextlib.suppress(OSError):
            kept.append((str(real), os.open(real, os.O_PATH)))
    return kept


def _build_filesystem(libc: ctypes.CDLL, box: Box, hide: list[str]) -> None:
    try:
        under_tmp = _kept_under_tmp(hide)
        # keep the interpreter reachable through folders other users cannot enter (a pyenv under /root):
        # the folder is covered by an empty tmpfs that shows only the interpreter's own tree
        reopen: list[tuple[str, int]] = []
        for prefix in _readable_prefixes():
            closed = _closed_ancestor(prefix)
            if closed is not None and box.mode == "root":
                keep = closed / prefix.relative_to(closed).parts[0]
                if all(k != str(keep) for k, _ in reopen):
                    reopen.append((str(keep), os.open(keep, os.O_PATH)))
        covered: set[str] = set()
        for kept, _fd in reopen:
            parent = str(Path(kept).parent)
            if parent not in covered:
                _mount(libc, "tmpfs", parent, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
                covered.add(parent)
        for kept, fd in reopen:
            os.makedirs(kept, exist_ok=True)
            _mount(libc, f"/proc/self/fd/{fd}", kept, None, MS_BIND | MS_REC)
            os.close(fd)
        for hidden in hide:  # the learnloop home: its files are not even readable from inside
            if os.path.isdir(hidden) and not os.path.islink(hidden):
                try:
                    _mount(libc, "tmpfs", hidden, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=755")
                except OSError:
                    box.missing.append(f"could not hide {hidden}")
        _mount(libc, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        failed = []
        for target in reversed([line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()]):
            target = target.replace("\\040", " ")
            if libc.mount(None, target.encode(), None, ctypes.c_ulong(MS_REMOUNT | MS_BIND | MS_RDONLY), None):
                flags_keep = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV  # a locked mount
                if libc.mount(None, target.encode(), None, ctypes.c_ulong(flags_keep), None):
                    failed.append(target)
        for hidden in ("/run", "/var/run", "/var/tmp", "/dev/shm"):  # unix sockets and shared scratch space
            if os.path.isdir(hidden) and not os.path.islink(hidden):
                with contextlib.suppress(OSError):
                    _mount(libc, "tmpfs", hidden, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=755")
        _mount(libc, "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={WORK_MB}m,mode=755")
        for kept, fd in under_tmp:  # the interpreter stays reachable, read-only
            os.makedirs(kept, mode=0o755, exist_ok=True)
            _mount(libc, f"/proc/self/fd/{fd}", kept, None, MS_BIND | MS_REC)
            os.close(fd)
            if libc.mount(None, kept.encode(), None, ctypes.c_ulong(MS_REMOUNT | MS_BIND | MS_RDONLY), None):
                failed.append(kept)
        INSIDE.mkdir(mode=0o755)
        (Path("/tmp") / "out").mkdir(mode=0o700)
        box.work = INSIDE
        box.filesystem = not failed
        if failed:
            box.missing.append("could not make read-only: " + ", ".join(failed[:5]))
    except OSError as exc:
        box.missing.append(f"no read-only file system ({exc})")
        box.work = INSIDE if INSIDE.is_dir() else Path("/tmp")


# -------------------------------------------------------------------------------- running the learner
class Run:
    """One process of the learner's: what it did, in facts (the grader words them)."""

    def __init__(self) -> None:
        self.status = 0
        self.timed_out = False
        self.channel = b""
        self.channel_overflow = False
        self.memory_exceeded = False  # all its processes together used more than the memory limit
        self.stdout = ""
        self.stderr = ""


def _limit(limits: dict[str, int], box: Box):
    import resource

    def apply() -> None:  # runs in the child, after the user switch, before exec (we are single-threaded)
        pairs = [
            ("RLIMIT_CPU", limits["cpu_seconds"]),
            ("RLIMIT_AS", limits["memory_bytes"]),
            ("RLIMIT_FSIZE", limits["output_bytes"]),
            ("RLIMIT_CORE", 0),
        ]
        if box.nproc:
            pairs.append(("RLIMIT_NPROC", NPROC))
        for name, value in pairs:
            resource.setrlimit(getattr(resource, name), (value, value))
        if sys.platform.startswith("linux"):
            _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)

    return apply


def _environment(folder: Path) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(folder),
        TMPDIR=str(folder),
        PYTHONIOENCODING="utf-8",
        PYTHONDONTWRITEBYTECODE="1",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="Agg",
    )
    return env


def _fresh_folder(box: Box, name: str, files: dict[str, str]) -> Path:
    folder = box.work / name
    folder.mkdir(mode=0o755)
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if box.user is not None:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, box.user, box.user)
    return folder


def run_learner(
    box: Box, folder: Path, argv: list[str], limits: dict[str, int], deadline: float, stdin: bytes = b""
) -> Run:
    """Run one learner process in ``folder`` until it ends or the deadline, then sweep what it left."""
    run = Run()
    out_dir = Path("/tmp/out") if box.work == INSIDE else folder.parent
    out_path, err_path = out_dir / f"{folder.name}.out", out_dir / f"{folder.name}.err"
    read_end, write_end = os.pipe()
    os.set_inheritable(write_end, True)
    user: dict[str, Any] = {} if box.user is None else {"user": box.user, "group": box.user, "extra_groups": []}
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, *argv],
            cwd=folder,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            env={**_environment(folder), "LEARNLOOP_CHANNEL": str(write_end)},
            pass_fds=(write_end,),
            start_new_session=True,
            preexec_fn=_limit(limits, box),
            **user,
        )
    os.close(write_end)
    if process.stdin is not None:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.write(stdin)
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
    chunks: list[bytes] = []
    size = 0
    open_channel = True
    ended = False  # the learner's process ended: what it left in the pipe is read, then we stop
    next_count = 0.0
    while open_channel:
        if box.pids and time.monotonic() >= next_count:  # RLIMIT_AS is per process: count them all
            next_count = time.monotonic() + 0.1
            if _sandbox_memory() > limits["memory_bytes"]:
                run.memory_exceeded = True
                break
        left = deadline - time.monotonic()
        if left <= 0:
            run.timed_out = True
            break
        ready, _, _ = select.select([read_end], [], [], 0 if ended else min(left, 0.05))
        if not ready and ended:
            break  # its children may hold the pipe open; they are swept below
        if not ready and process.poll() is not None:
            ended = True
        if ready:
            data = os.read(read_end, 65536)
            if not data:
                open_channel = False
            elif size + len(data) > MAX_CHANNEL:
                run.channel_overflow = True
                break
            else:
                chunks.append(data)
                size += len(data)
    os.close(read_end)
    while not run.timed_out and not run.channel_overflow and not run.memory_exceeded:
        try:
            run.status = process.wait(timeout=max(0.01, deadline - time.monotonic()))
            break
        except subprocess.TimeoutExpired:
            run.timed_out = True
    sweep(box, process)
    if run.timed_out or run.channel_overflow or run.memory_exceeded:
        run.status = process.wait()
    run.channel = b"".join(chunks)
    run.stdout = _read_capped(out_path, limits["output_bytes"])
    run.stderr = _read_capped(err_path, limits["output_bytes"])
    return run


def _sandbox_memory() -> int:
    """Resident bytes of every process in the sandbox but its init (we are pid 1: /proc shows only ours)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit() and entry != "1":
            with (
                contextlib.suppress(OSError, ValueError, IndexError),
                open(f"/proc/{entry}/statm", encoding="ascii") as handle,
            ):
                total += int(handle.read().split()[1]) * page
    return total


def sweep(box: Box, process: subprocess.Popen[bytes]) -> None:
    """Kill every process the learner started. As the pid namespace's init, kill(-1) reaches all of them;
    without one, the learner's session (a process that made its own session escapes this)."""
    if not box.pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)
    process.wait()
    # every process of the namespace is our child now (orphans come to init): wait until none is left,
    # so that when the check ends, nothing the learner started still exists, not even as a zombie
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(-1, signal.SIGKILL)  # one forked between the kill and now
            time.sleep(0.005)


def _read_capped(path: Path, cap: int) -> str:
    return read_back(path, cap) or ""


def read_back(path: Path, cap: int = MAX_READ_BACK) -> str | None:
    """A regular file the learner's code wrote, without following links, at most ``cap`` bytes; None when
    it is missing or not a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, cap + 1)
    finally:
        os.close(fd)
    return data[:cap].decode("utf-8", errors="replace")


# ------------------------------------------------------------------------------------------- values
def decode(tree: Any, depth: int = 0) -> Any:
    """Rebuild a value the learner's side encoded (plain JSON, tagged containers); never runs code."""
    if depth > 60:
        raise ValueError("too deeply nested")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [decode(x, depth + 1) for x in tree]
    if not isinstance(tree, dict) or len(tree) != 1:
        raise ValueError("not an encoded value")
    ((tag, body),) = tree.items()
    if tag == "tuple":
        return tuple(decode(x, depth + 1) for x in body)
    if tag in ("set", "frozenset"):
        items = [decode(x, depth + 1) for x in body]
        return set(items) if tag == "set" else frozenset(items)
    if tag == "dict":
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in body}
    if tag == "bytes":
        return bytes.fromhex(body)
    if tag == "object":
        return Opaque(str(body.get("type", "?")), str(body.get("repr", "?")))
    import numpy as np

    if tag == "npscalar":
        return np.dtype(body["dtype"]).type(body["value"])
    if tag == "ndarray":
        dtype = np.dtype(body["dtype"])
        if dtype.kind not in "biufcUSb?":
            dtype = np.dtype(object)
        return np.array(decode(body["data"], depth + 1), dtype=dtype).reshape(body["shape"])
    import pandas as pd

    if tag == "series":
        series = pd.Series(
            decode(body["data"], depth + 1),
            index=_index(body["index"], depth),
            name=decode(body["name"], depth + 1),
            dtype=object,
        )
        return _typed(series, str(body.get("dtype", "object")))
    if tag == "frame":
        columns = decode(body["columns"], depth + 1)
        index = _index(body["index"], depth)
        dtypes = [str(t) for t in body.get("dtypes", [])]
        data = {}
        for i, col in enumerate(body["data"]):
            column = pd.Series(decode(col, depth + 1), index=index, dtype=object)
            data[i] = _typed(column, dtypes[i] if i < len(dtypes) else "object")
        frame = pd.DataFrame(data, index=index)
        frame.columns = pd.Index(columns)
        return frame
    raise ValueError(f"unknown tag {tag!r}")


def _index(tree: Any, depth: int) -> Any:
    import pandas as pd

    if not isinstance(tree, dict):
        raise ValueError("not an encoded index")
    if "range" in tree:
        start, stop, step = (int(x) for x in tree["range"])
        return pd.RangeIndex(start, stop, step)
    labels = decode(tree["labels"], depth + 1)
    index = pd.Index(labels, dtype=object)
    return _typed(index, str(tree.get("dtype", "object")))


SAFE_DTYPES = {
    "int64",
    "int32",
    "float64",
    "float32",
    "bool",
    "object",
    "str",
    "string",
    "category",
    "datetime64[ns]",
    "uint8",
    "int8",
    "int16",
    "uint16",
    "uint32",
    "uint64",
}


def _typed(values: Any, dtype: str) -> Any:
    """``values`` (built as objects) as the dtype the learner's side had, when it is a plain one."""
    if dtype == "object" or dtype not in SAFE_DTYPES:
        return values.infer_objects() if hasattr(values, "infer_objects") else values
    try:
        return values.astype(dtype)
    except (TypeError, ValueError):
        return values


class Opaque:
    """A value of the learner's own type: it equals nothing (its ``__eq__`` ran on the other side)."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


def describe(value: Any) -> str:
    """A short, readable form of a value for a message."""
    pandas = sys.modules.get("pandas")
    try:
        if pandas is not None and isinstance(value, pandas.DataFrame):
            return f"a DataFrame of shape {value.shape}:\n{value.to_string(max_rows=8, max_cols=8)}"
        if pandas is not None and isinstance(value, pandas.Series):
            return f"a Series of length {len(value)}:\n{value.to_string(max_rows=8)}"
        text = repr(value)
    except Exception:
        text = f"a {type(value).__name__} that cannot be printed"
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + " ..."


def same(got: Any, want: Any, compare: str) -> bool:
    try:
        return compare_values(got, want, compare)
    except (TypeError, ValueError):
        return False


def compare_values(got: Any, want: Any, compare: str) -> bool:
    if isinstance(got, Opaque):
        return False
    if compare == "equal":
        return type(got) is type(want) and got == want if isinstance(want, bool) else bool(got == want)
    if compare == "close":
        return (
            isinstance(got, numbers.Real)
            and not isinstance(got, bool)
            and math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9)
        )
    if compare == "array":
        import numpy as np

        got_array, want_array = np.asarray(got), np.asarray(want)
        return (
            isinstance(got, np.ndarray)
            and got_array.shape == want_array.shape
            and bool(np.allclose(got_array, want_array, equal_nan=True))
        )
    if compare in ("frame", "series"):
        import pandas as pd
        import pandas.testing as pdt

        kind = pd.DataFrame if compare == "frame" else pd.Series
        if not isinstance(got, kind):
            return False
        check: Any = pdt.assert_frame_equal if compare == "frame" else pdt.assert_series_equal
        try:
            check(got, want, check_dtype=False, check_exact=False, check_names=False)
        except AssertionError:
            return False
        return True
    raise LookupError(f"unknown comparison {compare!r}")


# ---------------------------------------------------------------------------------------- the checks
def _messages(run: Run) -> list[dict[str, Any]]:
    out = []
    for line in run.channel.split(b"\n"):
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict):
            out.append(message)
    return out


def _run_facts(run: Run) -> dict[str, Any]:
    return {
        "status": run.status,
        "timed_out": run.timed_out,
        "overflow": run.channel_overflow,
        "memory_trouble": run.memory_exceeded or "MemoryError" in run.stderr or "Cannot allocate memory" in run.stderr,
    }


def check_function(box: Box, spec: dict[str, Any], deadline: float) -> dict[str, Any]:
    files = {"solution.py": spec["files"]["solution.py"], "harness.py": HARNESS}
    folder = _fresh_folder(box, "run", files)
    calls = json.dumps(
        {
            "function": spec["function"],
            "group": spec["group"],
            "calls": [[case["call"], case.get("compare") == "raises"] for case in spec["cases"]],
        }
    ).encode()
    run = run_learner(box, folder, ["-I", "harness.py"], spec["limits"], deadline, stdin=calls)
    facts = _run_facts(run)
    namespace: dict[str, Any] = {}  # for the answers, imported after the learner's time has run
    if spec["group"] in ("numpy", "pandas"):
        import numpy as np

        namespace["np"] = np
    if spec["group"] == "pandas":
        import pandas as pd

        namespace["pd"] = pd
    answers: dict[int, dict[str, Any]] = {}
    for message in _messages(run):
        if "load_error" in message and "loaded" not in facts:
            facts["loaded"], facts["load_error"] = False, str(message["load_error"])[:2000]
        elif message.get("loaded") is True and "loaded" not in facts:
            facts["loaded"] = True
        elif isinstance(message.get("case"), int) and message["case"] not in answers:
            answers[message["case"]] = message
    cases: list[dict[str, Any]] = []
    for index, case in enumerate(spec["cases"]):
        answer = answers.get(index)
        if answer is None:
            break
        outcome: dict[str, Any] = {"call": case["call"], "why": case.get("why")}
        compare = case.get("compare", "equal")
        if "raised" in answer:
            if compare == "raises" and answer["raised"] == case["expect"]:
                outcome["passed"] = True
                cases.append(outcome)
                continue
            outcome.update(passed=False, error=str(answer.get("error", "raised an exception"))[:2000])
            cases.append(outcome)
            break
        try:
            got = decode(answer.get("value"))
        except Exception:  # whatever the learner's side sent, it is not a value we can judge
            outcome.update(passed=False, error="returned a value the grader could not read back")
            cases.append(outcome)
            break
        if compare == "raises":
            outcome.update(passed=False, error=f"returned {describe(got)}, but it should raise {case['expect']}")
            cases.append(outcome)
            break
        want = eval(case["expect"], dict(namespace))
        ok = same(got, want, compare)
        outcome["passed"] = ok
        cases.append(outcome)
        if not ok:
            outcome.update(got=describe(got), want=describe(want))
            break
    facts["cases"] = cases
    return facts


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip("\n").split("\n"))


def _quote(text: str) -> str:
    text = _normal(text)
    return repr(text if len(text) <= MAX_REPR else text[:MAX_REPR] + " ...")


def check_script(box: Box, spec: dict[str, Any], deadline: float) -> dict[str, Any]:
    """Each case: a fresh folder with the learner's files and the case's files, the script run with the
    case's arguments; then its exit status, its output and the files it wrote are compared here."""
    facts: dict[str, Any] = {
        "loaded": True,
        "cases": [],
        "status": 0,
        "timed_out": False,
        "overflow": False,
        "memory_trouble": False,
    }
    for index, case in enumerate(spec["cases"]):
        files = {**case.get("files", {}), **spec["files"], **case.get("replace", {})}
        folder = _fresh_folder(box, f"case{index}", files)
        script = case.get("run") or spec["run"]
        command = " ".join(["python", script, *[_shell_word(a) for a in case.get("args", [])]])
        outcome: dict[str, Any] = {"call": command, "why": case.get("why")}
        run = run_learner(
            box,
            folder,
            ["-E", "-s", script, *case.get("args", [])],
            spec["limits"],
            deadline,
            stdin=case.get("stdin", "").encode(),
        )
        run_facts = _run_facts(run)
        if run.timed_out or run.status < 0 or run.memory_exceeded:
            facts.update(run_facts)
            facts["cases"].append({**outcome, "passed": False})
            return facts
        problem = _script_problem(case, run, folder)
        outcome["passed"] = problem is None
        if problem is not None:
            outcome["kind"], outcome["error"] = problem
        facts["cases"].append(outcome)
        if problem is not None:
            facts["memory_trouble"] = run_facts["memory_trouble"]
            break
    return facts


def _shell_word(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _script_problem(case: dict[str, Any], run: Run, folder: Path) -> tuple[str, str] | None:
    """(kind, words) of the first thing wrong: "error" when it stopped wrongly, "failed" when it ran and
    gave a wrong answer; None when the case passes."""
    want_status = case.get("exit", 0)
    last_error = _last_line(run.stderr)
    if want_status == 0 and run.status != 0:
        said = f": {last_error}" if last_error else ""
        return "error", f"stopped with exit status {run.status}{said}"
    if want_status != 0 and run.status == 0:
        return "failed", "finished with exit status 0, but it should stop with a non-zero status"
    if want_status != 0 and "Traceback (most recent call last)" in run.stderr:
        return "error", f"stopped with a traceback ({last_error}): catch the error and say it in one line instead"
    if "stdout" in case and _normal(run.stdout) != _normal(case["stdout"]):
        return "failed", f"printed {_quote(run.stdout)}, but it should print {_quote(case['stdout'])}"
    for needle in case.get("stdout_has", []):
        if needle.lower() not in run.stdout.lower():
            return "failed", f"printed {_quote(run.stdout)}, which does not mention {needle!r}"
    for needle in case.get("stderr_has", []):
        if needle.lower() not in (run.stderr + run.stdout).lower():
            return "failed", f"said {_quote(run.stderr or run.stdout)}, which does not mention {needle!r}"
    for name, want in case.get("outputs", {}).items():
        got = read_back(folder / name)
        if got is None:
            return "failed", f"did not write the file {name}"
        if _normal(got) != _normal(want):
            return "failed", f"wrote {_quote(got)} into {name}, but it should hold {_quote(want)}"
    for name in case.get("absent", []):
        if os.path.lexists(folder / name):
            return "failed", f"left a file {name} behind, which it should not write in this case"
    return None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:300] if lines else ""


# ------------------------------------------------------------------------------------------------ main
def main() -> None:
    result_fd = int(sys.argv[1])
    spec = json.loads(sys.stdin.buffer.read(MAX_SPEC))
    started = time.monotonic()
    global HARNESS  # read before the sandbox hides the folder we live in
    HARNESS = spec.get("harness") or Path(__file__).with_name("harness.py").read_text(encoding="utf-8")
    box = Box()
    if spec.get("isolation") == "none":  # asked for no sandbox (to measure what it stops)
        box.missing.append("the sandbox was turned off for this check")
        box.work = Path(spec["work"])
    elif not enter(box, Path(spec["work"]), result_fd, [str(p) for p in spec.get("hide", [])]):
        return
    report: dict[str, Any] = {"nonce": spec["nonce"], "sandbox": box.facts()}
    if spec.get("probe"):
        pass
    elif spec.get("isolation") == "required" and not (box.network and box.filesystem and box.pids):
        report["refused"] = True
    else:
        deadline = started + spec["timeout"]
        try:
            if spec["kind"] == "script":
                report.update(check_script(box, spec, deadline))
            else:
                report.update(check_function(box, spec, deadline))
        except Exception as exc:
            report["internal_error"] = f"{type(exc).__name__}: {exc}"
    with os.fdopen(result_fd, "w", encoding="utf-8") as channel:
        channel.write(json.dumps(report))
    if box.pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)


if __name__ == "__main__":
    main()
