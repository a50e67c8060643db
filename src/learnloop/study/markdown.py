"""The study report as Markdown (``--format md``, and the web page's download)."""

from __future__ import annotations

from collections.abc import Sequence

from learnloop.study.printable import code_span, markdown_text, printable
from learnloop.study.report import Library, Place, ReadingStep, StudyReport, symbols_text

MAX_ROWS = 40


def _cell(text: object) -> str:
    return printable(text).replace("|", "\\|")


def _at(path: str, line: int | None) -> str:
    return code_span(path) + (f" line {line}" if line else "")


def _words(text: str) -> str:
    """One of our sentences that may quote the studied tree: control characters escaped, no new lines."""
    return printable(text)


def _place(place: Place) -> str:
    return f"- {_at(place.path, place.line)}: {_words(place.what)}"


def _step(number: int, step: ReadingStep) -> list[str]:
    lines = [f"{number}. **{step.stage}** {code_span(step.path)}: {_words(step.reason)}"]
    if step.summary:
        lines.append(f"   - {markdown_text(step.summary)}")
    if step.symbols:
        lines.append(f"   - defines {symbols_text(step.symbols)}")
    return lines


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _more(total: int, shown: int, what: str) -> list[str]:
    return ["", f"... and {total - shown} more {what} (all of them are in `--format json`)."] if total > shown else []


def library_cards(library: Library) -> str:
    """Where a library sits on the map, in a few words: its card(s), then the focuses whose stack holds it."""
    words = [f"{t.name} (`learnloop map {t.id}`)" for t in library.topics]
    focuses = list(dict.fromkeys(s.focus_name for s in library.stacks))
    if focuses:
        shown = ", ".join(focuses[:3]) + (f" and {len(focuses) - 3} more" if len(focuses) > 3 else "")
        words.append(f"in the stack of {shown}")
    return "; ".join(words)


def report_markdown(report: StudyReport) -> str:
    t = report.totals
    out = [
        f"# Study of {markdown_text(report.name)}",
        "",
        f"Source: {code_span(report.source)}. {t.files:,} files, {t.lines:,} lines ({t.code:,} of code), "
        f"{t.python_files:,} Python files, {t.notebooks:,} notebooks. Nothing in it was run.",
        "",
    ]
    out += ["## Size", ""]
    out += _table(
        ["language", "files", "code", "comment", "blank"],
        [
            [
                c.language,
                c.files,
                c.code if c.language != "other" else "-",
                c.comment if c.language != "other" else "-",
                c.blank if c.language != "other" else "-",
            ]
            for c in report.languages
        ],
    )
    out += ["", "## Libraries it imports", ""]
    if report.third_party:
        rows = [
            [
                lib.import_name,
                lib.distribution or "",
                lib.installed_version or "not installed",
                "yes" if lib.declared else "no",
                lib.modules,
                library_cards(lib) or "-",
            ]
            for lib in report.third_party[:MAX_ROWS]
        ]
        out += _table(["import", "pip install", "here", "declared", "modules", "on the map"], rows)
        out += _more(len(report.third_party), MAX_ROWS, "libraries")
    else:
        out.append("No third-party imports.")
    if report.stdlib:
        out += ["", "Standard library: " + ", ".join(code_span(lib.import_name) for lib in report.stdlib) + "."]
    if report.internal:
        out += ["", "Its own top-level modules: " + ", ".join(code_span(n) for n in report.internal[:MAX_ROWS]) + "."]
    if report.dependencies:
        out += ["", "## Declared dependencies", ""]
        out += _table(
            ["name", "requirement", "group", "declared in"],
            [[d.name, code_span(d.spec), d.group, code_span(d.source)] for d in report.dependencies[:MAX_ROWS]],
        )
        out += _more(len(report.dependencies), MAX_ROWS, "dependencies")
    w = report.where
    out += ["", "## How to run it", ""]
    out += [_place(p) for p in w.run] or ["No command found in the README, and no script: it is a library."]
    out += ["", "## Where things are", ""]
    for title, places in (
        ("Data comes from", w.data),
        ("The model is defined", w.model),
        ("Training happens", w.training),
        ("The trained model is used", w.evaluation),
    ):
        if places:
            out += [f"{title}:", "", *(_place(p) for p in places), ""]
    if not (w.data or w.model or w.training or w.evaluation):
        out += ["No data loading, model or training loop recognised.", ""]
    out += ["## Entry points", ""]
    if report.entry_points:
        for e in report.entry_points[:MAX_ROWS]:
            label = f" {code_span(e.name)}" if e.name else ""
            detail = f": {_words(e.detail)}" if e.detail else ""
            run = f"; run {code_span(e.command)}" if e.command and not e.named_in else ""
            named = f"; quoted in {code_span(e.named_in)}: {code_span(e.quote)}" if e.named_in else ""
            out.append(f"- {e.kind}{label} in {_at(e.path, e.line)}{detail}{run}{named}")
        out += _more(report.entry_points_total, len(report.entry_points[:MAX_ROWS]), "entry points")
    else:
        out.append("None found: it is a library; start at the modules that define its classes.")
    if report.models:
        out += ["", "## Where the models are defined", ""]
        for m in report.models[:MAX_ROWS]:
            out.append(
                f"- {code_span(m.name)} in {_at(m.path, m.line)}: a {m.framework} model "
                f"(subclass of {code_span(m.base)})"
            )
        out += _more(report.models_total, len(report.models[:MAX_ROWS]), "model classes")
    g = report.graph
    out += ["", "## Import graph", "", f"{len(g.nodes):,} modules, {len(g.edges):,} imports between them."]
    if g.hubs:
        out.append(
            "Hubs (imported by the most modules, tests not counted): "
            + ", ".join(f"{code_span(h.module)} ({h.imported_by})" for h in g.hubs)
            + "."
        )
    if g.cycles:
        out.append(f"{len(g.cycles)} group(s) of modules import each other; the largest has {len(g.cycles[0])}.")
    out += ["", "## Reading order", ""]
    for number, step in enumerate(report.reading_order, start=1):
        out += _step(number, step)
    if report.problems:
        out += ["", "## Files that did not parse", ""]
        for p in report.problems[:MAX_ROWS]:
            out.append(f"- {_at(p.path, p.line)} ({p.kind}): {_words(p.message)}")
        out += _more(len(report.problems), MAX_ROWS, "files")
    if report.notices or report.excluded:
        out += ["", "## Left out", ""]
        for n in report.notices[:MAX_ROWS]:
            out.append(f"- {code_span(n.path)} ({n.kind}): {_words(n.detail)}")
        out += _more(len(report.notices), MAX_ROWS, "notices")
        if report.excluded:
            shown = ", ".join(code_span(e) for e in report.excluded[:15])
            extra = f" and {len(report.excluded) - 15} more" if len(report.excluded) > 15 else ""
            out.append(f"- Folders not read: {shown}{extra}.")
    return "\n".join(out) + "\n"
