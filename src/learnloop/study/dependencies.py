"""What a repository declares it needs, and the commands it installs, read statically.

Sources: ``requirements*.txt`` (root and ``requirements/``), ``pyproject.toml`` (PEP 621 and Poetry),
``setup.cfg``, ``setup.py`` and ``environment.yml``. ``setup.py`` is parsed with ``ast`` and only
literal values are read (a list assigned to a name once is followed); it is never executed, so
values computed at run time are reported as unknown rather than guessed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnloop.study.report import Dependency, Notice

REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
MAX_MANIFEST_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Script:
    """A console or GUI script: ``name = module:function``."""

    name: str
    target: str
    source: str
    gui: bool = False

    @property
    def module(self) -> str:
        return self.target.split(":")[0].strip()


@dataclass
class Declarations:
    project: str | None = None
    dependencies: list[Dependency] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def is_manifest(path: str) -> bool:
    folder, _, name = path.rpartition("/")
    if folder == "requirements":
        return name.endswith((".txt", ".in"))
    if folder:
        return False
    return name in ("pyproject.toml", "setup.cfg", "setup.py", "environment.yml", "environment.yaml") or (
        name.startswith("requirements") and name.endswith((".txt", ".in"))
    )


def read_declarations(root: Path, paths: list[str]) -> Declarations:
    """Read every manifest among ``paths`` (relative to ``root``)."""
    found = Declarations()
    for path in sorted(p for p in paths if is_manifest(p)):
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")[:MAX_MANIFEST_BYTES]
        except OSError:
            continue
        name = path.rpartition("/")[2]
        if name == "pyproject.toml":
            _read_pyproject(text, path, found)
        elif name == "setup.cfg":
            _read_setup_cfg(text, path, found)
        elif name == "setup.py":
            _read_setup_py(text, path, found)
        elif name.startswith("environment."):
            _read_environment(text, path, found)
        else:
            group = "main" if name in ("requirements.txt", "requirements.in") else name.rsplit(".", 1)[0]
            for spec in requirement_lines(text):
                _add(found, spec, path, group)
    return found


def requirement_lines(text: str) -> list[str]:
    """The requirement specifiers of a requirements file (options, includes and comments skipped)."""
    specs = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-", "git+", "http:", "https:", "file:", ".", "/")):
            continue
        specs.append(line)
    return specs


def _add(found: Declarations, spec: str, source: str, group: str) -> None:
    match = REQUIREMENT_NAME.match(spec)
    if match is None:
        return
    name = match.group(1)
    if any(d.name.lower() == name.lower() and d.group == group for d in found.dependencies):
        return
    found.dependencies.append(Dependency(name=name, spec=spec.strip(), source=source, group=group))


def _read_pyproject(text: str, path: str, found: Declarations) -> None:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found.notices.append(Notice(path=path, kind="unreadable", detail=f"not valid TOML ({exc})"))
        return
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    found.project = found.project or _text(project.get("name"))
    for spec in _strings(project.get("dependencies")):
        _add(found, spec, path, "main")
    for group, specs in _table(project.get("optional-dependencies")).items():
        for spec in _strings(specs):
            _add(found, spec, path, str(group))
    for group, specs in _table(data.get("dependency-groups")).items():
        for spec in _strings(specs):
            _add(found, spec, path, str(group))
    for name, target in _table(project.get("scripts")).items():
        found.scripts.append(Script(str(name), str(target), path))
    for name, target in _table(project.get("gui-scripts")).items():
        found.scripts.append(Script(str(name), str(target), path, gui=True))
    poetry = _table(_table(data.get("tool")).get("poetry"))
    found.project = found.project or _text(poetry.get("name"))
    for name, value in _table(poetry.get("dependencies")).items():
        if str(name).lower() != "python":
            _add(found, f"{name} {value}" if isinstance(value, str) else str(name), path, "main")
    for name, target in _table(poetry.get("scripts")).items():
        if isinstance(target, str):
            found.scripts.append(Script(str(name), target, path))


def _read_setup_cfg(text: str, path: str, found: Declarations) -> None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        found.notices.append(Notice(path=path, kind="unreadable", detail=f"not a valid setup.cfg ({exc.message})"))
        return
    if parser.has_option("metadata", "name"):
        found.project = found.project or parser.get("metadata", "name")
    if parser.has_option("options", "install_requires"):
        for spec in _cfg_list(parser.get("options", "install_requires")):
            _add(found, spec, path, "main")
    if parser.has_section("options.extras_require"):
        for group, value in parser.items("options.extras_require"):
            for spec in _cfg_list(value):
                _add(found, spec, path, group)
    if parser.has_section("options.entry_points"):
        for kind, value in parser.items("options.entry_points"):
            if kind in ("console_scripts", "gui_scripts"):
                for line in _cfg_list(value):
                    _add_script_line(found, line, path, gui=kind == "gui_scripts")


def _cfg_list(value: str) -> list[str]:
    return [line.strip() for line in value.replace(";", "\n").splitlines() if line.strip()]


def _add_script_line(found: Declarations, line: str, path: str, *, gui: bool) -> None:
    name, sep, target = line.partition("=")
    if sep and name.strip() and target.strip():
        found.scripts.append(Script(name.strip(), target.strip(), path, gui=gui))


def _read_setup_py(text: str, path: str, found: Declarations) -> None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        found.notices.append(Notice(path=path, kind="unreadable", detail="setup.py does not parse; not read"))
        return
    assigned = _literal_assignments(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called_name(node.func) == "setup"):
            continue
        for keyword in node.keywords:
            value = _literal(keyword.value, assigned)
            if keyword.arg == "name" and isinstance(value, str):
                found.project = found.project or value
            elif keyword.arg == "install_requires":
                if isinstance(value, list | tuple):
                    for spec in _strings(list(value)):
                        _add(found, spec, path, "main")
                else:
                    found.notices.append(
                        Notice(
                            path=path,
                            kind="unreadable",
                            detail="install_requires is computed when setup.py runs; not read (setup.py is never run)",
                        )
                    )
            elif keyword.arg == "extras_require" and isinstance(value, dict):
                for group, specs in value.items():
                    for spec in _strings(specs if isinstance(specs, list | tuple) else [specs]):
                        _add(found, spec, path, str(group))
            elif keyword.arg == "entry_points":
                _setup_entry_points(value, path, found)


def _setup_entry_points(value: Any, path: str, found: Declarations) -> None:
    if isinstance(value, str):
        import configparser

        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(value)
        except configparser.Error:
            return
        value = {section: [f"{k} = {v}" for k, v in parser.items(section)] for section in parser.sections()}
    if not isinstance(value, dict):
        return
    for kind, lines in value.items():
        if kind not in ("console_scripts", "gui_scripts"):
            continue
        for line in _strings(lines if isinstance(lines, list | tuple) else [lines]):
            _add_script_line(found, line, path, gui=kind == "gui_scripts")


def _literal_assignments(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level ``NAME = <expression>`` assigned exactly once (so following the name is safe)."""
    seen: dict[str, ast.expr] = {}
    twice: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in seen:
                twice.add(name)
            seen[name] = node.value
    return {k: v for k, v in seen.items() if k not in twice}


