"""Step 5: one gap."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from learnloop import config
from learnloop.cli.app import MAX_ID, make_group, store
from learnloop.cli.render import console, esc, print_json

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

gap_app = make_group("gap", "Step 5: capture gaps any time; keep only the top one and close it in 1-7 days.")


def _line(g: object) -> str:
    from learnloop.loop.values import GapView

    assert isinstance(g, GapView)
    rank = f"#{g.rank}" if g.rank else ""  # the rank, then "gap N": never two bare numbers side by side
    extra = ""
    if g.status == "kept":
        extra = f" [bold red]overdue since {g.deadline}[/]" if g.overdue else f" [green]kept[/], due {g.deadline}"
    elif g.status != "open":
        extra = f" [dim]{g.status.replace('_', ' ')} (pass {g.pass_number})[/]"
    topic = f" [dim]· {g.topic_id}[/]" if g.topic_id else ""
    return f"{rank:>3} gap [bold]{g.id}[/]: {esc(g.text)}{topic}{extra}"


def _guide(guide: object) -> None:
    from learnloop.loop.gaps import GapGuide

    assert isinstance(guide, GapGuide)
    if guide.topic is None:
        console.print("[dim]No map topic matches this gap; give one with --topic when you add a gap.[/]")
        return
    how = "matched on the map" if guide.matched else "on the map"
    console.print(
        f"\n[bold]{guide.topic.name}[/] ({how}: learnloop map {guide.topic.id})\n  {esc(guide.topic.summary)}"
    )
    if guide.neighbours:
        console.print("Neighbours: " + ", ".join(f"{t.name} [dim]({t.id})[/]" for t in guide.neighbours))
    for r in guide.resources:
        cost = "free" if r.free else "paid"
        console.print(f"  • {esc(r.title)} [dim]({r.kind}, {cost})[/]" + (f" {r.url}" if r.url else ""))


@gap_app.command("add")
def gap_add(
    text: Annotated[str, typer.Argument(help="What you found you do not know.")],
    topic: Annotated[str | None, typer.Option("--topic", help="The map topic it belongs to.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Capture a gap at any moment of the pass."""
    # The light path: plain SQL, and the map only for --topic (cli/light.py, loop/reads.py).
    from learnloop.cli.light import writing
    from learnloop.loop.reads import add_gap

    topics = None
    if topic is not None:
        from learnloop.atlas.glance import cached_facts

        facts = cached_facts()
        topics = facts.topics if facts is not None else None
    with writing() as rows:
        view = add_gap(rows, text, topic, config.now(), topics)
    print_json(view) if as_json else console.print(f"Gap {view.id} noted: {esc(view.text)}")


