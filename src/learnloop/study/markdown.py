"""The study report as Markdown (``--format md``, and the web page's download)."""

from __future__ import annotations

from learnloop.study.report import Library, StudyReport

MAX_ROWS = 40


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
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
    out = [f"# Study of {report.name}", "",
           f"Source: `{report.source}`. {t.files:,} files, {t.lines:,} lines ({t.code:,} of code), "
           f"{t.python_files:,} Python files, {t.notebooks:,} notebooks. Nothing in it was run.", ""]
    out += ["## Size", ""]
    out += _table(["language", "files", "code", "comment", "blank"],
                  [[c.language, c.files, c.code if c.language != "other" else "-",
                    c.comment if c.language != "other" else "-", c.blank if c.language != "other" else "-"]
                   for c in report.languages])
    out += ["", "## Libraries it imports", ""]
    if report.third_party:
        rows = [[lib.import_name, lib.distribution or "", lib.installed_version or "not installed",
                 "yes" if lib.declared else "no", lib.modules, library_cards(lib) or "-"]
                for lib in report.third_party[:MAX_ROWS]]
        out += _table(["import", "pip install", "here", "declared", "modules", "on the map"], rows)
        out += _more(len(report.third_party), MAX_ROWS, "libraries")
    else:
        out.append("No third-party imports.")
    if report.stdlib:
        out += ["", "Standard library: " + ", ".join(f"`{lib.import_name}`" for lib in report.stdlib) + "."]
    if report.internal:
        out += ["", "Its own top-level modules: " + ", ".join(f"`{n}`" for n in report.internal[:MAX_ROWS]) + "."]
    if report.dependencies:
        out += ["", "## Declared dependencies", ""]
        out += _table(["name", "requirement", "group", "declared in"],
                      [[d.name, d.spec, d.group, d.source] for d in report.dependencies[:MAX_ROWS]])
        out += _more(len(report.dependencies), MAX_ROWS, "dependencies")
    out += ["", "## Entry points", ""]
    if report.entry_points:
        for e in report.entry_points[:MAX_ROWS]:
            where = f"`{e.path}`" + (f" line {e.line}" if e.line else "")
            label = f" `{e.name}`" if e.name else ""
            detail = f": {e.detail}" if e.detail else ""
            out.append(f"- {e.kind}{label} in {where}{detail}")
        out += _more(len(report.entry_points), MAX_ROWS, "entry points")
    else:
        out.append("None found: it is a library; start at its top-level package.")
    if report.models:
        out += ["", "## Where the models are defined", ""]
        for m in report.models[:MAX_ROWS]:
            out.append(f"- `{m.name}` in `{m.path}` line {m.line}: a {m.framework} model (subclass of `{m.base}`)")
        out += _more(len(report.models), MAX_ROWS, "model classes")
    g = report.graph
    out += ["", "## Import graph", "",
            f"{len(g.nodes):,} modules, {len(g.edges):,} imports between them."]
    if g.hubs:
        out.append("Hubs (imported by the most modules, tests not counted): "
                   + ", ".join(f"`{h.module}` ({h.imported_by})" for h in g.hubs) + ".")
    if g.cycles:
        out.append(f"{len(g.cycles)} group(s) of modules import each other; the largest has {len(g.cycles[0])}.")
    out += ["", "## Reading order", ""]
    for number, step in enumerate(report.reading_order, start=1):
        out.append(f"{number}. `{step.path}`: {step.reason}")
    if report.problems:
        out += ["", "## Files that did not parse", ""]
        for p in report.problems[:MAX_ROWS]:
            out.append(f"- `{p.path}`" + (f" line {p.line}" if p.line else "") + f" ({p.kind}): {p.message}")
        out += _more(len(report.problems), MAX_ROWS, "files")
    if report.notices or report.excluded:
        out += ["", "## Left out", ""]
        for n in report.notices[:MAX_ROWS]:
            out.append(f"- `{n.path}` ({n.kind}): {n.detail}")
        out += _more(len(report.notices), MAX_ROWS, "notices")
        if report.excluded:
            shown = ", ".join(f"`{e}`" for e in report.excluded[:15])
            extra = f" and {len(report.excluded) - 15} more" if len(report.excluded) > 15 else ""
            out.append(f"- Folders not read: {shown}{extra}.")
    return "\n".join(out) + "\n"
