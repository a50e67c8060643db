"""No comprehension in ``src/learnloop`` reuses the name of a closure variable of the function it runs in.

Why: since Python 3.12 a list, set or dict comprehension inside a function runs in that function's frame (PEP 709).
When its variable has the name of a cell or free variable of the function (a name some nested lambda, def or
generator reads), reading the frame's ``f_locals`` while the comprehension runs takes the comprehension's plain
value for a cell. Python 3.13.0 to 3.13.2 then crash with a segmentation fault (CPython gh-128396, fixed in the
3.13 branch in February 2025). pydantic reads the calling frame's ``f_locals`` when it builds a deferred model
(``defer_build=True`` in ``atlas/schema.py``) on first use, so ``learnloop map --json`` crashed on pyenv's 3.13.0.
This test reads every module (an AST walk, nothing imported) and names each such comprehension; rename its
variable or drop the closure (a list instead of a generator).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "learnloop"

INLINED = (ast.ListComp, ast.SetComp, ast.DictComp)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
SCOPES = (*FUNCTIONS, ast.GeneratorExp, ast.ClassDef)


def _own(scope: ast.AST) -> list[ast.AST]:
    """The nodes that run in this scope's frame (its inlined comprehensions too), not those of nested scopes."""
    found: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, SCOPES):
            stack.extend(ast.iter_child_nodes(node))
    return found


def _targets(node: ast.AST) -> set[str]:
    generators = getattr(node, "generators", [])
    return {n.id for g in generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}


def _bound(scope: ast.AST) -> set[str]:
    """The names a scope binds; a comprehension's variables are the comprehension's, not the scope's."""
    names: set[str] = set()
    if isinstance(scope, FUNCTIONS):
        a = scope.args
        names |= {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg) if x is not None}
    if isinstance(scope, ast.GeneratorExp):
        names |= _targets(scope)
    own = _own(scope)
    in_targets = {id(n) for c in own if isinstance(c, INLINED) for g in c.generators for n in ast.walk(g.target)}
    for node in own:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del) and id(node) not in in_targets:
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _reads(node: ast.AST) -> set[str]:
    """The names read in a subtree that no scope or comprehension inside it binds."""
    if isinstance(node, ast.Name):
        return {node.id} if isinstance(node.ctx, ast.Load) else set()
    names: set[str] = set().union(*(_reads(child) for child in ast.iter_child_nodes(node)))
    if isinstance(node, SCOPES):
        names -= _bound(node)
    elif isinstance(node, INLINED):
        names -= _targets(node)
    return names


def shadowed_closure_names(source: str) -> list[tuple[int, str]]:
    """(line, name) of each inlined comprehension whose variable is named like a closure variable of its function.

    Errs on the safe side: a comprehension whose own variable is what a nested generator captures is named too."""
    found: list[tuple[int, str]] = []

    def visit(scope: ast.AST, outer: set[str]) -> None:
        bound = _bound(scope)
        nested = [node for node in _own(scope) if isinstance(node, SCOPES)]
        captured: set[str] = set().union(*(_reads(node) for node in nested))
        closure = (bound & captured) | (_reads(scope) & outer)
        for node in _own(scope):
            if isinstance(node, INLINED):
                found.extend((node.lineno, name) for name in sorted(_targets(node) & closure))
        for node in nested:
            visit(node, outer if isinstance(scope, ast.ClassDef) else outer | bound)

    for node in _own(ast.parse(source)):
        if isinstance(node, SCOPES):
            visit(node, set())
    return sorted(found)


CRASHED_ON_3_13_0 = """
    def map_(kinds, topics):
        as_json = {k: [t for t in topics if t == k] for k in kinds}  # line 3: shadows the cell k
        for k in kinds:
            members = sorted(t for t in topics if t == k)             # the generator makes k a cell
        return as_json
"""

# The comprehension's variable is its own (bound inside `changes`), not the outer `at`: nothing to report.
HARMLESS = """
    def history(rows):
        for at in rows:
            pass
        def changes(events=rows):
            return [(kind, at) for kind, at in events]
        return changes()
"""


def test_the_check_names_the_pattern_that_crashed_and_not_a_harmless_one() -> None:
    assert shadowed_closure_names(textwrap.dedent(CRASHED_ON_3_13_0)) == [(3, "k")]
    assert shadowed_closure_names(textwrap.dedent(HARMLESS)) == []


def test_no_comprehension_in_the_package_shadows_a_closure_variable() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: comprehension variable {name!r} is a closure variable there"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, name in shadowed_closure_names(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_map_json_in_a_fresh_interpreter_builds_the_deferred_models(tmp_path: Path) -> None:
    """The command that crashed, run where no test has built the map's models yet (a new process)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(PACKAGE.parent),
        "LEARNLOOP_HOME": str(tmp_path / "home"),
        "LEARNLOOP_CACHE": str(tmp_path / "cache"),
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-m", "learnloop", "map", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert data["model"] and all(topic["kind"] == "model" for topic in data["model"])
