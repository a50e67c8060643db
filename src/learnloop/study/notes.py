"""The notes file a learner fills in while reading: the article's three lists, with prompts from the study.

Step 1 of the method: read a project like your endgame and note the patterns that repeat, what you
understand, and what you do not. The prompts point at what the report found (the libraries that
come back, the model classes, the hubs, the files that would not parse) so the page is never blank.
"""

from __future__ import annotations

from datetime import date

from learnloop.study.printable import code_span, printable
from learnloop.study.report import StudyReport


def notes_template(report: StudyReport, *, today: date | None = None) -> str:
    when = f" ({today.isoformat()})" if today else ""
    lines = [
        f"# Notes on {report.name}{when}",
        "",
        f"Studied from `{report.source}`. Read in this order, ticking as you go:",
        "",
    ]
    for step in report.reading_order:
        lines.append(f"- [ ] {code_span(step.path)} ({step.stage}): {printable(step.reason)}")
    lines += ["", "## Repeated patterns", "", "<!-- What comes back again and again? Some places to look: -->"]
    for lib in report.third_party[:5]:
        lines.append(
            f"- {code_span(lib.import_name)} is imported by {lib.modules} module(s): what is it used for each time?"
        )
    frameworks = sorted({m.framework for m in report.models})
    if report.models:
        names = ", ".join(code_span(m.name) for m in report.models[:6])
        lines.append(f"- Model classes ({', '.join(frameworks)}): {names}. What do their methods have in common?")
    for hub in report.graph.hubs[:3]:
        lines.append(
            f"- {code_span(hub.module)} is imported by {hub.imported_by} modules: what does everyone need from it?"
        )
    lines += [
        "- ",
        "",
        "## What I understand",
        "",
        "<!-- Write it in your own words: a sentence per idea is enough. -->",
    ]
    entries = {e.path for e in report.entry_points}
    entry = next((s for s in report.reading_order if s.path in entries), None)
    if entry:
        lines.append(f"- How {code_span(entry.path)} starts the program: ")
    lines += [
        "- ",
        "",
        "## What I don't understand (yet)",
        "",
        "<!-- Each line here is a gap candidate for step 5 of the loop, when you rank your gaps. -->",
    ]
    where = report.where
    # questions about the places that matter, not a list of every library
    if where.data:
        place = where.data[0]
        lines.append(
            f"- Where the data comes from ({code_span(place.path)} line {place.line}): what shape is it "
            "when it reaches the model? "
        )
    if where.model:
        place = where.model[0]
        lines.append(
            f"- {printable(place.what)} ({code_span(place.path)} line {place.line}): what does each "
            "layer do to its input? "
        )
    if where.training:
        place = where.training[0]
        lines.append(
            f"- The training loop ({code_span(place.path)} line {place.line}): what is the loss, and "
            "what updates the weights? "
        )
    missing = [lib.import_name for lib in report.third_party if lib.installed_version is None and not lib.optional_only]
    if missing:
        lines.append(
            "- Not installed on this machine (needed to run it): " + ", ".join(code_span(m) for m in missing[:5])
        )
    for problem in report.problems[:3]:
        lines.append(f"- {code_span(problem.path)} could not be parsed ({problem.kind}): is it old or broken code?")
    lines += ["- ", ""]
    return "\n".join(lines)
