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


OWN_BASE_METHODS = (
    frozenset({"forward"}),
    frozenset({"parameters", "zero_grad"}),
    frozenset({"parameters", "__call__"}),
    frozenset({"fit", "predict"}),
    frozenset({"fit", "transform"}),
    frozenset({"call", "build"}),
)
OWN = "its own"


def is_own_base(fact: ClassFact) -> bool:
    """A repository class that is a model base by what it defines (``forward``; ``parameters`` and ``zero_grad``
    as micrograd's ``Module``; ``fit`` and ``predict``), without subclassing a framework's base."""
    methods = set(fact.methods)
    return any(needed <= methods for needed in OWN_BASE_METHODS)


def _star_bindings(
    index: ModuleIndex,
    bound: dict[str, dict[str, str]],
    classes: dict[str, list[ClassFact]],
    imports: dict[str, list[ImportFact]],
) -> None:
    """``from .layers import *`` binds every public name of ``layers`` (its classes and what it binds itself)."""
    for _ in range(3):  # chains of star imports, a few deep
        for mid, facts in imports.items():
            module = index.modules[mid]
            for target, name, _alias, level, _line, _optional in facts:
                if name != "*":
                    continue
                kind, found = index.resolve(module.root, package_of(module), target, None, level)
                if kind != "internal" or found == mid:
                    continue
                source = index.modules[found].import_name
                names = {c.name: f"{source}.{c.name}" for c in classes.get(found, []) if c.top}
                names.update(bound.get(found, {}))
                table = bound.setdefault(mid, {})
                for public, qualified in names.items():
                    if not public.startswith("_"):
                        table.setdefault(public, qualified)


def find_models(
    index: ModuleIndex, classes: dict[str, list[ClassFact]], imports: dict[str, list[ImportFact]]
) -> list[FoundModel]:
    """Model classes among ``classes`` (module id -> classes defined there)."""
    bases = dict(known_bases())
    bound = {mid: bindings(index.modules[mid], imports.get(mid, [])) for mid in imports}
    _star_bindings(index, bound, classes, imports)
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
    own_bases = {q for q, (_mid, fact) in by_qualified.items() if fact.top and is_own_base(fact)}
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
    # the repository's own model bases (a micrograd-like ``Module``) and what subclasses them
    for qualified in sorted(own_bases - framework_of.keys()):
        framework_of[qualified] = (OWN, "(a base of its own)")
    for _ in range(MAX_ROUNDS):
        changed = False
        for qualified, (mid, fact) in by_qualified.items():
            if qualified in framework_of:
                continue
            for written in fact.bases:
                target = follow(qualify(mid, written))
                if target in framework_of and target != qualified and framework_of[target][0] == OWN:
                    framework_of[qualified] = (OWN, target)
                    changed = True
                    break
        if not changed:
            break
    found = [
        FoundModel(mid, fact.name, fact.line, framework_of[q][1], framework_of[q][0])
        for q, (mid, fact) in by_qualified.items()
        if q in framework_of
    ]
    found.sort(key=lambda m: (m.module, m.line))
    return found


def _root_of(index: ModuleIndex, import_name: str) -> str:
    for root, table in index.names.items():
        if import_name in table:
            return root
    return ""
