"""`learnloop class join` (registered by cli/classroom.py), `learnloop sync` and `learnloop share`: a laptop
learner in a teacher's class.

The laptop stays the source of truth: `sync` sends a snapshot of this home's loop to the class server, which
replaces what it held for this learner. Nothing on the laptop changes when the server is down or refuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from learnloop import config
from learnloop.cli.app import app, settings, store
from learnloop.cli.render import console, err_console, esc, print_json

if TYPE_CHECKING:
    from learnloop.classroom.membership import Membership

JOIN_LINE = "learnloop class join URL --code CODE"


def join(
    url: Annotated[str, typer.Argument(help="The class server's address, as your teacher gave it (https://...).")],
    code: Annotated[str, typer.Option("--code", help="The invite code your teacher gave (e.g. K7QD-M2XP).")],
    name: Annotated[
        str | None, typer.Option("--name", help="Your name as your teacher will see it (asked when left out).")
    ] = None,
    login: Annotated[
        str | None, typer.Option("--login", help="A login of your choice on the server (default: made from NAME).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Leave the class server this laptop joined before, for this one.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Join your teacher's class from this laptop; then `learnloop sync` sends your progress.

    The token the server gives is kept in your user config folder (mode 600), never in the learnloop home.
    Joining again with another code, from the same laptop and server, adds you to that class too.
    Example: `learnloop class join https://class.example.org --code K7QD-M2XP --name "Ada Lovelace"`.
    """
    from learnloop.classroom.client import ClassServer, TokenRefused, is_plain_remote, server_address
    from learnloop.classroom.membership import (
        Membership,
        MembershipError,
        NotJoined,
        load_membership,
        save_membership,
    )
    from learnloop.errors import UserError

    base = server_address(url)
    home = settings().home
    try:
        held: Membership | None = load_membership()
    except NotJoined:
        held = None
    except MembershipError:
        held = None  # damaged: a new join replaces it
    same = held is not None and held.server == base and held.home == str(home)
    if held is not None and not same and not force:
        raise UserError(
            f"this laptop is in a class at {held.server} (from the home {held.home}); "
            "add --force to leave it for this one"
        )
    if is_plain_remote(base):
        err_console.print(
            f"[bold yellow]warning:[/] {esc(base)} is plain http: your token and progress cross the network "
            "unencrypted (ask your teacher for the https:// address)"
        )
    if name is None:
        name = typer.prompt("Your name, as your teacher will see it")
    with err_console.status(f"joining the class at {esc(base)} …"):
        token = held.token if same and held is not None else None
        try:
            reply = ClassServer(base, token).join(code, name, login)
        except TokenRefused:
            if token is None:
                raise
            same, token = False, None  # the server no longer knows this laptop: join as a new learner
            reply = ClassServer(base).join(code, name, login)
    if reply.token is not None:
        membership = Membership(
            server=base,
            token=reply.token,
            learner_id=reply.learner.id,
            login=reply.learner.login,
            name=reply.learner.name,
            classes=tuple(reply.classes),
            home=str(home),
            joined_at=config.now(),
        )
    else:
        assert held is not None
        membership = held._replace(classes=tuple(reply.classes))
    path = save_membership(membership)
    if as_json:
        print_json({**membership.public(), "joined": reply.joined, "already": reply.already, "token_file": str(path)})
        return
    if reply.already:
        console.print(f"You were in [bold]{esc(reply.joined)}[/] already.")
    else:
        console.print(
            f"Joined [bold]{esc(reply.joined)}[/] at {esc(base)} as {esc(reply.learner.name)} "
            f"(login [bold]{esc(reply.learner.login)}[/])."
        )
    console.print(f"  [dim]token kept in {esc(path)} (readable by you only)[/]")
    console.print("Send your progress now and after each session: [bold cyan]learnloop sync[/]")


def _membership() -> Membership:
    from learnloop.classroom.membership import NotJoined, check_home, load_membership

    try:
        membership = load_membership()
    except NotJoined as exc:
        exc.message += f"; join one first: {JOIN_LINE}"
        exc.args = (exc.message,)
        raise
    check_home(membership, settings().home)
    return membership


