"""Moving round the loop: `next`, `pass close`, and step 1's `reference` and `notes`."""

from __future__ import annotations

from typing import Annotated

import typer

from learnloop import config
from learnloop.cli.app import app, make_group, store
from learnloop.cli.render import console, esc, print_json

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.command("next")
def next_(
    skip: Annotated[bool, typer.Option("--skip", help="Skip step 2 or 3 because you already know it.")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why you skip (recorded as a speed-up).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Move to the next step when this one is done (or --skip step 2/3 --reason TEXT)."""
    from learnloop.loop.passes import advance
    from learnloop.loop.rules import step

    with store().session() as session:
        moved = advance(session, config.now(), skip=skip, reason=reason)
    if as_json:
        print_json(moved)
        return
    verb = "Skipped" if moved.skipped else "Done with"
    info = step(moved.to_step)
    console.print(f"{verb} step {moved.from_step}. Now step {moved.to_step}: [bold]{esc(info.title)}[/] — {info.goal}.")


pass_app = make_group("pass", "End a pass with a retrospective; the next one starts at step 0.")


@pass_app.command("close")
def pass_close(
    retro: Annotated[str, typer.Option("--retro", help="A short retrospective: what worked, what to change.")],
    as_json: JsonOption = False,
) -> None:
    """Close the pass at step 6 with a retrospective and start the next one (the focus may stay or change)."""
    from learnloop.loop.passes import close_pass

    with store().session() as session:
        closed, new = close_pass(session, config.now(), retro)
        numbers = (closed.number, new.number, new.focus_id)
    if as_json:
        print_json({"closed": numbers[0], "started": numbers[1], "focus": numbers[2]})
        return
    console.print(
        f"Pass {numbers[0]} closed. Pass {numbers[1]} starts at step 0"
        + (
            f" with focus [magenta]{numbers[2]}[/] still pinned: keep it with [bold cyan]learnloop next[/] "
            "or change it with [bold cyan]learnloop focus ID[/]."
            if numbers[2]
            else "."
        )
    )


reference_app = make_group("reference", "Step 1: the project like your endgame that you study.")


@reference_app.command("add")
def reference_add(
    source: Annotated[
        str, typer.Argument(help="What `learnloop study` accepts: a folder, an archive, OWNER/NAME or a git URL.")
    ],
    why: Annotated[str | None, typer.Option("--why", help="Why this one looks like your endgame.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record the project you study in this pass."""
    from learnloop.loop.references import add_reference

    with store().session() as session:
        ref = add_reference(session, source, why, config.now())
    if as_json:
        print_json(ref)
        return
    console.print(f"Reference for pass {ref.pass_number}: [bold]{esc(ref.source)}[/]")
    console.print(
        "Map it before you read it: [bold cyan]learnloop study PATH[/] · "
        "then [bold cyan]learnloop notes add TEXT --kind pattern|understood|unclear[/]"
    )


@reference_app.command("list")
def reference_list(as_json: JsonOption = False) -> None:
    """This pass's reference project(s), and suggestions from your pinned focus."""
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.passes import current_pass
    from learnloop.loop.references import references, suggestions

    with store().read() as session:
        refs = references(session)
        current = current_pass(session)
        focus_id = current.focus_id if current else None
    ideas = suggestions(load_atlas(), focus_id)
    if as_json:
        print_json({"references": refs, "suggestions": ideas})
        return
    for r in refs:
        console.print(f"[bold]{esc(r.source)}[/]" + (f" — {esc(r.why)}" if r.why else ""))
    if not refs:
        console.print("No reference project yet.")
    if ideas:
        console.print(f"\nSuggested for your focus ([magenta]{focus_id}[/]):")
        for s in ideas:
            console.print(
                f"  [bold]{s.repo}[/] {esc(s.title)} — {esc(s.why)}\n    read first: {', '.join(s.read_first)}"
            )
            if s.status != "active":  # deprecated, superseded, reading-only or archived: say so, and why
                console.print(f"    [yellow]{s.status}[/]: {esc(s.status_note)}")
        console.print(f"\nPick one: [bold cyan]learnloop reference add {ideas[0].repo}[/]")


notes_app = typer.Typer(
    help="Step 1: your three lists (repeated patterns, what you understand, what you don't).",
    invoke_without_command=True,
)
app.add_typer(notes_app, name="notes")


@notes_app.callback()
def notes_show(
    ctx: typer.Context,
    edit: Annotated[
        bool, typer.Option("--edit", help="Open the notes in $EDITOR as Markdown and read them back.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show this pass's notes, grouped by kind (or edit them all with --edit)."""
    if ctx.invoked_subcommand is not None:
        return
    from learnloop.loop.notes import notes, parse_markdown, replace_notes, to_markdown

    if edit:
        with store().read() as session:
            current = notes(session)
        text = _edit(to_markdown(current))
        if text is None:
            console.print("Notes unchanged.")
            return
        parsed = parse_markdown(text)
        with store().session() as session:
            value = replace_notes(session, parsed, config.now())
    else:
        with store().read() as session:
            value = notes(session)
    if as_json:
        print_json(value)
        return
    from learnloop.loop.notes import HEADINGS

    for kind, heading in HEADINGS.items():
        items = getattr(value, kind)
        console.print(f"[bold]{heading}[/] ({len(items)})")
        for n in items:
            console.print(f"  • {esc(n.text)}")
    if not any(getattr(value, k) for k in HEADINGS):
        console.print("[dim]Add one: learnloop notes add TEXT --kind pattern|understood|unclear[/]")


def _edit(text: str) -> str | None:
    """Open ``text`` in $VISUAL / $EDITOR as a Markdown file; the new text, or None if left unchanged."""
    import os
    import shlex
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from learnloop.errors import UserError

    editor = (
        os.environ.get("VISUAL")
        or os.environ.get("EDITOR")
        or next((e for e in ("editor", "nano", "vi") if shutil.which(e)), None)
    )
    if not editor:
        raise UserError("no editor found: set $EDITOR (for example EDITOR=nano)")
    with tempfile.TemporaryDirectory(prefix="learnloop-notes-") as tmp:
        path = Path(tmp) / "notes.md"
        path.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except OSError as exc:
            raise UserError(f"cannot start the editor {editor!r}: {exc.strerror or exc}") from None
        if done.returncode != 0:
            raise UserError(f"the editor exited with code {done.returncode}; notes unchanged")
        edited = path.read_text(encoding="utf-8")
    return None if edited == text else edited


@notes_app.command("add")
def notes_add(
    text: Annotated[str, typer.Argument(help="The note.")],
    kind: Annotated[str, typer.Option("--kind", "-k", help="pattern, understood or unclear.")] = "pattern",
    as_json: JsonOption = False,
) -> None:
    """Add a note to one of the three lists."""
    from learnloop.loop.notes import add_note

    with store().session() as session:
        note = add_note(session, text, kind, config.now())
    if as_json:
        print_json(note)
        return
    console.print(f"Noted ({note.kind}): {esc(note.text)}")
