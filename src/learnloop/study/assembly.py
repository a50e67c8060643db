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
from learnloop.study.modules import SOURCE_SUFFIXES, Module, ModuleIndex, build_index, package_of
from learnloop.study.notices import FileNotice
from learnloop.study.order import is_side_path, reading_order
from learnloop.study.pysource import ClassFact, ImportFact
from learnloop.study.report import (
    EntryKind,
    EntryPoint,
    FileRole,
    LanguageCount,
    ModelClass,
    ModuleInfo,
    Notice,
    ParseProblem,
    Place,
    StudyReport,
    Symbol,
    Totals,
    WhereThingsAre,
)
from learnloop.study.roles import is_test_path, is_vendored_path
from learnloop.study.scan import Scan

__all__ = ["assemble", "is_test_path", "is_vendored_path", "trim_models"]

MAX_ENTRIES = 15
MAX_EXAMPLE_ENTRIES = 3
MAX_MODELS = 40


def assemble(
    source: str,
    name: str,
    root_name: str,
    scan: Scan,
    facts: list[FileFacts],
    declarations: Declarations,
    *,
    atlas: Any = None,
    extra_notices: list[FileNotice] | None = None,
) -> StudyReport:
    """Put the report together from what the scan and the readers found (pure: no file access)."""
    notices = [
        Notice(path=n.path, kind=n.kind, detail=n.detail)  # type: ignore[arg-type]
        for n in (*(extra_notices or []), *scan.notices)
    ]
    notices += declarations.notices
    problems: list[ParseProblem] = []
    counts: dict[str, list[int]] = {}  # language -> [files, code, comment, blank]
    read: list[FileFacts] = []
    for fact in facts:
        if fact.notice is not None:
            notices.append(Notice(path=fact.path, kind=fact.notice[0], detail=fact.notice[1]))  # type: ignore[arg-type]
            if fact.notice[0] in ("binary", "unreadable", "notebook", "oversized"):
                continue
        read.append(fact)
        count = counts.setdefault(fact.language, [0, 0, 0, 0])
        count[0] += 1
        count[1] += fact.lines.code
        count[2] += fact.lines.comment
        count[3] += fact.lines.blank
        if fact.python is not None and fact.python.problem is not None:
            problem = fact.python.problem
            problems.append(
                ParseProblem(
                    path=fact.path,
                    kind=problem.kind,
                    line=problem.line,
                    message=problem.message,
                )
            )
        if fact.notebook is not None:
            problems.extend(
                ParseProblem(path=fact.path, kind=p.kind, line=p.line, message=p.message)
                for p in fact.notebook.problems
            )
    languages = {
        name: LanguageCount(language=name, files=c[0], code=c[1], comment=c[2], blank=c[3])
        for name, c in counts.items()
    }
    language_list = sorted(languages.values(), key=lambda c: (-c.lines, c.language))
    if scan.other_files:
        language_list.append(LanguageCount(language="other", files=scan.other_files))

    index = build_index([f.path for f in facts if f.path.endswith(SOURCE_SUFFIXES)], root_name)
    linked = _link_imports(index, read)
    found_models = [
        ModelClass(
            name=m.name,
            module=m.module,
            path=index.modules[m.module].path,
            line=m.line,
            base=m.base,
            framework=m.framework,
        )
        for m in find_models(index, linked.classes, linked.imports)
        if not is_test_path(index.modules[m.module].path) and not is_vendored_path(index.modules[m.module].path)
    ]
    modules = [
        ModuleInfo(
            name=m.id,
            path=m.path,
            lines=linked.lines.get(m.path, 0),
            package=m.package,
            test=is_test_path(m.path),
            vendored=is_vendored_path(m.path),
            summary=linked.summaries.get(m.path),
        )
        for m in sorted(index.modules.values(), key=lambda m: m.id)
    ]
    package_dirs = {p.rpartition("/")[0] for p in index.by_path if p.rpartition("/")[2] == "__init__.py"}
    entry_points, entry_total = _entry_points(index, read, declarations, package_dirs)
    file_nodes = sorted({a for a, _b in linked.edges if a not in index.modules})  # notebooks, "my-script.py"
    tests = frozenset(m.name for m in modules if m.test)
    graph = build_graph([*index.modules, *file_nodes], linked.edges, not_counted=tests)
    declared = [d.name for d in declarations.dependencies]
    stdlib = describe_libraries(linked.stdlib, stdlib=True)
    third_party = describe_libraries(linked.third_party, stdlib=False, declared=declared, atlas=atlas)
    all_paths = [f.path for f in facts]
    roles = _file_roles(read, index, found_models)
    where = _where(read, roles, entry_points, found_models)
    order = reading_order(
        files=all_paths,
        modules=modules,
        edges=[(e.source, e.target) for e in graph.edges],
        entry_points=entry_points,
        models=found_models,
        roles=roles,
    )
    popularity: dict[str, int] = {}
    for facts_of_module in linked.imports.values():
        for _target, imported, _alias, _level, _line, _optional in facts_of_module:
            if imported:
                popularity[imported] = popularity.get(imported, 0) + 1
    models = trim_models(found_models, popularity=popularity)
    code = sum(c.code for c in language_list)
    totals = Totals(
        files=len(read) + scan.other_files,
        lines=sum(c.lines for c in language_list),
        code=code,
        bytes=sum(f.size for f in read) + scan.other_bytes,
        python_files=sum(1 for f in read if f.language == "Python"),
        notebooks=sum(1 for f in read if f.notebook is not None),
    )
    internal_roots = index.package_roots or ([""] if "" in index.tops else [])
    internal = sorted({t for r in internal_roots for t in index.tops.get(r, ())})
    notices.sort(key=lambda n: (n.kind, n.path))
    problems.sort(key=lambda p: p.path)
    return StudyReport(
        source=source,
        name=name,
        totals=totals,
        languages=language_list,
        packages=index.packages,
        modules=modules,
        stdlib=stdlib,
        third_party=third_party,
        internal=internal,
        dependencies=declarations.dependencies,
        entry_points=entry_points,
        entry_points_total=entry_total,
        models=models,
        models_total=len(found_models),
        files=roles,
        where=where,
        graph=graph,
        reading_order=order,
        problems=problems,
        notices=notices,
        excluded=sorted(scan.excluded),
    )