@app.command("sync")
def sync(
    check: Annotated[
        bool, typer.Option("--check", help="Only ask the server who this laptop is; send nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Send your progress to your class server, so your teacher sees where you are in the loop.

    What is sent: your passes (steps, their dates, your focus), the events of each step, your projects (title,
    time box, check-ins), your gaps and their boxes, exercise and ladder results, and map marks. Your notes and
    retrospectives stay on this laptop unless you share a pass (`learnloop share`). The server keeps exactly
    what was sent last; sending again changes nothing, and nothing here changes if the server is down.
    """
    from learnloop.classroom.client import ClassServer, ServerError, ServerUnreachable, TokenRefused
    from learnloop.classroom.membership import record_sync

    membership = _membership()
    home = settings()
    if not check and home.is_sqlite and home.database_url is None and not home.database_path.exists():
        from learnloop.errors import UserError

        raise UserError(
            f"the learnloop home {home.home} has no records yet, so there is nothing to send "
            "(sending nothing would empty what your class server holds for you)",
            field="home",
        )
    server = ClassServer(membership.server, membership.token)
    try:
        if check:
            with err_console.status(f"asking {esc(membership.server)} …"):
                me = server.me()
            if as_json:
                print_json(me)
                return
            when = me.last_synced_at.date().isoformat() if me.last_synced_at else "never"
            console.print(
                f"{esc(membership.server)} knows this laptop as {esc(me.learner.name)} "
                f"(login {esc(me.learner.login)}), in {esc(', '.join(me.classes) or 'no class')}; "
                f"last sync: {when}"
            )
            return
        from learnloop.classroom.sync import build_snapshot, snapshot_body, snapshot_counts, snapshot_digest

        with err_console.status("reading your progress …"), store().read() as session:
            snapshot = build_snapshot(session, config.now())
        body = snapshot_body(snapshot)
        with err_console.status(f"sending your progress to {esc(membership.server)} ({len(body):,} bytes) …"):
            reply = server.put_progress(body)
    except TokenRefused as exc:
        exc.message += f": {JOIN_LINE}"
        exc.args = (exc.message,)
        raise
    except ServerUnreachable as exc:
        exc.message += "; nothing was lost, your progress stays on this laptop: run learnloop sync again later"
        exc.args = (exc.message,)
        raise
    except ServerError as exc:
        exc.message += "; nothing changed on this laptop"
        exc.args = (exc.message,)
        raise
    record_sync(reply.synced_at, snapshot_digest(snapshot))
    counts = snapshot_counts(snapshot)
    if as_json:
        print_json(
            {"server": membership.server, "changed": reply.changed, "rows": counts, "synced_at": reply.synced_at}
        )
        return
    what = (
        f"{counts['passes']} pass(es), {counts['gaps']} gap(s), {counts['projects']} project(s), "
        f"{counts['practice']} exercise and ladder result(s)"
    )
    if reply.changed:
        console.print(f"Synced to {esc(membership.server)}: {what}.")
    else:
        console.print(f"Synced to {esc(membership.server)}: nothing new since the last sync ({what}).")
    shared = counts["notes"]
    console.print(
        f"  [dim]{shared} note(s) of shared passes sent; the others stay on this laptop (learnloop share)[/]"
        if shared
        else "  [dim]your notes and retrospectives stay on this laptop (share a pass with: learnloop share)[/]"
    )


@app.command("share")
def share(
    number: Annotated[int | None, typer.Argument(help="The pass to share (default: your current pass).")] = None,
    stop: Annotated[bool, typer.Option("--stop", help="Stop sharing it: the next sync takes its notes back.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Share a pass's notes and retrospective with your class's teachers (sent by the next `learnloop sync`).

    Until you share a pass, its notes, its retrospective and why you chose its reference project stay on this
    laptop. Example: `learnloop share 2`, then `learnloop sync`; `learnloop share 2 --stop` takes them back.
    """
    from learnloop.classroom.view import share_pass
    from learnloop.errors import UserError
    from learnloop.loop.passes import current_pass

    with store().session() as session:
        if number is None:
            newest = current_pass(session)
            if newest is None:
                raise UserError("there is no pass to share yet: learnloop start begins one")
            number = newest.number
        shared_at = share_pass(session, number, config.now(), shared=not stop)
    value = {"number": number, "shared_at": shared_at}
    if as_json:
        print_json(value)
        return
    if shared_at is None:
        console.print(f"Pass {number}'s notes and retrospective are private again.")
    else:
        console.print(f"Pass {number}'s notes and retrospective are shared with your class's teachers.")
    console.print("  [dim]the class server sees the change at your next [bold cyan]learnloop sync[/][/]")
