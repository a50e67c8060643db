"""Find the classes that define models: subclasses (direct or through the repository's own classes) of
the framework bases listed in ``data/model_bases.yaml`` (torch.nn.Module, BaseEstimator, keras.Model...).

A base written ``nn.Module`` is resolved through the module's imports (``from torch import nn`` makes
it ``torch.nn.Module``); a base imported from the repository is followed to the class it names, also
through re-exports in ``__init__.py`` files.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from learnloop.study.modules import Module, ModuleIndex, package_of
from learnloop.study.pysource import ClassFact, ImportFact
from learnloop.study.tables import read_table

MAX_ROUNDS = 20


@functools.cache
def known_bases() -> dict[str, str]:
    """Fully dotted base class -> framework name."""
    table = read_table("model_bases")["frameworks"]
    return {base: framework for framework, bases in table.items() for base in bases}


@dataclass(frozen=True)
class FoundModel:
    module: str
    name: str
    line: int
    base: str
    framework: str


def bindings(module: Module, imports: list[ImportFact]) -> dict[str, str]:
    """Names an import statement binds in ``module`` -> the dotted thing they stand for."""
    bound: dict[str, str] = {}
    for target, name, alias, level, _line, _optional in imports:
        if name is None:  # import a.b [as c]
            if alias:
                bound[alias] = target
            else:
                bound[target.split(".")[0]] = target.split(".")[0]
            continue
        if name == "*":
            continue
        base = _relative_base(package_of(module), target, level) if level else target
        bound[alias or name] = f"{base}.{name}" if base else name
    return bound


def _relative_base(package: str, target: str, level: int) -> str:
    parts = package.split(".") if package else []
    parts = parts[: max(0, len(parts) - (level - 1))]
    return ".".join([*parts, target] if target else parts)


def find_models(index: ModuleIndex, classes: dict[str, list[ClassFact]],
                imports: dict[str, list[ImportFact]]) -> list[FoundModel]:
    """Model classes among ``classes`` (module id -> classes defined there)."""
    bases = known_bases()
    bound = {mid: bindings(index.modules[mid], imports.get(mid, [])) for mid in imports}
    by_qualified: dict[str, tuple[str, ClassFact]] = {}
    for mid, facts in classes.items():
        for fact in facts:
            by_qualified[f"{index.modules[mid].import_name}.{fact.name}"] = (mid, fact)

    def qualify(mid: str, written: str) -> str:
        head, _, rest = written.partition(".")
        local = bound[mid].get(head) if mid in bound else None
        if local is None:
            own = f"{index.modules[mid].import_name}.{head}"
            return own + (f".{rest}" if rest else "") if own in by_qualified else written
        return local + (f".{rest}" if rest else "")

    def follow(qualified: str) -> str:
        """Follow re-exports (``from .base import A`` in a package's __init__) to where a class lives."""
        for _ in range(5):
            if qualified in by_qualified or qualified in bases:
                return qualified
            owner, _, name = qualified.rpartition(".")
            module_id = index.names.get(_root_of(index, owner), {}).get(owner)
            if module_id is None or module_id not in bound or name not in bound[module_id]:
                return qualified
            qualified = bound[module_id][name]
        return qualified

    framework_of: dict[str, tuple[str, str]] = {}  # qualified class -> (framework, the framework base)
    for _ in range(MAX_ROUNDS):
        changed = False
        for qualified, (mid, fact) in by_qualified.items():
            if qualified in framework_of:
                continue
            for written in fact.bases:
                target = follow(qualify(mid, written))
                if target in bases:
                    framework_of[qualified] = (bases[target], target)
                elif target in framework_of and target != qualified:
                    framework_of[qualified] = (framework_of[target][0], target)
                else:
                    continue
                changed = True
                break
        if not changed:
            break
    found = [FoundModel(mid, fact.name, fact.line, framework_of[q][1], framework_of[q][0])
             for q, (mid, fact) in by_qualified.items() if q in framework_of]
    found.sort(key=lambda m: (m.module, m.line))
    return found


def _root_of(index: ModuleIndex, import_name: str) -> str:
    for root, table in index.names.items():
        if import_name in table:
            return root
    return ""