def trim_models(
    models: list[ModelClass], limit: int = MAX_MODELS, popularity: dict[str, int] | None = None
) -> list[ModelClass]:
    """The repository's models a learner reads: public classes first, the ones its other modules import most,
    examples after, at most ``limit`` (a very large tree defines thousands of classes; the report counts them)."""
    used = popularity or {}
    ranked = sorted(
        models,
        key=lambda m: (
            m.name.startswith("_"),
            _is_example(m.path) or is_side_path(m.path),
            -used.get(m.name, 0),
            m.framework == "its own" and m.base.startswith("("),
            m.path,
            m.line,
        ),
    )
    kept = ranked[:limit]
    return sorted(kept, key=lambda m: (m.path, m.line))


def _symbols(fact: FileFacts) -> list[Symbol]:
    """The classes and functions a file defines at module level, public ones first (at most six)."""
    if fact.python is not None:
        found = [Symbol(name=c.name, kind="class", line=c.line) for c in fact.python.classes if c.top]
        found += [Symbol(name=n, kind="function", line=line) for n, line in fact.python.functions]
    elif fact.notebook is not None:
        found = [Symbol(name=c.name, kind="class", line=c.line) for c in fact.notebook.classes]
    else:
        return []
    found.sort(key=lambda s: (s.name.startswith("_"), s.kind != "class", s.line))
    return sorted(found[:6], key=lambda s: s.line)


