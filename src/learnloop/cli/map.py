"""Step 0 commands: the map, search, resources, interests, focus and its stack."""

from __future__ import annotations

from typing import Annotated

import typer

from learnloop import config
from learnloop.cli.app import app, store
from learnloop.cli.render import console, print_json

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.command("map")
def map_(
    topic: Annotated[str | None, typer.Argument(help="A topic id (e.g. svm) to see its card.")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only this kind: paradigm, model, application, tool, math, concept.")
    ] = None,
    mark: Annotated[
        str | None,
        typer.Option(
            "--mark",
            help="Mark the topic done, in-progress or skipped "
            "(none clears it); closing a gap on a topic marks it done.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """See the field of machine learning as a tree, or one topic's card.

    Examples: `learnloop map`, `learnloop map --kind model`, `learnloop map xgboost`,
    `learnloop map xgboost --mark done`.
    """
    from learnloop.atlas.load import load_atlas
    from learnloop.atlas.schema import TOPIC_KINDS
    from learnloop.errors import UserError

    atlas = load_atlas()
    if mark is not None:
        if topic is None:
            raise UserError("name the topic to mark: `learnloop map TOPIC --mark done`")
        from learnloop.loop.marks import mark_topic

        with store().session() as session:
            result = mark_topic(session, atlas, topic, mark, config.now())
        if as_json:
            print_json(result)
        else:
            name = atlas.topics[topic].name
            console.print(f"{name}: [bold]{result.mark}[/]" if result.mark else f"{name}: mark cleared")
        return
    if topic is not None:
        card = atlas.topic(topic)
        if as_json:
            print_json(card)
        else:
            render_card(card)
        return
    if kind is not None and kind not in TOPIC_KINDS:
        raise UserError(f"unknown kind {kind!r}; choose one of {', '.join(TOPIC_KINDS)}")
    kinds = [kind] if kind else list(TOPIC_KINDS)
    marked = _marks()
    if as_json:
        print_json(
            {
                k: [
                    {**t.model_dump(mode="json"), "mark": marked.get(t.id)}
                    for t in atlas.topics.values()
                    if t.kind == k
                ]
                for k in kinds
            }
        )
        return
    from rich.tree import Tree

    from learnloop.loop.values import progress

    counts = {p.kind: p for p in progress(atlas, marked, kinds)}
    signs = {"done": "[green]✔[/] ", "in-progress": "[yellow]◐[/] ", "skipped": "[dim]↷[/] "}
    total_done = sum(p.done for p in counts.values())
    tree = Tree(f"[bold]Machine learning[/] · {len(atlas.topics)} topics" + (f" · {total_done} done" if marked else ""))
    for k in kinds:
        # A list, not a generator: a generator here would make `k` a closure cell, which the JSON branch's
        # comprehension shadows; Python 3.13.0-3.13.2 crash reading such a frame's f_locals (pydantic does on a
        # deferred build). tests/test_comprehensions.py keeps the pattern out of src.
        members = sorted([t for t in atlas.topics.values() if t.kind == k], key=lambda t: t.name.lower())
        p = counts[k]
        tally = (
            f"{p.done}/{p.topics} done"
            + (f", {p.in_progress} in progress" if p.in_progress else "")
            + (f", {p.skipped} skipped" if p.skipped else "")
            if marked
            else str(len(members))
        )
        branch = tree.add(
            f"[bold magenta]{k}s[/] ({tally})" if not k.endswith("h") else f"[bold magenta]{k}[/] ({tally})"
        )
        for t in members:
            branch.add(f"{signs.get(marked.get(t.id, ''), '')}{t.name} [dim]{t.id}[/]")
    console.print(tree)
    console.print("[dim]A topic's card: learnloop map ID · search: learnloop search WORDS[/]")


def _marks() -> dict[str, str]:
    """The learner's marks on the map; none before the home has a database (the map needs no store)."""
    from learnloop.cli.app import settings

    if settings().is_sqlite and not settings().database_path.exists():
        return {}
    from learnloop.cli.light import reading
    from learnloop.loop.reads import marks

    with reading() as rows:  # the light path: plain SQL, no ORM (cli/light.py)
        return marks(rows)


def render_card(topic: object) -> None:
    from rich.panel import Panel
    from rich.table import Table

    from learnloop.atlas.load import load_atlas

    atlas = load_atlas()
    t = topic
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("what", t.summary)  # type: ignore[attr-defined]
    grid.add_row("why", t.why)  # type: ignore[attr-defined]
    model = t.model  # type: ignore[attr-defined]
    if model is not None:
        grid.add_row("task", ", ".join(model.task))
        grid.add_row("in code", model.estimator)
        grid.add_row("good at", "; ".join(model.strengths))
        grid.add_row("weak at", "; ".join(model.weaknesses))
        grid.add_row("cost", model.cost)
        if model.lab:
            grid.add_row("run it", f"[bold cyan]learnloop try {model.lab}[/]")

    def names(ids: list[str]) -> str:
        return ", ".join(f"{atlas.topics[i].name} [dim]({i})[/]" for i in ids)

    if t.prerequisites:  # type: ignore[attr-defined]
        grid.add_row("first", names(t.prerequisites))  # type: ignore[attr-defined]
    if t.related:  # type: ignore[attr-defined]
        grid.add_row("related", names(t.related))  # type: ignore[attr-defined]
    res = atlas.resources_for(t.id)  # type: ignore[attr-defined]
    if res:
        grid.add_row(
            "learn",
            "\n".join(f"{r.title} [dim]({r.kind}, {r.level}, {'free' if r.free else 'paid'})[/]" for r in res[:8]),
        )
    console.print(
        Panel(
            grid,
            title=f"[bold]{t.name}[/] [dim]{t.kind} · {t.id}[/]",  # type: ignore[attr-defined]
            title_align="left",
        )
    )


@app.command()
def search(
    query: Annotated[list[str], typer.Argument(help="Words to look for, e.g. `graph neural`.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=200, help="Most hits to show.")] = 15,
    as_json: JsonOption = False,
) -> None:
    """Search the map's topics, resources, focuses and data sets, best match first.

    When nothing matches well it says the term is not on the map and shows the nearest topics instead
    (--json: {"on_map": false, "hits": [], "nearest": [...]}).
    """
    from learnloop.atlas.load import load_atlas
    from learnloop.atlas.search import look_up

    words = " ".join(query)
    result = look_up(load_atlas(), words, limit=limit)
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    if not result.on_map:
        console.print(f"[bold]{words!r} is not on the map.[/]")
        if result.nearest:
            console.print("Nearest topics (not matches):")
            for h in result.nearest:
                console.print(f"  {h.name} [dim]{h.id}[/]")
            console.print(f"[dim]A topic's card: learnloop map {result.nearest[0].id} · or try other words[/]")
        else:
            console.print("Nothing on the map comes close. Try fewer or other words.")
        return
    table = Table(box=None, header_style="bold")
    for col in ("score", "kind", "id", "name"):
        table.add_column(col)
    for h in result.hits:
        table.add_row(f"{h.score:.0f}", f"{h.kind}/{h.detail}" if h.kind != "focus" else "focus", h.id, h.name)
    console.print(table)
    _print_practice([h.id for h in result.hits if h.kind == "topic"])


def _print_practice(topic_ids: list[str]) -> None:
    """The best topic hit's practice links, worded as the commands that run them."""
    from learnloop.atlas.load import load_atlas

    atlas = load_atlas()
    topic = next((atlas.topics[i] for i in topic_ids if atlas.topics[i].practice), None)
    if topic is None:
        return
    console.print(f"\nPractise {topic.name}:")
    for p in topic.practice:
        if p.kind == "lab":
            command = f"learnloop try {p.id}"
        elif p.kind == "focus":
            command = f"learnloop focus {p.id}"
        else:
            data = atlas.datasets[p.id]
            command = (
                f"learnloop baseline {p.id} --target {data.target}"
                if data.form == "table" and data.target
                else f"learnloop project new TITLE --data {p.id} --days 14"
            )
        console.print(f"  [bold cyan]{command}[/] [dim]· {p.why}[/]")


@app.command()
def resources(
    kind: Annotated[str | None, typer.Option(help="book, blog, community, event, course, video, ...")] = None,
    topic: Annotated[str | None, typer.Option(help="Only resources for this topic id.")] = None,
    level: Annotated[str | None, typer.Option(help="beginner, intermediate or advanced.")] = None,
    free: Annotated[bool, typer.Option("--free", help="Only free resources.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Books, blogs, communities, events and courses, filtered as you like."""
    from learnloop.atlas.catalog import filter_resources
    from learnloop.atlas.load import load_atlas

    found = filter_resources(load_atlas(), kind=kind, topic=topic, level=level, free_only=free)
    if as_json:
        print_json(found)
        return
    from rich.table import Table

    table = Table(header_style="bold", box=None)
    for col in ("kind", "title", "by", "level", "cost"):
        table.add_column(col)
    for r in found:
        by = ", ".join(r.authors[:2]) + (" et al." if len(r.authors) > 2 else "")
        title = f"[link={r.url}]{r.title}[/link]" if r.url else r.title
        table.add_row(r.kind, title, by, r.level, "free" if r.free else "paid")
    console.print(table)
    console.print(f"[dim]{len(found)} resource(s)[/]")


interests_app = typer.Typer(
    help="Rank what draws you in machine learning, most wanted first.",
    no_args_is_help=False,
    invoke_without_command=True,
)
app.add_typer(interests_app, name="interests")


@interests_app.callback()
def interests_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show your ranking (or rank with `learnloop interests rank`)."""
    if ctx.invoked_subcommand is not None:
        return
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.focus import interests

    with store().read() as session:
        ranked = interests(session, load_atlas())
    if as_json:
        print_json(ranked)
        return
    if not ranked:
        console.print("No ranking yet: [bold cyan]learnloop interests rank[/]")
        return
    for r in ranked:
        console.print(f"{r.rank:>2}. {r.name} [dim]{r.focus_id}[/]" + ("  [bold green]◀ pinned[/]" if r.pinned else ""))


@interests_app.command("rank")
def interests_rank(
    order: Annotated[str | None, typer.Option("--order", help="Focus ids, most wanted first: a,b,c.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Rank the focuses you could pin (interactive, or --order a,b,c for scripts)."""
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.focus import parse_order, rank_interests

    atlas = load_atlas()
    if order is None:
        order = _prompt_order(atlas)
    with store().session() as session:
        ranked = rank_interests(session, atlas, parse_order(order), config.now())
    if as_json:
        print_json(ranked)
        return
    for r in ranked:
        console.print(f"{r.rank:>2}. {r.name} [dim]{r.focus_id}[/]")
    console.print(f"\nPin your top one for this pass: [bold cyan]learnloop focus {ranked[0].focus_id}[/]")


def _prompt_order(atlas: object) -> str:
    from rich.prompt import Prompt

    focuses = list(atlas.focuses.values())  # type: ignore[attr-defined]
    for i, f in enumerate(focuses, start=1):
        console.print(f"{i:>2}. [bold]{f.name}[/] [dim]{f.id}[/] · {f.summary.split('. ')[0]}")
    answer = Prompt.ask("\nYour interests, most wanted first (numbers or ids, separated by commas)")
    ids = []
    for part in answer.split(","):
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= len(focuses):
            ids.append(focuses[int(part) - 1].id)
        elif part:
            ids.append(part)
    return ",".join(ids)


@interests_app.command("keep")
def interests_keep() -> None:
    """Keep your ranking as it is for this pass (pass 2 and later start by looking at it again)."""
    from learnloop.loop.passes import keep_ranking

    with store().session() as session:
        current = keep_ranking(session, config.now())
        focus_id = current.focus_id
    console.print(
        "Ranking kept."
        + (
            f" Confirm your focus: [bold cyan]learnloop focus {focus_id}[/]"
            if focus_id
            else " Pin one focus: [bold cyan]learnloop focus ID[/]"
        )
    )


@app.command()
def focus(
    focus_id: Annotated[
        str | None,
        typer.Argument(help="The focus to pin. Without it: the list of focuses, your ranking and the pinned one."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Pin ONE focus for this pass; everything else waits (the article: pin one, leave the rest).

    `learnloop focus` alone lists the focuses you can pin, with your ranking and the one pinned now.
    """
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.focus import pin_focus

    atlas = load_atlas()
    if focus_id is None:
        _list_focuses(atlas, as_json)
        return
    with store().session() as session:
        pinned = pin_focus(session, atlas, focus_id, config.now())
    f = atlas.focuses[pinned]
    if as_json:
        print_json({"focus": pinned, "name": f.name})
        return
    console.print(f"Pinned: [bold magenta]{f.name}[/]. This is what you learn this pass, and nothing else.")
    console.print("Its stack: [bold cyan]learnloop stack --check[/] · then [bold cyan]learnloop next[/]")


def _list_focuses(atlas: object, as_json: bool) -> None:
    from learnloop.loop.focus import interests
    from learnloop.loop.passes import current_pass

    with store().read() as session:
        ranked = {r.focus_id: r.rank for r in interests(session, atlas)}  # type: ignore[arg-type]
        current = current_pass(session)
        pinned = current.focus_id if current is not None and current.closed_at is None else None
    focuses = list(atlas.focuses.values())  # type: ignore[attr-defined]
    focuses.sort(key=lambda f: (ranked.get(f.id, 10**6), f.name.lower()))
    rows = [
        {
            "id": f.id,
            "name": f.name,
            "rank": ranked.get(f.id),
            "pinned": f.id == pinned,
            "ideas": len(f.ideas),
            "summary": f.summary,
        }
        for f in focuses
    ]
    if as_json:
        print_json({"pinned": pinned, "focuses": rows})
        return
    from rich.table import Table

    table = Table(header_style="bold", box=None)
    for col in ("rank", "id", "name", "ideas", ""):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["rank"] or "-"),
            str(r["id"]),
            str(r["name"]),
            str(r["ideas"]),
            "[bold green]◀ pinned[/]" if r["pinned"] else "",
        )
    console.print(table)
    console.print(
        "Pinned: "
        + (f"[bold magenta]{pinned}[/]" if pinned else "none yet")
        + " · pin one: [bold cyan]learnloop focus ID[/] · its ideas: [bold cyan]learnloop ideas[/]"
    )


@app.command()
def stack(
    focus_id: Annotated[str | None, typer.Argument(help="A focus id; default: the pinned focus.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Say what is installed here (nothing is imported).")] = False,
    as_json: JsonOption = False,
) -> None:
    """The packages practitioners of a focus use; --check compares them with this machine."""
    from learnloop.atlas.load import load_atlas
    from learnloop.atlas.stack import stack as focus_stack
    from learnloop.errors import UserError

    if focus_id is None:
        from learnloop.loop.passes import current_pass

        with store().read() as session:
            current = current_pass(session)
            focus_id = current.focus_id if current else None
        if focus_id is None:
            raise UserError("no focus pinned yet: pin one, or name the focus whose stack you want", field="focus_id")
    report = focus_stack(load_atlas(), focus_id, check=check)
    if as_json:
        print_json(report)
        return
    from rich.table import Table

    table = Table(title=f"Stack for {report.focus_name}", header_style="bold", box=None, title_justify="left")
    for col in ("package", "import", "role") + (("here",) if check else ()):
        table.add_column(col)
    for p in report.packages:
        row = [p.pip, p.import_name, p.role]
        if check:
            row.append(
                f"[green]{p.version or 'yes'}[/]"
                if p.installed
                else f"[red]missing[/]{' (extra: ' + p.extra + ')' if p.extra else ''}"
            )
        table.add_row(*row)
    console.print(table)
    if report.install_command:
        console.print(f"Install what is missing: [bold cyan]{report.install_command}[/]")
