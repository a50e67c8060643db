"""Put a study report together from what the walk and the readers found (pure: no file access).

Kept apart from :mod:`learnloop.study.survey` so that walking and parsing can start before pydantic
and the report's models are imported: the main process imports this module while the workers parse.
"""

from __future__ import annotations

from typing import Any

from learnloop.study.dependencies import Declarations
from learnloop.study.graph import build_graph
from learnloop.study.inspection import FileFacts
from learnloop.study.libraries import LibraryUse, describe_libraries, library_key
from learnloop.study.model_classes import find_models
from learnloop.study.modules import SOURCE_SUFFIXES, ModuleIndex, build_index, package_of
from learnloop.study.notices import FileNotice
from learnloop.study.order import ENTRY_RANK, is_side_path, reading_order
from learnloop.study.pysource import ClassFact, ImportFact
from learnloop.study.report import (
    EntryPoint,
    LanguageCount,
    ModelClass,
    ModuleInfo,
    Notice,
    ParseProblem,
    StudyReport,
    Totals,
)
from learnloop.study.scan import Scan

TEST_DIRS = frozenset({"tests", "test", "testing", "unittests", "unit_tests"})
VENDOR_DIRS = frozenset({"vendor", "_vendor", "vendored", "third_party", "thirdparty", "externals", "extern",
                         "_external", "external"})


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (any(p in TEST_DIRS for p in parts[:-1]) or name.startswith("test_") or name == "conftest.py"
            or name.endswith(("_test.py", "_tests.py")))


def is_vendored_path(path: str) -> bool:
    return any(p in VENDOR_DIRS for p in path.split("/")[:-1])


def assemble(source: str, name: str, root_name: str, scan: Scan, facts: list[FileFacts],
             declarations: Declarations, *, atlas: Any = None, extra_notices: list[FileNotice] | None = None,
             ) -> StudyReport:
    """Put the report together from what the scan and the readers found (pure: no file access)."""
    notices = [Notice(path=n.path, kind=n.kind, detail=n.detail)  # type: ignore[arg-type]
               for n in (*(extra_notices or []), *scan.notices)]
    notices += declarations.notices
    problems: list[ParseProblem] = []
    counts: dict[str, list[int]] = {}  # language -> [files, code, comment, blank]
    read: list[FileFacts] = []
    for fact in facts:
        if fact.notice is not None:
            notices.append(Notice(path=fact.path, kind=fact.notice[0], detail=fact.notice[1]))  # type: ignore[arg-type]
            if fact.notice[0] in ("binary", "unreadable", "notebook"):
                continue
        read.append(fact)
        count = counts.setdefault(fact.language, [0, 0, 0, 0])
        count[0] += 1
        count[1] += fact.lines.code
        count[2] += fact.lines.comment
        count[3] += fact.lines.blank
        if fact.python is not None and fact.python.problem is not None:
            problem = fact.python.problem
            problems.append(ParseProblem(path=fact.path, kind=problem.kind, line=problem.line,  # type: ignore[arg-type]
                                         message=problem.message))
        if fact.notebook is not None:
            problems.extend(ParseProblem(path=fact.path, kind=p.kind, line=p.line, message=p.message)  # type: ignore[arg-type]
                            for p in fact.notebook.problems)
    languages = {name: LanguageCount(language=name, files=c[0], code=c[1], comment=c[2], blank=c[3])
                 for name, c in counts.items()}
    language_list = sorted(languages.values(), key=lambda c: (-c.lines, c.language))
    if scan.other_files:
        language_list.append(LanguageCount(language="other", files=scan.other_files))

    index = build_index([f.path for f in facts if f.path.endswith(SOURCE_SUFFIXES)], root_name)
    linked = _link_imports(index, read)
    models = [ModelClass(name=m.name, module=m.module, path=index.modules[m.module].path, line=m.line, base=m.base,
                         framework=m.framework)
              for m in find_models(index, linked.classes, linked.imports)
              if not is_test_path(index.modules[m.module].path) and not is_vendored_path(index.modules[m.module].path)]
    modules = [ModuleInfo(name=m.id, path=m.path, lines=linked.lines.get(m.path, 0), package=m.package,
                          test=is_test_path(m.path), vendored=is_vendored_path(m.path),
                          summary=linked.summaries.get(m.path))
               for m in sorted(index.modules.values(), key=lambda m: m.id)]
    entry_points = _entry_points(index, read, declarations)
    file_nodes = sorted({a for a, _b in linked.edges if a not in index.modules})  # notebooks, "my-script.py"
    tests = frozenset(m.name for m in modules if m.test)
    graph = build_graph([*index.modules, *file_nodes], linked.edges, not_counted=tests)
    declared = [d.name for d in declarations.dependencies]
    stdlib = describe_libraries(linked.stdlib, stdlib=True)
    third_party = describe_libraries(linked.third_party, stdlib=False, declared=declared, atlas=atlas)
    all_paths = [f.path for f in facts]
    order = reading_order(files=all_paths, modules=modules, edges=[(e.source, e.target) for e in graph.edges],
                          entry_points=entry_points, models=models)
    code = sum(c.code for c in language_list)
    totals = Totals(files=len(read) + scan.other_files, lines=sum(c.lines for c in language_list), code=code,
                    bytes=sum(f.size for f in read) + scan.other_bytes,
                    python_files=sum(1 for f in read if f.language == "Python"),
                    notebooks=sum(1 for f in read if f.notebook is not None))
    internal_roots = index.package_roots or ([""] if "" in index.tops else [])
    internal = sorted({t for r in internal_roots for t in index.tops.get(r, ())})
    notices.sort(key=lambda n: (n.kind, n.path))
    problems.sort(key=lambda p: p.path)
    return StudyReport(
        source=source, name=name, totals=totals, languages=language_list, packages=index.packages,
        modules=modules, stdlib=stdlib, third_party=third_party, internal=internal,
        dependencies=declarations.dependencies, entry_points=entry_points, models=models, graph=graph,
        reading_order=order, problems=problems, notices=notices, excluded=sorted(scan.excluded),
    )


