"""`learnloop serve`: the web dashboard on this machine (loopback unless told otherwise)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from learnloop.cli.app import app, settings
from learnloop.cli.render import console, err_console

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in your web browser.")] = False,
    allow_remote: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-remote",
            metavar="NAME",
            help="Also answer requests for this host name or address (repeatable); "
            "needed for a --host other machines can reach. Without --class there are no accounts: anyone who "
            "reaches it can use it.",
        ),
    ] = None,
    root: Annotated[
        list[Path] | None,
        typer.Option(
            "--root",
            metavar="FOLDER",
            help="Also let the study and project forms use folders under FOLDER "
            "(repeatable; the workspace is always allowed).",
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, max=16, help="Long jobs (baseline, study) run at once.")] = 2,
    class_mode: Annotated[
        bool,
        typer.Option(
            "--class",
            help="Serve a class: people sign in (accounts from `learnloop class init` and invite codes), each sees "
            "only their own records, teachers see their classes. Use PostgreSQL (LEARNLOOP_DATABASE_URL); SQLite is "
            "for a trial class.",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option("--workers", min=1, max=64, help="Server processes (with --class; each has its own --jobs pool)."),
    ] = 1,
    behind_tls: Annotated[
        bool,
        typer.Option(
            "--behind-tls",
            help="A TLS proxy (nginx, Caddy) serves this over HTTPS: mark the sign-in cookie Secure even when "
            "the proxy talks plain HTTP to us.",
        ),
    ] = False,
    job_quota: Annotated[
        int,
        typer.Option("--job-quota", min=1, max=50, help="With --class: jobs one student may have waiting or running."),
    ] = 2,
) -> None:
    """Open the web dashboard: the whole loop in a browser, with the same powers as these commands.

    It answers only 127.0.0.1, localhost and [::1] (and the names given with --allow-remote), so another web
    site cannot reach it through your browser. Example: `learnloop serve --root ~/code --jobs 3`.
    A class server: `learnloop serve --class --host 0.0.0.0 --allow-remote class.example.org --workers 4
    --behind-tls` (behind nginx or Caddy for HTTPS; see the README's "Run a class server").
    """
    from learnloop.errors import UserError

    names = [n.strip() for n in allow_remote or [] if n.strip()]
    if workers > 1 and not class_mode:
        raise UserError("--workers N is for a class server: add --class (your own dashboard needs one process)")
    if not is_loopback(host) and not class_mode:
        if not names:
            raise UserError(
                f"--host {host} lets other machines reach your learnloop; add --allow-remote NAME "
                "(the name or address they will type) if you mean it"
            )
        err_console.print(
            f"[bold yellow]warning:[/] listening on {host}: anyone who can reach this address can "
            "read and change your learnloop data (there are no accounts yet)."
        )
    elif not is_loopback(host) and not names:
        raise UserError(
            f"--host {host}: add --allow-remote NAME (the name or address students will type) so the class "
            "server answers it"
        )
    if host not in ("0.0.0.0", "::") and not is_loopback(host):
        names.append(host)
    folders = []
    for folder in root or []:
        resolved = folder.expanduser().absolute()
        if not resolved.is_dir():
            raise UserError(f"--root {folder}: not a folder")
        folders.append(resolved)
    check_port_free(host, port)
    import uvicorn

    from learnloop.web.app import WebOptions, create_app
    from learnloop.web.guard import allowed_hosts

    options = WebOptions(
        hosts=allowed_hosts(names),
        roots=tuple(folders),
        pool=jobs,
        class_mode=class_mode,
        behind_tls=behind_tls,
        job_quota=job_quota,
    )
    if class_mode and settings().is_sqlite:
        err_console.print(
            "[bold yellow]note:[/] this class server keeps its data in SQLite, which is fine for a trial class; "
            "for a real one set LEARNLOOP_DATABASE_URL to a PostgreSQL database."
        )
    if workers > 1:
        _serve_workers(options, host, port, workers)
        return
    web_app = create_app(settings(), options=options)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown if host not in ('0.0.0.0', '::') else '127.0.0.1'}:{port}/"
    console.print(f"learnloop is at [bold cyan]{url}[/] · Ctrl-C stops it")
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False)


def _serve_workers(options: object, host: str, port: int, workers: int) -> None:
    """Several server processes: each builds its app from the same settings (an app factory), so nothing a
    request needs lives in one process's memory only (sessions, sign-in limits and jobs are in the database)."""
    import os

    import uvicorn

    from learnloop.store.db import open_store
    from learnloop.web.app import OPTIONS_ENV, options_to_json

    chosen = settings()
    from learnloop.web.app import csrf_key_for

    open_store(chosen).dispose()  # migrate once, here, before the workers start (and fail with one line)
    csrf_key_for(chosen)  # made once here, so every process signs forms with the same key
    os.environ[OPTIONS_ENV] = options_to_json(chosen, options)  # type: ignore[arg-type]
    console.print(f"learnloop class server on {host}:{port} with {workers} processes · Ctrl-C stops it")
    uvicorn.run(
        "learnloop.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def check_port_free(host: str, port: int) -> None:
    """Fail with one line before starting when the address is taken or unusable (uvicorn would exit 1)."""
    import socket

    from learnloop.errors import UserError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UserError(f"--host {host} is not an address of this machine") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise UserError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                hint="another program uses it? try --port 8001",
            ) from None
