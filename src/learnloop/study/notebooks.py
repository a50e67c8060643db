"""Read a Jupyter notebook's cells (with nbformat) without running any of them.

IPython-only lines (``%magic``, ``!shell``, ``?help``) are blanked before parsing; cells that start
with a cell magic (``%%bash``) are not Python and are skipped. Each code cell is parsed on its own
so one broken cell does not hide the imports of the others; facts carry the cell number as line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from learnloop.study.languages import LineCount, count_lines, language_table
from learnloop.study.pysource import ClassFact, CliFact, ImportFact, Problem, read_python
from learnloop.study.signals import Signals, read_signals


class NotebookError(ValueError):
    """The file is not a notebook nbformat can read."""


@dataclass(slots=True)
class NotebookFacts:
    code_cells: int = 0
    markdown_cells: int = 0
    lines: LineCount = field(default_factory=LineCount)
    imports: list[ImportFact] = field(default_factory=list)
    classes: list[ClassFact] = field(default_factory=list)
    clis: list[CliFact] = field(default_factory=list)
    summary: str | None = None
    problems: list[Problem] = field(default_factory=list)
    source_bytes: int = 0  # the cells' text, outputs left out: what the size limit judges
    signals: Signals = field(default_factory=Signals)


def read_notebook(text: str) -> NotebookFacts:
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as exc:  # nbformat raises many kinds (JSON, schema, version): all mean "not readable"
        raise NotebookError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    python = language_table().by_name["Python"]
    facts = NotebookFacts()
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        source = cell.get("source", "")
        if isinstance(source, list):  # nbformat 3 keeps lists of lines
            source = "".join(source)
        kind = cell.get("cell_type")
        if not isinstance(source, str):
            continue
        facts.source_bytes += len(source)
        if kind == "markdown":
            facts.markdown_cells += 1
            if facts.summary is None:
                heading = next((ln.lstrip("# ").strip() for ln in source.splitlines() if ln.strip()), None)
                facts.summary = heading[:200] if heading else None
            counted = count_lines(source, python)
            facts.lines.comment += counted.code + counted.comment
            facts.lines.blank += counted.blank
        elif kind == "code":
            facts.code_cells += 1
            code = python_of_cell(source)
            counted = count_lines(code, python)
            facts.lines.code += counted.code
            facts.lines.comment += counted.comment
            facts.lines.blank += counted.blank
            cell_facts = read_python(code)
            cell_signals = read_signals(code)
            for name in ("training", "evaluation", "data", "urls", "files"):
                kept = getattr(facts.signals, name)
                if len(kept) < 4:
                    kept.extend((number, what) for _line, what in getattr(cell_signals, name)[: 4 - len(kept)])
            facts.imports.extend((m, n, a, lvl, number, opt) for m, n, a, lvl, _line, opt in cell_facts.imports)
            facts.classes.extend(ClassFact(c.name, number, c.bases) for c in cell_facts.classes)
            facts.clis.extend(CliFact(c.kind, number, c.name, c.detail) for c in cell_facts.clis)
            if cell_facts.problem is not None:
                problem = cell_facts.problem
                facts.problems.append(Problem(problem.kind, number, f"cell {number}: {problem.message}"))
    return facts


def python_of_cell(source: str) -> str:
    """The cell's source with IPython-only lines made ``pass`` at their own indentation (line numbers kept, and
    an indented ``%pip install`` inside an ``if`` still leaves a block that parses); ``x = !ls`` keeps ``x``."""
    if source.lstrip().startswith("%%"):
        first, _, rest = source.lstrip().partition("\n")
        if first.split()[0] not in ("%%time", "%%timeit", "%%capture", "%%prun"):
            return ""  # %%bash, %%writefile, %%html...: not Python
        source = "\n" + rest  # the cell magic's line blanked, the Python under it kept
    lines = source.splitlines()
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("%", "!")) or (stripped.endswith("?") and not stripped.startswith("#")):
            lines[index] = indent + "pass"
        elif "= !" in stripped or "= %" in stripped:
            target, _, _shell = line.partition("=")
            lines[index] = target + "= None"
    return "\n".join(lines)
