"""The home page's one button: the loop's next action (a CLI command) as the page or form that does it."""

from __future__ import annotations

from dataclasses import dataclass

from learnloop.loop.passes import Status


@dataclass(frozen=True)
class WebAction:
    label: str
    why: str
    href: str | None = None  # a link to the page that does it...
    post: str | None = None  # ...or a form posted right here
    urgent: bool = False


# Command prefix → (button label, page). The first match wins, so longer prefixes come first.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("learnloop interests", "Rank your interests", "/focus"),
    ("learnloop focus", "Pin one focus", "/focus"),
    ("learnloop reference", "Choose a reference project", "/study#reference"),
    ("learnloop notes", "Write your notes", "/study#notes"),
    ("learnloop study", "Study a repository", "/study#study"),
    ("learnloop exercises", "Do an exercise", "/exercises"),
    ("learnloop ladder", "Climb a ladder", "/ladders"),
    ("learnloop project new", "Start your project", "/project"),
    ("learnloop project", "Open your project", "/project"),
    ("learnloop gap add", "Write down a gap", "/gaps"),
    ("learnloop gap", "Work on your gap", "/gaps"),
    ("learnloop pass close", "Close the pass", "/#retro"),
)


def next_action(status: Status) -> WebAction:
    command = status.next_command
    if command.startswith("learnloop start"):
        label = "Start your first pass" if not status.started else f"Start pass {(status.pass_number or 0) + 1}"
        return WebAction(label, status.next_why, post="/start", urgent=status.urgent)
    if command == "learnloop next":
        target = (status.step or 0) + 1
        return WebAction(f"Move on to step {target}", status.next_why, post="/next", urgent=status.urgent)
    for prefix, label, href in PAGES:
        if command.startswith(prefix):
            return WebAction(label, status.next_why, href=href, urgent=status.urgent)
    return WebAction("Open the map", status.next_why, href="/map", urgent=status.urgent)