def _literal(node: ast.expr, assigned: dict[str, ast.expr], depth: int = 0) -> Any:
    if isinstance(node, ast.Name) and node.id in assigned and depth < 3:
        return _literal(assigned[node.id], assigned, depth + 1)
    if isinstance(node, ast.List | ast.Tuple):
        items = [_literal(e, assigned, depth + 1) for e in node.elts]
        return None if any(i is None for i in items) else items
    if isinstance(node, ast.Dict):
        keys = [_literal(k, assigned, depth + 1) if k is not None else None for k in node.keys]
        values = [_literal(v, assigned, depth + 1) for v in node.values]
        if any(k is None for k in keys) or any(v is None for v in values):
            return None
        return dict(zip(keys, values, strict=True))
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _read_environment(text: str, path: str, found: Declarations) -> None:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        found.notices.append(Notice(path=path, kind="unreadable", detail="not valid YAML; not read"))
        return
    if not isinstance(data, dict):
        return
    for item in data.get("dependencies") or []:
        if isinstance(item, str):
            spec = item.split("::")[-1]
            if REQUIREMENT_NAME.match(spec) and not spec.startswith("python"):
                _add(found, re.sub(r"=+", "==", spec, count=1) if "=" in spec else spec, path, "conda")
        elif isinstance(item, dict):
            for spec in _strings(item.get("pip")):
                _add(found, spec, path, "pip")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _table(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