def _file_roles(facts: list[FileFacts], index: ModuleIndex, models: list[ModelClass]) -> list[FileRole]:
    from learnloop.study.roles import classify

    per_path: dict[str, int] = {}
    for model in models:
        per_path[model.path] = per_path.get(model.path, 0) + 1
    roles: list[FileRole] = []
    for fact in facts:
        if fact.python is None and fact.notebook is None:
            continue
        test, vendored = is_test_path(fact.path), is_vendored_path(fact.path)
        if vendored:
            continue
        judged = classify(
            fact.path,
            python=fact.python,
            signals=fact.signals,
            models=per_path.get(fact.path, 0),
            test=test,
            vendored=vendored,
            notebook=fact.notebook is not None,
        )
        if judged.role == "tests":
            continue
        module = index.by_path.get(fact.path)
        summary = fact.python.summary if fact.python else fact.notebook.summary if fact.notebook else None
        roles.append(
            FileRole(
                path=fact.path,
                module=module.id if module else None,
                role=judged.role,  # type: ignore[arg-type]
                reasons=list(judged.reasons),
                summary=summary,
                symbols=_symbols(fact),
            )
        )
    return roles


MAX_PLACES = 6


def _where(
    facts: list[FileFacts], roles: list[FileRole], entry_points: list[EntryPoint], models: list[ModelClass]
) -> WhereThingsAre:
    """Where the model is defined, where training happens, where data comes from and how to run it (file:line)."""
    role_of = {r.path: r.role for r in roles}
    side = {r.path for r in roles if r.role in ("docs", "examples")} | {p for p in role_of if is_side_path(p)}
    run = []
    for entry in entry_points[:MAX_PLACES]:
        if entry.named_in:
            doc, _, line = entry.named_in.rpartition(":")
            run.append(Place(path=doc, line=int(line), what=f"{entry.quote} (runs {entry.path})"))
        elif entry.command and not is_side_path(entry.path) and not is_test_path(entry.path):
            run.append(Place(path=entry.path, line=entry.line, what=entry.command))
    model_places = [
        Place(path=m.path, line=m.line, what=f"class {m.name} ({m.base})") for m in trim_models(models, MAX_PLACES)
    ]
    training: list[Place] = []
    evaluation: list[Place] = []
    data: list[Place] = []
    entry_rank: dict[str, int] = {}
    for number, entry in enumerate(entry_points):
        entry_rank.setdefault(entry.path, number)
    for fact in sorted(
        facts, key=lambda f: (f.path in side, entry_rank.get(f.path, len(entry_rank)), f.path.count("/"), f.path)
    ):
        signals = fact.signals
        role = role_of.get(fact.path)
        if signals is None or role is None or fact.path in side:
            continue
        if role == "training" and len(training) < MAX_PLACES:
            hit = signals.best_training()
            if hit is not None:
                training.append(Place(path=fact.path, line=hit[0], what=f"{hit[1].strip()} (the training loop)"))
        if role == "evaluation" and signals.evaluation and len(evaluation) < MAX_PLACES:
            evaluation.append(Place(path=fact.path, line=signals.evaluation[0][0], what=signals.evaluation[0][1]))
        if role in ("data", "training", "script", "evaluation", "examples", "library") and len(data) < 2 * MAX_PLACES:
            data += [Place(path=fact.path, line=line, what=f"downloads {url}") for line, url in signals.urls[:2]]
            if role == "data" or signals.urls:
                data += [
                    Place(path=fact.path, line=line, what=f"loads with {what.strip()}")
                    for line, what in signals.data[:2]
                ]
                data += [
                    Place(path=fact.path, line=line, what=f"expects the file {name}")
                    for line, name in signals.files[:2]
                ]
    return WhereThingsAre(
        run=run, data=data[: 2 * MAX_PLACES], model=model_places, training=training, evaluation=evaluation
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


# Which kinds a learner runs first (lower first); a README that quotes the command comes before all of them.
KIND_RANK = {
    "readme-command": 0,
    "console-script": 1,
    "gui-script": 1,
    "dunder-main": 2,
    "main-block": 3,
    "script": 3,
    "argparse": 4,
    "click": 4,
    "typer": 4,
    "fire": 4,
    "hydra": 4,
    "make-target": 5,
    "just-target": 5,
    "tox-env": 6,
    "nox-session": 6,
    "notebook": 5,
}


def _entry_points(
    index: ModuleIndex, facts: list[FileFacts], declarations: Declarations, package_dirs: set[str]
) -> tuple[list[EntryPoint], int]:
    """Every way to run the project, one entry per file or command, ranked as a learner would run them (what the
    README quotes first, then the project's own commands, helpers and tests last) and trimmed."""
    found: dict[str, EntryPoint] = {}  # one per path (targets and console scripts: per name)
    by_path = {f.path: f for f in facts}

    def add(key: str, entry: EntryPoint) -> None:
        old = found.get(key)
        if old is None or KIND_RANK[entry.kind] < KIND_RANK[old.kind]:
            if old is not None:
                entry = entry.model_copy(
                    update={
                        "detail": _join(entry.detail, old.detail),
                        "named_in": entry.named_in or old.named_in,
                        "quote": entry.quote or old.quote,
                        "command": entry.command or old.command,
                    }
                )
            found[key] = entry
        else:
            found[key] = old.model_copy(
                update={"detail": _join(old.detail, entry.detail if entry.kind != old.kind else None)}
            )

    for fact in facts:
        module = index.by_path.get(fact.path)
        module_id = module.id if module else None
        if fact.notebook is not None:
            add(
                fact.path,
                EntryPoint(
                    kind="notebook",
                    path=fact.path,
                    command=f"jupyter notebook {fact.path}",
                    detail=f"{fact.notebook.code_cells} code cells, {fact.notebook.markdown_cells} text cells",
                ),
            )
            continue
        for target, line in fact.targets or []:
            name = fact.path.rpartition("/")[2].lower()
            kind: EntryKind = "tox-env" if name == "tox.ini" else "just-target" if "just" in name else "make-target"
            command = {"tox-env": f"tox -e {target}", "just-target": f"just {target}"}.get(kind, f"make {target}")
            add(
                f"{kind}:{target}",
                EntryPoint(
                    kind=kind,
                    path=fact.path,
                    line=line,
                    name=target,
                    command=command,
                ),
            )
        if fact.python is None:
            continue
        python = fact.python
        folder = fact.path.rpartition("/")[0]
        runs_as = _run_command(fact.path, module)
        if fact.path.rpartition("/")[2] == "__main__.py" and module is not None:
            package = module.import_name.rpartition(".")[0]
            if package:
                add(
                    fact.path,
                    EntryPoint(
                        kind="dunder-main",
                        path=fact.path,
                        module=module_id,
                        detail=package,
                        command=f"python -m {package}",
                    ),
                )
        if python.main_line is not None:
            add(
                fact.path,
                EntryPoint(kind="main-block", path=fact.path, line=python.main_line, module=module_id, command=runs_as),
            )
        elif python.work_count >= 2 and folder not in package_dirs and fact.path.endswith(".py"):
            add(
                fact.path,
                EntryPoint(
                    kind="script",
                    path=fact.path,
                    line=python.work_lines[0],
                    module=module_id,
                    command=runs_as,
                    detail=f"{python.work_count} statements run at module level",
                ),
            )
        for cli in python.clis:
            if cli.kind == "nox":
                add(
                    f"nox:{cli.name}",
                    EntryPoint(
                        kind="nox-session", path=fact.path, line=cli.line, name=cli.name, command=f"nox -s {cli.name}"
                    ),
                )
                continue
            add(
                fact.path,
                EntryPoint(
                    kind=cli.kind,
                    path=fact.path,
                    line=cli.line,
                    module=module_id,
                    name=cli.name,
                    detail=cli.detail,
                    command=runs_as,
                ),
            )
    for script in declarations.scripts:
        module_id = _module_by_import_name(index, script.module)
        path = index.modules[module_id].path if module_id else script.source
        add(
            f"script:{script.name}",
            EntryPoint(
                kind="gui-script" if script.gui else "console-script",
                path=path,
                module=module_id,
                name=script.name,
                detail=script.target,
                command=script.name,
            ),
        )
    # what the README and docs quote: the file it names becomes the first thing to run
    quoted_rank: dict[str, int] = {}
    sequence = 0
    for doc in sorted(
        (f for f in facts if f.commands), key=lambda f: (f.path.count("/"), "readme" not in f.path.lower(), f.path)
    ):
        for cmd in doc.commands or []:
            runs_path = _quoted_path(cmd.kind, cmd.target, by_path, index)
            key: str | None = runs_path
            if cmd.kind in ("make", "just", "nox", "tox"):
                key = {"make": "make-target", "just": "just-target", "nox": "nox", "tox": "tox-env"}[cmd.kind]
                key = f"{key}:{cmd.target}"
                if key not in found:
                    continue
                runs_path = found[key].path
            if runs_path is None or key is None:
                continue
            named = f"{doc.path}:{cmd.line}"
            old = found.get(key)
            if old is None:
                module = index.by_path.get(runs_path)
                found[key] = EntryPoint(
                    kind="readme-command",
                    path=runs_path,
                    module=module.id if module else None,
                    command=cmd.text,
                    named_in=named,
                    quote=cmd.text,
                )
            elif old.named_in is None:
                found[key] = old.model_copy(update={"named_in": named, "quote": cmd.text, "command": cmd.text})
            if key not in quoted_rank:
                quoted_rank[key] = sequence
                sequence += 1

    def rank(item: tuple[str, EntryPoint]) -> tuple[object, ...]:
        key, e = item
        side = is_test_path(e.path) or is_side_path(e.path) or is_vendored_path(e.path)
        example = _is_example(e.path)
        quoted = quoted_rank.get(key)
        return (
            side,
            example and quoted is None,
            quoted is None,
            quoted or 0,
            KIND_RANK[e.kind],
            e.path.count("/"),
            e.path,
            e.line or 0,
        )

    ranked = [e for _key, e in sorted(found.items(), key=rank)]
    kept: list[EntryPoint] = []
    examples = 0
    for entry in ranked:
        if _is_example(entry.path) and entry.named_in is None:
            examples += 1
            if examples > MAX_EXAMPLE_ENTRIES:
                continue
        kept.append(entry)
    return kept[:MAX_ENTRIES], len(ranked)


def _join(first: str | None, second: str | None) -> str | None:
    if first and second and second not in first:
        return f"{first}; {second}"
    return first or second


def _is_example(path: str) -> bool:
    from learnloop.study.roles import EXAMPLE_FOLDERS

    return any(p in EXAMPLE_FOLDERS for p in path.split("/")[:-1])


def _run_command(path: str, module: Module | None) -> str:
    if module is not None and "." in module.import_name and not path.endswith("__main__.py"):
        return f"python -m {module.import_name}"
    import shlex

    return f"python {shlex.quote(path)}"


def _quoted_path(kind: str, target: str, by_path: dict[str, FileFacts], index: ModuleIndex) -> str | None:
    """The repository file a quoted command runs, or None when it names none of them."""
    if kind in ("python", "notebook", "shell"):
        cleaned = target.removeprefix("./")
        if cleaned in by_path:
            return cleaned
        tail = [p for p in by_path if p.endswith("/" + cleaned)]
        return tail[0] if len(tail) == 1 else None
    if kind == "module":
        module_id = _module_by_import_name(index, target) or _module_by_import_name(index, f"{target}.__main__")
        if module_id is None:
            return None
        path = index.modules[module_id].path
        main = path.replace("__init__.py", "__main__.py")
        return main if main in by_path else path
    return ""  # make / just targets: found by name


def _module_by_import_name(index: ModuleIndex, import_name: str) -> str | None:
    for root in [*index.package_roots, *index.names]:
        found = index.names.get(root, {}).get(import_name)
        if found:
            return found
    return None