class _Linked:
    def __init__(self) -> None:
        self.edges: list[tuple[str, str]] = []
        self.stdlib: dict[str, LibraryUse] = {}
        self.third_party: dict[str, LibraryUse] = {}
        self.classes: dict[str, list[ClassFact]] = {}
        self.imports: dict[str, list[ImportFact]] = {}
        self.lines: dict[str, int] = {}
        self.summaries: dict[str, str] = {}


def _link_imports(index: ModuleIndex, facts: list[FileFacts]) -> _Linked:
    """Resolve every import from the module that makes it; collect edges and library uses."""
    linked = _Linked()
    for fact in facts:
        linked.lines[fact.path] = fact.lines.total
        module = index.by_path.get(fact.path)
        if fact.python is not None:
            imports, classes, summary = fact.python.imports, fact.python.classes, fact.python.summary
        elif fact.notebook is not None:
            imports, classes, summary = fact.notebook.imports, fact.notebook.classes, fact.notebook.summary
        else:
            continue
        if summary:
            linked.summaries[fact.path] = summary
        if module is not None:
            node, root, package = module.id, module.root, package_of(module)
            linked.classes[node] = classes
            linked.imports[node] = imports
        else:  # a notebook, or a script that cannot be imported by name ("my-script.py"): known by its path
            node, root, package = fact.path, index.root_of_folder(fact.path.rpartition("/")[0]), ""
        for target, name, _alias, level, _line, optional in imports:
            kind, found = index.resolve(root, package, target, None if name == "*" else name, level)
            if kind == "internal":
                linked.edges.append((node, found))
                continue
            if kind == "unresolved":
                continue
            key = found if kind == "stdlib" else library_key(f"{target}.{name}" if name and name != "*" else target)
            table = linked.stdlib if kind == "stdlib" else linked.third_party
            use = table.setdefault(key, LibraryUse())
            use.modules.add(node)
            use.required = use.required or not optional
    return linked


def _entry_points(index: ModuleIndex, facts: list[FileFacts], declarations: Declarations) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    for fact in facts:
        module = index.by_path.get(fact.path)
        module_id = module.id if module else None
        if fact.notebook is not None:
            found.append(EntryPoint(kind="notebook", path=fact.path,
                                    detail=f"{fact.notebook.code_cells} code cells, "
                                           f"{fact.notebook.markdown_cells} text cells"))
            continue
        if fact.python is None:
            continue
        if fact.path.rpartition("/")[2] == "__main__.py" and module is not None:
            package = module.import_name.rpartition(".")[0]
            if package:
                found.append(EntryPoint(kind="dunder-main", path=fact.path, module=module_id, detail=package))
        if fact.python.main_line is not None:
            found.append(EntryPoint(kind="main-block", path=fact.path, line=fact.python.main_line, module=module_id))
        for cli in fact.python.clis:
            found.append(EntryPoint(kind=cli.kind, path=fact.path, line=cli.line, module=module_id,  # type: ignore[arg-type]
                                    name=cli.name, detail=cli.detail))
    for script in declarations.scripts:
        module_id = _module_by_import_name(index, script.module)
        path = index.modules[module_id].path if module_id else script.source
        found.append(EntryPoint(kind="gui-script" if script.gui else "console-script", path=path, module=module_id,
                                name=script.name, detail=script.target))
    # the ones a learner would run first: the project's own commands before helpers, tests and build tools
    found.sort(key=lambda e: (is_test_path(e.path) or is_side_path(e.path), ENTRY_RANK[e.kind], e.path, e.line or 0))
    return found


def _module_by_import_name(index: ModuleIndex, import_name: str) -> str | None:
    for root in [*index.package_roots, *index.names]:
        found = index.names.get(root, {}).get(import_name)
        if found:
            return found
    return None
