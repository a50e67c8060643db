"""Name the repository's modules and decide, for each import, what it really reaches.

An import is judged by what the importing file could resolve, as Python would, not by any file
name somewhere in the tree (pipreqs drops ``numpy`` from scikit-learn because a folder deep inside
is called ``numpy``):

- A relative import (``from . import x``) always stays inside the importing module's package.
- An absolute import ``import a.b`` is the repository's own when ``a`` is a top-level name of the
  importing file's *import root* (the first folder above it without ``__init__.py``: the folder a
  script runs from, or the folder holding its top-level package), or of a *package root* (a folder
  holding one of the repository's packages, e.g. the repository root or ``src/``). A folder named
  ``numpy`` inside a package is neither, so ``import numpy`` there is NumPy.
- Otherwise it is the standard library (``sys.stdlib_module_names``) or a third-party library.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Literal

SOURCE_SUFFIXES = (".py", ".pyi", ".pyx")
PARENT = "<parent>"  # the import root of a studied folder that is itself a package
# "_typeshed" exists only for type checkers; it ships with them, not on PyPI.
STDLIB = frozenset(sys.stdlib_module_names) | {"__main__", "__builtin__", "builtins", "_typeshed"}

Target = tuple[Literal["internal", "stdlib", "third-party", "unresolved"], str]


@dataclass(frozen=True)
class Module:
    id: str  # unique name: the import name, or a path-like dotted name when two files share one
    import_name: str
    path: str
    root: str  # import root folder (relative path, "" for the repository root, PARENT above it)
    package: bool  # an __init__.py


@dataclass
class ModuleIndex:
    modules: dict[str, Module] = field(default_factory=dict)  # by id
    by_path: dict[str, Module] = field(default_factory=dict)
    packages: list[str] = field(default_factory=list)  # import names of the packages (folders with __init__)
    # per import root: import name -> module id; and the top-level names of that root
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    tops: dict[str, set[str]] = field(default_factory=dict)
    namespace_tops: dict[str, set[str]] = field(default_factory=dict)
    package_roots: list[str] = field(default_factory=list)

    def root_of_folder(self, folder: str) -> str:
        """The import root of a file in ``folder`` (used for notebooks, which are not modules)."""
        init = f"{folder}/__init__.py" if folder else "__init__.py"
        module = self.by_path.get(init)
        return module.root if module else folder

    def resolve(self, root: str, package: str, module: str, name: str | None, level: int) -> Target:
        """What ``from <level dots><module> import <name>`` (or ``import <module>``) reaches from a file whose
        import root is ``root`` and whose package is ``package`` (dotted, '' for none)."""
        if level:
            parts = package.split(".") if package else []
            if level - 1 > len(parts) or not parts:
                return ("unresolved", "." * level + module)
            base_parts = parts[: len(parts) - (level - 1)]
            base = ".".join([*base_parts, module] if module else base_parts)
            found = self._deepest(root, base, name)
            return ("internal", found) if found else ("unresolved", base)
        top = module.split(".")[0]
        for candidate in self._visible_roots(root):
            if top in self.tops.get(candidate, ()):
                found = self._deepest(candidate, module, name)
                if found:
                    return ("internal", found)
            if top in self.namespace_tops.get(candidate, ()):
                found = self._deepest(candidate, module, name)  # only real modules below the folder
                if found:
                    return ("internal", found)
        if top in STDLIB:
            return ("stdlib", top)
        return ("third-party", top)

    def _visible_roots(self, root: str) -> list[str]:
        return [root, *(r for r in self.package_roots if r != root)]

    def _deepest(self, root: str, dotted: str, name: str | None) -> str | None:
        table = self.names.get(root, {})
        if name and name != "*" and f"{dotted}.{name}" in table:
            return table[f"{dotted}.{name}"]
        parts = dotted.split(".")
        while parts:
            found = table.get(".".join(parts))
            if found:
                return found
            parts.pop()
        return None


def build_index(source_paths: list[str], root_name: str) -> ModuleIndex:
    """Index the modules among ``source_paths`` (relative POSIX paths of .py/.pyi/.pyx files)."""
    index = ModuleIndex()
    known = set(source_paths)
    package_dirs = {p.rpartition("/")[0] for p in source_paths if p.rpartition("/")[2] == "__init__.py"}
    entries: list[tuple[str, str, str, bool]] = []  # (import name, path, import root, package)
    for path in sorted(source_paths):
        folder, _, filename = path.rpartition("/")
        stem = filename.rsplit(".", 1)[0]
        is_package = stem == "__init__"
        if not (is_package or stem.isidentifier()) or pyi_shadowed(path, known):
            continue  # "my-script.py" is read but cannot be imported
        parts = [] if is_package else [stem]
        current, root = folder, None
        while current in package_dirs:
            if not current:  # the studied folder is itself a package
                parts.insert(0, root_name)
                root = PARENT
                break
            parent, _, name = current.rpartition("/")
            parts.insert(0, name)
            current = parent
        if parts:
            entries.append((".".join(parts), path, current if root is None else root, is_package))
    counts: dict[str, int] = {}
    for import_name, *_rest in entries:
        counts[import_name] = counts.get(import_name, 0) + 1
    for import_name, path, root, is_package in entries:
        module_id = import_name if counts[import_name] == 1 else path_id(path)
        module = Module(module_id, import_name, path, root, is_package)
        index.modules[module_id] = module
        index.by_path[path] = module
        index.names.setdefault(root, {})[import_name] = module_id
        index.tops.setdefault(root, set()).add(import_name.split(".")[0])
        if is_package:
            index.packages.append(import_name)
    for module in index.modules.values():
        _add_namespace_names(index, module)
    tops_that_are_packages = {p for p in index.packages if "." not in p}
    index.package_roots = sorted(r for r, tops in index.tops.items() if tops & tops_that_are_packages)
    index.packages.sort()
    return index


def _add_namespace_names(index: ModuleIndex, module: Module) -> None:
    """Let ``import scripts.train`` reach ``scripts/train.py`` from the folders above ``scripts/`` (a folder
    without ``__init__.py`` is a namespace package when its parent is on the path)."""
    root = module.root
    if root == PARENT:
        return
    dotted = module.import_name
    while root:
        parent, _, name = root.rpartition("/")
        if not name.isidentifier():
            return
        dotted = f"{name}.{dotted}"
        index.names.setdefault(parent, {}).setdefault(dotted, module.id)
        index.namespace_tops.setdefault(parent, set()).add(dotted.split(".")[0])
        root = parent


def path_id(path: str) -> str:
    """A unique dotted name made from the path (``examples/a/train.py`` -> ``examples.a.train``)."""
    stem = path.rsplit(".", 1)[0]
    if stem.endswith("/__init__"):
        stem = stem[: -len("/__init__")]
    return stem.replace("/", ".")


def pyi_shadowed(path: str, known: set[str]) -> bool:
    """A .pyi stub next to a .py or .pyx of the same name adds nothing to the module list."""
    if not path.endswith(".pyi"):
        return False
    stem = path[:-4]
    return f"{stem}.py" in known or f"{stem}.pyx" in known


def package_of(module: Module) -> str:
    """The package a module's relative imports start from."""
    if module.package:
        return module.import_name
    return module.import_name.rpartition(".")[0]
