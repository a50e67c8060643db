"""`learnloop serve`: loopback by default, --allow-remote for anything else, one line when the port is taken."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from learnloop.cli.web import is_loopback


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")


def test_other_hosts_need_allow_remote(cli: Callable[..., Any]) -> None:
    result = cli("serve --host 0.0.0.0")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--allow-remote" in result.stderr


def test_allow_remote_warns(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    apps: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: (calls.append(kwargs), apps.append(app)))
    result = cli(f"serve --host 0.0.0.0 --allow-remote box.lan --allow-remote 192.168.1.5 --port {free_port()}")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "anyone who can reach this address" in result.stderr
    assert calls and calls[0]["host"] == "0.0.0.0"
    hosts = apps[0].state.server.options.hosts
    assert {"box.lan", "192.168.1.5", "127.0.0.1", "localhost", "::1"} <= hosts and "0.0.0.0" not in hosts


def test_open_points_the_browser_at_the_page(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import webbrowser

    import uvicorn

    opened: list[str] = []
    done = threading.Event()
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: None)
    monkeypatch.setattr(webbrowser, "open", lambda url: (opened.append(url), done.set()))
    port = free_port()
    result = cli(f"serve --port {port} --open")
    assert result.exit_code == 0, result.output
    assert done.wait(10) and opened == [f"http://127.0.0.1:{port}/"]


def test_port_in_use_is_one_line(cli: Callable[..., Any]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli(f"serve --port {port}")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_serve_answers_on_loopback(home: Path) -> None:
    """The installed command, as a user types it: the page answers, Ctrl-C (SIGINT) stops it cleanly."""
    port = free_port()
    script = Path(sys.executable).parent / "learnloop"
    env = {**os.environ, "LEARNLOOP_HOME": str(home)}
    server = subprocess.Popen(
        [str(script), "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        body = ""
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert body == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert "Start your first pass" in response.read().decode()
    finally:
        server.send_signal(2)
        out, err = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err


def test_serve_class_passes_its_options(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    apps: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: apps.append(app))
    result = cli(f"serve --class --behind-tls --job-quota 3 --port {free_port()}")
    assert result.exit_code == 0, result.output
    options = apps[0].state.server.options
    assert options.class_mode and options.behind_tls and options.job_quota == 3
    assert "SQLite" in result.stderr and "trial class" in result.stderr  # says what a trial class is


def test_workers_are_for_a_class_server(cli: Callable[..., Any]) -> None:
    result = cli(f"serve --workers 2 --port {free_port()}")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--class" in result.stderr


def test_a_class_server_on_another_address_needs_allow_remote(cli: Callable[..., Any]) -> None:
    result = cli("serve --class --host 0.0.0.0")
    assert result.exit_code == 2 and "--allow-remote" in result.stderr and result.stderr.count("\n") == 1
