"""A reading order for a top-down learner: README first, then one entry point, then what it uses,
breadth first, skipping tests and vendored code, with the modules that define the model named.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from learnloop.study.report import EntryPoint, ModelClass, ModuleInfo, ReadingStep

MAX_STEPS = 12
README_NAMES = ("readme.md", "readme.rst", "readme.txt", "readme", "readme.markdown")
PREFERRED_STEMS = ("train", "main", "run", "app", "cli", "__main__", "demo", "example", "predict", "evaluate")
ENTRY_RANK = {"console-script": 0, "gui-script": 0, "dunder-main": 1, "main-block": 2, "argparse": 3, "click": 3,
              "typer": 3, "fire": 3, "hydra": 3, "notebook": 4}


def reading_order(*, files: Iterable[str], modules: list[ModuleInfo], edges: list[tuple[str, str]],
                  entry_points: list[EntryPoint], models: list[ModelClass], max_steps: int = MAX_STEPS,
                  ) -> list[ReadingStep]:
    by_name = {m.name: m for m in modules}
    readable = {m.name for m in modules if not m.test and not m.vendored}
    uses: dict[str, list[str]] = {}
    for a, b in edges:
        if b in readable:
            uses.setdefault(a, []).append(b)
    model_names: dict[str, list[ModelClass]] = {}
    for model in models:
        model_names.setdefault(model.module, []).append(model)

    steps: list[ReadingStep] = []
    readme = next((f for f in sorted(files, key=len) if "/" not in f and f.lower() in README_NAMES), None)
    if readme:
        steps.append(ReadingStep(path=readme, reason="what the authors say the project does and how to run it"))

    start, why = _start(entry_points, modules, uses, by_name)
    seen: set[str] = set()
    queue: list[tuple[int, int, str, str]] = []  # (rank, sequence, module, reason): a heap
    sequence = 0

    def push(name: str, depth: int, reason: str) -> None:
        nonlocal sequence
        module = by_name[name]
        # public modules first: a learner reads `linear_model/_base.py` after what the package exposes
        rank = depth + (2 if is_private(module.path) else 0) + (1 if module.path.endswith(".pyx") else 0)
        heapq.heappush(queue, (rank, sequence, name, reason))
        sequence += 1

    depth_of: dict[str, int] = {}
    if start is not None:
        if start in by_name:
            push(start, 0, why)
            depth_of[start] = 0
        else:  # a notebook or a script known by its path, not a module name
            steps.append(ReadingStep(path=start, reason=why))
            seen.add(start)
            for target in uses.get(start, []):
                depth_of.setdefault(target, 1)
                push(target, 1, f"used by {start}")
    budget = max_steps + len(steps)
    while queue and len(steps) < budget:
        _rank, _sequence, name, reason = heapq.heappop(queue)
        if name in seen:
            continue
        seen.add(name)
        module = by_name[name]
        if name in model_names:
            reason = f"{_model_words(model_names[name])}; {reason}"
        steps.append(ReadingStep(path=module.path, module=name, reason=reason))
        depth = depth_of.get(name, 0)
        for target in uses.get(name, []):
            if target not in seen:
                depth_of.setdefault(target, depth + 1)
                push(target, depth + 1, f"used by {name}")
    unreached = [n for n in model_names if n not in seen and n in readable]
    unreached.sort(key=lambda n: (-len(model_names[n]), n))
    for name in unreached[:3]:  # the model matters even when the entry point does not reach it
        steps.append(ReadingStep(path=by_name[name].path, module=name,
                                 reason=f"{_model_words(model_names[name])} (not reached from the entry point)"))
    return steps


def _model_words(found: list[ModelClass]) -> str:
    names = ", ".join(f"{m.name} ({m.base})" for m in found[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return f"defines the model: {names}{more}"


def _start(entry_points: list[EntryPoint], modules: list[ModuleInfo], uses: dict[str, list[str]],
           by_name: dict[str, ModuleInfo]) -> tuple[str | None, str]:
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


SIDE_FOLDERS = frozenset({"build_tools", "tools", "maint_tools", "doc", "docs", "benchmarks", "benchmark", "asv_bench",
                          "ci", "scripts_dev", "dev", "devtools", ".github", ".circleci", "build"})


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
    if entry.kind in ("console-script", "gui-script"):
        return f"entry point: the `{entry.name}` command runs {entry.detail}"
    if entry.kind == "dunder-main":
        return f"entry point: `python -m {entry.module}` runs this"
    if entry.kind == "main-block":
        return f"entry point: its `if __name__ == \"__main__\"` block (line {entry.line}) runs when you call it"
    if entry.kind == "notebook":
        return "entry point: a notebook that runs the project step by step"
    return f"entry point: defines a command line ({entry.kind}, line {entry.line})"
