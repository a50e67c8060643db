"""A reading order for a top-down learner: README first, then one entry point, then what it uses,
breadth first, skipping tests and vendored code, with the modules that define the model named.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from learnloop.study.report import EntryPoint, FileRole, ModelClass, ModuleInfo, ReadingStep, StageKind

MAX_STEPS = 12
README_NAMES = ("readme.md", "readme.rst", "readme.txt", "readme", "readme.markdown")
PREFERRED_STEMS = ("train", "main", "run", "app", "cli", "__main__", "demo", "example", "predict", "evaluate")
ENTRY_RANK = {
    "console-script": 0,
    "gui-script": 0,
    "readme-command": 0,
    "dunder-main": 1,
    "main-block": 2,
    "script": 2,
    "argparse": 3,
    "click": 3,
    "typer": 3,
    "fire": 3,
    "hydra": 3,
    "notebook": 4,
    "make-target": 4,
    "just-target": 4,
    "tox-env": 5,
    "nox-session": 5,
}


STAGE_LIMITS = {"run": 2, "data": 2, "model": 3, "training": 2, "evaluation": 2}


def reading_order(
    *,
    files: Iterable[str],
    modules: list[ModuleInfo],
    edges: list[tuple[str, str]],
    entry_points: list[EntryPoint],
    models: list[ModelClass],
    roles: list[FileRole] | None = None,
    max_steps: int = MAX_STEPS,
) -> list[ReadingStep]:
    """The order an expert gives a learner: the README, how to run it, where the data comes from, the model, the
    training, the evaluation; then what the entry point uses. Re-export files and command-line glue are skipped
    (on a library the order goes to the modules that define its public classes); tests and vendored code too."""
    files = list(files)
    by_name = {m.name: m for m in modules}
    by_path = {m.path: m for m in modules}
    role_of = {r.path: r for r in roles or []}
    readable = {m.name for m in modules if not m.test and not m.vendored}
    uses: dict[str, list[str]] = {}
    for a, b in edges:
        if b in readable:
            uses.setdefault(a, []).append(b)
    model_names: dict[str, list[ModelClass]] = {}
    for model in models:
        model_names.setdefault(model.module, []).append(model)

    steps: list[ReadingStep] = []
    shown: set[str] = set()

    def step(path: str, stage: StageKind, reason: str) -> None:
        if path in shown:
            return
        shown.add(path)
        module = by_path.get(path)
        role = role_of.get(path)
        if module is not None and module.name in model_names and stage not in ("model", "training"):
            reason = f"{_model_words(model_names[module.name])}; {reason}"
        steps.append(
            ReadingStep(
                path=path,
                module=module.name if module else None,
                stage=stage,
                reason=reason,
                role=role.role if role else None,
                summary=role.summary if role else (module.summary if module else None),
                symbols=role.symbols if role else [],
            )
        )

    readme = next((f for f in sorted(files, key=len) if "/" not in f and f.lower() in README_NAMES), None)
    runnable = [e for e in entry_points if not (is_side_path(e.path) or _in_tests(e.path, by_path))]
    runnable.sort(key=lambda e: (e.named_in is None, ENTRY_RANK[e.kind]))  # stable: the caller's ranking otherwise
    first = runnable[0] if runnable else None
    if readme:
        quoted = [e for e in runnable if e.named_in and e.named_in.startswith(readme + ":")][:3]
        how = (
            "; it runs " + ", ".join(f"`{e.quote}` (line {(e.named_in or '').rpartition(':')[2]})" for e in quoted)
            if quoted
            else ""
        )
        steps.append(
            ReadingStep(
                path=readme, stage="readme", reason=f"what the authors say the project does and how to run it{how}"
            )
        )
        shown.add(readme)

    library = _is_library(runnable, role_of, modules)
    # where the walk starts: the entry point a learner runs (not a command-line wrapper of a library)
    start_paths = [
        e.path
        for e in runnable
        if not (library and role_of.get(e.path) is not None and role_of[e.path].role in ("cli", "re-export"))
        and (e.named_in or not _is_example(e.path) or all(_is_example(r.path) for r in runnable))
    ][:3]
    near = _near(start_paths, by_path, uses)  # module paths the entry points reach, nearest first

    def ranked(role: str) -> list[FileRole]:
        found = [
            r
            for r in role_of.values()
            if r.role == role
            and not is_side_path(r.path)
            and not (role != "model" and _is_example(r.path) and r.path not in start_paths)
        ]
        return sorted(
            found,
            key=lambda r: (
                r.path not in start_paths,
                near.get(r.path, 99),
                -len(model_names.get(r.module or "", [])),
                is_private(r.path),
                r.path.count("/"),
                r.path,
            ),
        )

    # how to run: the settings the quoted command passes, the configuration the entry point reads
    run_budget = STAGE_LIMITS["run"]
    for entry in runnable[:2]:
        for argument in (entry.quote or "").split()[1:]:
            cleaned = argument.removeprefix("./")
            if cleaned in files and cleaned != entry.path and run_budget:
                step(cleaned, "run", f"how to run: the settings `{entry.quote}` passes to {entry.path}")
                run_budget -= 1
    for config in ranked("configuration")[:run_budget]:
        if near.get(config.path, 99) < 99 or config.path.count("/") == 0:
            step(config.path, "run", f"how to run: {config.reasons[0]}")
    if (
        first is not None
        and first.path not in shown
        and role_of.get(first.path) is not None
        and role_of[first.path].role in ("script", "cli", "library")
        and not library
    ):
        step(first.path, "run", _entry_words(first))

    stages: tuple[tuple[StageKind, str], ...] = (
        ("data", "where the data comes from"),
        ("model", "the model"),
        ("training", "where training happens"),
        ("evaluation", "how the trained model is used"),
    )
    for stage, what in stages:
        limit = STAGE_LIMITS[stage] + (1 if library and stage == "model" else 0)
        for found in ranked(stage)[:limit]:
            runner = next((e for e in runnable if e.path == found.path), None)
            because = f"{what}: {'; '.join(found.reasons)}"
            defined = model_names.get(found.module or "")
            if stage == "model" and defined:
                because = f"{what}: {_model_words(defined).removeprefix('defines the model: ')}"
            if runner is not None and runner.named_in:
                because += f"; run as `{runner.quote}` ({runner.named_in})"
            elif runner is not None and runner.command:
                because += f"; run as `{runner.command}`"
            step(found.path, stage, because)

    # then what the entry points use, breadth first (public modules first), skipping re-exports and CLI glue
    queue: list[tuple[int, int, str, str]] = []
    sequence = 0
    for path in start_paths or _library_start(modules, model_names, role_of):
        module = by_path.get(path)
        if module is not None:
            heapq.heappush(queue, (0, sequence, module.name, _entry_words_for(path, runnable)))
            sequence += 1
        else:  # a notebook, or a script that cannot be imported by name: known by its path
            step(path, "run", _entry_words_for(path, runnable))
            for target in uses.get(path, []):
                heapq.heappush(queue, (1, sequence, target, f"used by {path}"))
                sequence += 1
    seen: set[str] = set()
    while queue and len(steps) < max_steps:
        depth, _sequence, name, reason = heapq.heappop(queue)
        if name in seen:
            continue
        seen.add(name)
        module = by_name[name]
        role = role_of.get(module.path)
        if role is None or role.role not in ("re-export", "cli", "tests", "docs"):
            step(module.path, "more", reason)
        for target in uses.get(name, []):
            if target not in seen:
                rank = depth + 1 + (2 if is_private(by_name[target].path) else 0)
                heapq.heappush(queue, (rank, sequence, target, f"used by {module.path}"))
                sequence += 1
    if not steps and not start_paths:  # nothing classified, no entry point: the old walk from the package
        start, why = _start(entry_points, modules, uses, by_name)
        if start is not None and start in by_name:
            step(by_name[start].path, "more", why)
    unreached = [
        n for n in model_names if by_name.get(n) is not None and by_name[n].path not in shown and n in readable
    ]
    unreached.sort(key=lambda n: (-len(model_names[n]), n))
    for name in unreached[: max(0, min(3, max_steps + 1 - len(steps)))]:
        step(by_name[name].path, "model", f"{_model_words(model_names[name])} (not reached from the entry point)")
    return steps[: max_steps + 1]


def _in_tests(path: str, by_path: dict[str, ModuleInfo]) -> bool:
    module = by_path.get(path)
    return module is not None and (module.test or module.vendored)


def _is_example(path: str) -> bool:
    from learnloop.study.roles import EXAMPLE_FOLDERS

    return any(p in EXAMPLE_FOLDERS for p in path.split("/")[:-1])


def _is_library(runnable: list[EntryPoint], role_of: dict[str, FileRole], modules: list[ModuleInfo]) -> bool:
    """A library: packages, and nothing to run but its own command-line wrappers, examples and task targets."""
    if not any(m.package for m in modules):
        return False
    for entry in runnable:
        role = role_of.get(entry.path)
        if entry.kind in (
            "make-target",
            "just-target",
            "tox-env",
            "nox-session",
            "console-script",
            "gui-script",
            "dunder-main",
        ) or _is_example(entry.path):
            continue
        if role is not None and role.role in ("cli", "re-export", "library", "examples"):
            continue
        return False
    return True


def _near(starts: list[str], by_path: dict[str, ModuleInfo], uses: dict[str, list[str]]) -> dict[str, int]:
    """Import distance from the entry points (paths), breadth first."""
    name_to_path = {m.name: p for p, m in by_path.items()}
    distance: dict[str, int] = {}
    frontier = []
    for path in starts:
        distance[path] = 0
        module = by_path.get(path)
        frontier.append(module.name if module else path)
    depth = 0
    while frontier and depth < 6:
        depth += 1
        following = []
        for name in frontier:
            for target in uses.get(name, []):
                reached = name_to_path.get(target)
                if reached is not None and reached not in distance:
                    distance[reached] = depth
                    following.append(target)
        frontier = following
    return distance


def _library_start(
    modules: list[ModuleInfo], model_names: dict[str, list[ModelClass]], role_of: dict[str, FileRole]
) -> list[str]:
    """A library with no script: start at the modules that define its public classes (not its ``__init__``)."""
    defining = sorted(
        (m for m in modules if not m.test and not m.vendored and m.name in model_names),
        key=lambda m: (-len(model_names[m.name]), is_private(m.path), m.path),
    )
    if defining:
        return [m.path for m in defining[:2]]
    classes = [
        r
        for r in role_of.values()
        if r.role == "library" and any(s.kind == "class" and not s.name.startswith("_") for s in r.symbols)
    ]
    classes.sort(key=lambda r: (is_private(r.path), -sum(1 for s in r.symbols if s.kind == "class"), r.path))
    return [r.path for r in classes[:2]]


def _entry_words_for(path: str, runnable: list[EntryPoint]) -> str:
    entry = next((e for e in runnable if e.path == path), None)
    return _entry_words(entry) if entry is not None else "defines the classes the package exposes"


def _model_words(found: list[ModelClass]) -> str:
    names = ", ".join(f"{m.name} ({m.base})" for m in found[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return f"defines the model: {names}{more}"


def _start(
    entry_points: list[EntryPoint],
    modules: list[ModuleInfo],
    uses: dict[str, list[str]],
    by_name: dict[str, ModuleInfo],
) -> tuple[str | None, str]:
    """The module (or notebook path) to read first after the README, and why."""
    candidates = []
    for entry in entry_points:
        target = entry.module or entry.path
        module = by_name.get(target)
        if (module is not None and (module.test or module.vendored)) or is_side_path(entry.path):
            continue
        stem = (module.path if module else entry.path).rsplit("/", 1)[-1].rsplit(".", 1)[0]
        preferred = PREFERRED_STEMS.index(stem) if stem in PREFERRED_STEMS else len(PREFERRED_STEMS)
        reach = len(uses.get(target, []))
        candidates.append(((ENTRY_RANK[entry.kind], preferred, -reach, target), target, entry))
    if candidates:
        _rank, target, entry = min(candidates, key=lambda c: c[0])
        return target, _entry_words(entry)
    packages = [m for m in modules if m.package and not m.test and not m.vendored]
    if packages:
        top = min(packages, key=lambda m: (m.name.count("."), -_size_under(m.name, modules), m.name))
        return top.name, "no entry point: start at the top-level package, what it imports is its public face"
    plain = [m for m in modules if not m.test and not m.vendored]
    if plain:
        first = max(plain, key=lambda m: (len(uses.get(m.name, [])), m.lines))
        return first.name, "no entry point: start at the module that uses the most others"
    return None, ""


SIDE_FOLDERS = frozenset(
    {
        "build_tools",
        "tools",
        "maint_tools",
        "doc",
        "docs",
        "benchmarks",
        "benchmark",
        "asv_bench",
        "ci",
        "scripts_dev",
        "dev",
        "devtools",
        ".github",
        ".circleci",
        "build",
    }
)


def is_side_path(path: str) -> bool:
    """Helpers around a project rather than the project: build and release tools, docs, benchmarks, private
    modules (``_build_utils/tempita.py``), ``setup.py``, notebook checkpoints."""
    parts = path.split("/")
    if parts[-1] in ("setup.py", "conftest.py", "noxfile.py", "tasks.py", "fabfile.py"):
        return True
    for part in parts:
        stem = part.rsplit(".", 1)[0] if part.endswith((".py", ".ipynb")) else part
        if part in SIDE_FOLDERS or part.startswith(".") or (stem.startswith("_") and not stem.startswith("__")):
            return True
    return False


def is_private(path: str) -> bool:
    """A module its package does not expose by name: ``_ridge.py``, ``utils/_array_api.py``."""
    for part in path.split("/"):
        stem = part.rsplit(".", 1)[0]
        if stem.startswith("_") and not stem.startswith("__"):
            return True
    return False


def _size_under(name: str, modules: list[ModuleInfo]) -> int:
    prefix = name + "."
    return sum(1 for m in modules if m.name.startswith(prefix))


def _entry_words(entry: EntryPoint) -> str:
    if entry.named_in:
        return f"entry point: `{entry.quote}` ({entry.named_in} quotes it)"
    if entry.kind == "script":
        return f"entry point: a script, its module-level statements (from line {entry.line}) run when you call it"
    if entry.kind in ("console-script", "gui-script"):
        return f"entry point: the `{entry.name}` command runs {entry.detail}"
    if entry.kind == "dunder-main":
        return f"entry point: `python -m {entry.module}` runs this"
    if entry.kind == "main-block":
        return f'entry point: its `if __name__ == "__main__"` block (line {entry.line}) runs when you call it'
    if entry.kind == "notebook":
        return "entry point: a notebook that runs the project step by step"
    return f"entry point: defines a command line ({entry.kind}, line {entry.line})"
