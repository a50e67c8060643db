"""The index of top-level commands: which module defines each one, and the line `learnloop --help` shows for it.

`learnloop` builds only the command it runs: the root group reads this index, imports the one module named here
and builds that command alone (Typer would otherwise build all of them, and their parameters, on every run).
`tests/cli/test_commands_index.py` checks the index against the commands the modules really define; after adding
or renaming a command, run ``python -m learnloop.cli.commands`` and paste what it prints here.
"""

from __future__ import annotations

from typing import NamedTuple


class CommandEntry(NamedTuple):
    name: str
    module: str  # under learnloop.cli
    summary: str


# The loop's order: `learnloop --help` lists them so.
COMMANDS: tuple[CommandEntry, ...] = (
    CommandEntry("start", "status", "Begin your first pass round the loop, at step 0 (immerse yourself in the field)."),
    CommandEntry("map", "map", "See the field of machine learning as a tree, or one topic's card."),
    CommandEntry("search", "map", "Search the map's topics, resources, focuses and data sets, best match first."),
    CommandEntry("resources", "map", "Books, blogs, communities, events and courses, filtered as you like."),
    CommandEntry("interests", "map", "Rank what draws you in machine learning, most wanted first."),
    CommandEntry(
        "focus", "map", "Pin ONE focus for this pass; everything else waits (the article: pin one, leave the rest)."
    ),
    CommandEntry("stack", "map", "The packages practitioners of a focus use; --check compares them with this machine."),
    CommandEntry("next", "loop", "Move to the next step when this one is done (or --skip step 2/3 --reason TEXT)."),
    CommandEntry("reference", "loop", "Step 1: the project like your endgame that you study."),
    CommandEntry(
        "study",
        "study",
        "Map a repository before you read it: size, libraries (with their map cards), entry points, models, "
        "import graph and a reading order.",
    ),
    CommandEntry("notes", "loop", "Step 1: your three lists (repeated patterns, what you understand, what you don't)."),
    CommandEntry(
        "exercises",
        "exercises",
        "Step 2: check the Python you need with short exercises in core Python, NumPy, pandas and scripts.",
    ),
    CommandEntry("ladder", "ladder", "Step 3: learn the libraries top-down, one task at 3-4 levels of abstraction."),
    CommandEntry("project", "project", "Step 4: one project you care about, time-boxed to 7-31 days."),
    CommandEntry("ideas", "project", "Project ideas for step 4, each with its offline data set and time box."),
    CommandEntry(
        "datasets",
        "project",
        "The offline data sets of the map: rows × columns, target, licence, and the command that uses each.",
    ),
    CommandEntry("try", "lab", "Run one model on a small offline data set, say what it did, and draw its idea."),
    CommandEntry(
        "baseline",
        "lab",
        "Cross-validate every classic model family on a table and rank them, with a verdict for each.",
    ),
    CommandEntry("gap", "gap", "Step 5: capture gaps any time; keep only the top one and close it in 1-7 days."),
    CommandEntry("pass", "loop", "End a pass with a retrospective; the next one starts at step 0."),
    CommandEntry("history", "history", "Every pass: focus, days per step, project, gap, speed-ups and slow-downs."),
    CommandEntry(
        "export", "transfer", "Write everything you recorded (passes, notes, projects, gaps, ...) to one JSON file."
    ),
    CommandEntry(
        "import",
        "transfer",
        "Load an export into an EMPTY learnloop home (use --home NEW_FOLDER); never merges silently.",
    ),
    CommandEntry(
        "settings",
        "status",
        "Show or change your settings: the time zone days are counted in, and the hour reminders ring.",
    ),
    CommandEntry(
        "doctor",
        "doctor",
        "Check your learnloop home without changing it: the folder, stray journals, the schema, and every "
        "page of the database (SQLite's quick_check).",
    ),
    CommandEntry(
        "serve", "web", "Open the web dashboard: the whole loop in a browser, with the same powers as these commands."
    ),
    CommandEntry(
        "class",
        "classroom",
        "Run a class server: the first admin, teachers, classes, invite codes and rosters (at the server's shell).",
    ),
    CommandEntry(
        "demo",
        "demo",
        "Replay the article author's first pass (GNN for a supply chain) in a throwaway home, command by command.",
    ),
)

BY_NAME: dict[str, CommandEntry] = {entry.name: entry for entry in COMMANDS}

# Every module that defines commands (each imported once by `real_commands` for the index check).
MODULES: tuple[str, ...] = tuple(dict.fromkeys(entry.module for entry in COMMANDS))


def real_commands() -> list[CommandEntry]:
    """Import every command module and list what it really defines (slow: for the index test and this module's main)."""
    import importlib

    import typer.main

    from learnloop.cli.app import app

    for module in MODULES:
        importlib.import_module(f"learnloop.cli.{module}")
    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        callback = command.callback
        module = _module_of(app, name) or (callback.__module__ if callback else "")
        found.append(CommandEntry(name, module.rsplit(".", 1)[-1], command.get_short_help_str(limit=300)))
    return found


def _module_of(app: object, name: str) -> str | None:
    """The module that registered group ``name`` (a group's own callback is Typer's, not ours)."""
    import typer.main

    for info in app.registered_groups:  # type: ignore[attr-defined]
        instance = info.typer_instance
        if (info.name or instance.info.name) == name and instance.registered_commands:
            return str(instance.registered_commands[0].callback.__module__)
    for info in app.registered_commands:  # type: ignore[attr-defined]
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            return str(info.callback.__module__)
    return None


if __name__ == "__main__":  # print the index as it should read
    order = {entry.name: i for i, entry in enumerate(COMMANDS)}
    for entry in sorted(real_commands(), key=lambda e: order.get(e.name, len(order))):
        print(f"    CommandEntry({entry.name!r}, {entry.module!r}, {entry.summary!r}),")