@gap_app.command("list")
def gap_list(
    show_all: Annotated[
        bool, typer.Option("--all", help="Also the gaps set aside, done or dropped, every pass.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """This pass's gaps, ranked (set-aside ones stay out of sight unless --all)."""
    from learnloop.cli.light import reading
    from learnloop.loop.reads import list_gaps

    with reading() as rows:
        gaps = list_gaps(rows, config.now(), include_all=show_all)
    if as_json:
        print_json(gaps)
        return
    if not gaps:
        console.print("No gaps yet. When you hit one: [bold cyan]learnloop gap add TEXT[/]")
        return
    for g in gaps:
        console.print(_line(g))


@gap_app.command("rank")
def gap_rank(
    order: Annotated[str | None, typer.Option("--order", help="Gap ids, most important first: 3,1,2.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Rank the open gaps (interactive, or --order ID,ID,...)."""
    from learnloop.errors import UserError
    from learnloop.loop.gaps import list_gaps, rank_gaps

    if order is None:
        from rich.prompt import Prompt

        with store().read() as session:
            gaps = [g for g in list_gaps(session, config.now()) if g.status == "open"]
        if not gaps:
            raise UserError("no open gaps to rank: `learnloop gap add TEXT`")
        for g in gaps:
            console.print(_line(g))
        order = Prompt.ask("Gap ids, most important first (comma-separated)")
    try:
        ids = [int(part) for part in order.split(",") if part.strip()]
    except ValueError:
        raise UserError(f"--order wants gap ids separated by commas, e.g. 3,1,2; got {order!r}") from None
    with store().session() as session:
        ranked = rank_gaps(session, ids, config.now())
    if as_json:
        print_json(ranked)
        return
    for g in ranked:
        console.print(_line(g))
    top = next((g for g in ranked if g.status == "open"), None)
    if top:
        console.print(f"\nKeep only the top one: [bold cyan]learnloop gap keep {top.id} --days 3[/]")


@gap_app.command("keep")
def gap_keep(
    gap_id: Annotated[int, typer.Argument(help="The gap to keep.", min=1, max=MAX_ID)],
    days: Annotated[int, typer.Option("--days", help="The time box: 1 to 7 days.")],
    as_json: JsonOption = False,
) -> None:
    """Keep ONE gap with a 1-7 day time box; all others are set aside (kept in history)."""
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.gaps import guide, keep_gap

    atlas = load_atlas()
    with store().session() as session:
        view = keep_gap(session, gap_id, days, config.now())
        info = guide(session, atlas, config.now(), view.id)
    if as_json:
        print_json(info)
        return
    console.print(f"Kept gap {view.id} until {view.deadline}: {esc(view.text)}. The others are set aside.")
    _write_gap_calendar(view.id)
    _guide(info)


def _write_gap_calendar(gap_id: int, out: Path | None = None) -> Path:
    """Write the kept gap's own .ics (in the workspace unless ``out``) and say how to add it."""
    from learnloop.cli.app import settings
    from learnloop.cli.render import calendar_link
    from learnloop.loop.gaps import gap_calendar_for

    with store().read() as session:
        name, data, events = gap_calendar_for(session, config.now(), gap_id)
    from learnloop.files import write_atomic

    target = out or settings().workspace / "gaps" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data, force=True)  # the same time box, rewritten after an extension
    console.print(
        f"Its time box is in [bold]{target}[/] (reminders at the alarm hour); Google Calendar: "
        f"{calendar_link(events[0])}",
        soft_wrap=True,
    )
    return target


@gap_app.command("ics")
def gap_ics(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write the calendar file (default: your workspace's gaps folder)."),
    ] = None,
) -> None:
    """Write the kept gap's time box as a calendar file (again), e.g. after an extension."""
    _write_gap_calendar(_kept_id(), out)


def _kept_id() -> int:
    from learnloop.errors import UserError
    from learnloop.loop.gaps import kept_gap

    with store().read() as session:
        gap = kept_gap(session)
        if gap is None:
            raise UserError("no gap kept yet: `learnloop gap keep ID --days N` first")
        return gap.id


@gap_app.command("show")
def gap_show(
    gap_id: Annotated[int | None, typer.Argument(help="A gap id (default: the kept gap).", min=1, max=MAX_ID)] = None,
    as_json: JsonOption = False,
) -> None:
    """Where to learn a gap: its map topic, the neighbouring topics, resources."""
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.gaps import guide

    with store().read() as session:
        info = guide(session, load_atlas(), config.now(), gap_id)
    if as_json:
        print_json(info)
        return
    console.print(_line(info.gap))
    _guide(info)


@gap_app.command("done")
def gap_done(
    learned: Annotated[str, typer.Option("--learned", help="What you learned.")], as_json: JsonOption = False
) -> None:
    """Close the kept gap."""
    from learnloop.loop.gaps import close_gap

    with store().session() as session:
        view = close_gap(session, learned, config.now())
    print_json(view) if as_json else console.print(
        f"[green]Gap closed[/]: {esc(view.text)}. Next: [bold cyan]learnloop next[/]"
    )


@gap_app.command("extend")
def gap_extend(
    days: Annotated[int, typer.Option("--days", help="Extra days (the total stays within 7).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded as a slow-down).")],
    as_json: JsonOption = False,
) -> None:
    """Give the kept gap more days, within its 7-day time box."""
    from learnloop.loop.gaps import extend_gap

    with store().session() as session:
        view = extend_gap(session, days, reason, config.now())
    print_json(view) if as_json else console.print(f"Gap {view.id} now due {view.deadline}.")


@gap_app.command("drop")
def gap_drop(
    reason: Annotated[str, typer.Option("--reason", help="Why you drop it.")], as_json: JsonOption = False
) -> None:
    """Drop the kept gap (then keep another)."""
    from learnloop.loop.gaps import drop_gap

    with store().session() as session:
        view = drop_gap(session, reason, config.now())
    print_json(view) if as_json else console.print(
        f"Gap {view.id} dropped. Keep another with [bold cyan]learnloop gap keep ID --days N[/]"
    )
