"""Read one Python source with ``ast`` (never importing or running it) and keep only what a study needs.

To stay fast on large trees the walk visits statements only, not every expression: imports, classes,
function decorators, ``if __name__ == "__main__"`` and docstrings all live at statement level. Files
that mention ``ArgumentParser`` get one extra full walk to find the parser.

A file that does not parse is not dropped: its imports are still read line by line (approximately),
and the failure is classified as Python 2 or as a plain syntax error.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Literal

# A binding made by an import statement: ``import a.b as c`` is ("a.b", None, "c", 0, line, optional);
# ``from ..x import y`` is ("x", "y", None, 2, line, optional).
ImportFact = tuple[str, str | None, str | None, int, int, bool]


@dataclass(slots=True)
class ClassFact:
    name: str
    line: int
    bases: tuple[str, ...]
    methods: tuple[str, ...] = ()
    top: bool = True  # defined at module level (not nested in a class or function)


@dataclass(slots=True)
class CliFact:
    kind: Literal["argparse", "click", "typer", "fire", "hydra", "nox"]
    line: int
    name: str | None = None
    detail: str | None = None


@dataclass(slots=True)
class Problem:
    kind: Literal["python2", "syntax-error", "too-large"]
    line: int | None
    message: str


@dataclass(slots=True)
class PythonFacts:
    imports: list[ImportFact] = field(default_factory=list)
    classes: list[ClassFact] = field(default_factory=list)
    clis: list[CliFact] = field(default_factory=list)
    main_line: int | None = None
    functions: list[tuple[str, int]] = field(default_factory=list)  # module-level defs: (name, line)
    work_lines: list[int] = field(default_factory=list)  # module-level statements that do work (first few)
    work_count: int = 0
    reexport_only: bool = False  # only imports, ``__all__`` and simple names at module level
    constant_assignments: int = 0  # module-level ``name = literal`` (a configuration file is mostly these)
    summary: str | None = None
    docstring_lines: list[tuple[int, int]] = field(default_factory=list)
    problem: Problem | None = None


_CLICKS = frozenset({"click", "rich_click", "asyncclick"})
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def read_python(text: str, *, filename: str = "<study>") -> PythonFacts:
    """The facts of one module's source text. Never raises on bad source."""
    facts = PythonFacts()
    try:
        tree = ast.parse(text, filename=filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        facts.problem = classify_failure(text, exc)
        facts.imports = scan_imports_by_line(text)
        return facts
    _Reader(facts).read_module(tree, text)
    return facts


class _Reader:
    def __init__(self, facts: PythonFacts) -> None:
        self.facts = facts
        self.uses_click = False
        self.uses_nox = False
        self.typer_apps: set[str] = set()

    def read_module(self, tree: ast.Module, text: str) -> None:
        body = tree.body
        doc = self._docstring(body)
        if doc is not None:
            first = doc.strip().splitlines()
            self.facts.summary = first[0].strip()[:200] if first else None
        self.visit(body, optional=False, top=True)
        self._module_level(body)
        if "ArgumentParser" in text:
            self._find_argparse(tree)

    def _docstring(self, body: list[ast.stmt]) -> str | None:
        if body and type(body[0]) is ast.Expr:
            value = body[0].value
            if type(value) is ast.Constant and isinstance(value.value, str):
                node = body[0]
                self.facts.docstring_lines.append((node.lineno, node.end_lineno or node.lineno))
                return value.value
        return None

    def visit(self, body: list[ast.stmt], *, optional: bool, top: bool = False) -> None:
        facts = self.facts
        for node in body:
            kind = type(node)
            if kind is ast.Import:
                for alias in node.names:  # type: ignore[attr-defined]
                    facts.imports.append((alias.name, None, alias.asname, 0, node.lineno, optional))
                    self.uses_click = self.uses_click or alias.name.split(".")[0] in _CLICKS
                    self.uses_nox = self.uses_nox or alias.name == "nox"
            elif kind is ast.ImportFrom:
                module = node.module or ""  # type: ignore[attr-defined]
                level = node.level or 0  # type: ignore[attr-defined]
                self.uses_click = self.uses_click or (not level and module.split(".")[0] in _CLICKS)
                for alias in node.names:  # type: ignore[attr-defined]
                    facts.imports.append((module, alias.name, alias.asname, level, node.lineno, optional))
            elif kind is ast.ClassDef:
                bases = tuple(b for b in (dotted(e) for e in node.bases) if b)  # type: ignore[attr-defined]
                methods = tuple(
                    n.name
                    for n in node.body  # type: ignore[attr-defined]
                    if type(n) is ast.FunctionDef or type(n) is ast.AsyncFunctionDef
                )
                facts.classes.append(ClassFact(node.name, node.lineno, bases, methods, top))  # type: ignore[attr-defined]
                self._docstring(node.body)  # type: ignore[attr-defined]
                self.visit(node.body, optional=optional)  # type: ignore[attr-defined]
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                if node.decorator_list:  # type: ignore[attr-defined]
                    self._decorated(node)  # type: ignore[arg-type]
                self._docstring(node.body)  # type: ignore[attr-defined]
                self.visit(node.body, optional=optional)  # type: ignore[attr-defined]
            elif kind is ast.If:
                test = node.test  # type: ignore[attr-defined]
                if top and is_main_guard(test):
                    facts.main_line = node.lineno
                    self._main_block(node.body)  # type: ignore[attr-defined]
                guarded = optional or is_type_checking(test)
                self.visit(node.body, optional=guarded)  # type: ignore[attr-defined]
                self.visit(node.orelse, optional=optional, top=top)  # type: ignore[attr-defined]
            elif kind is ast.Try or kind is ast.TryStar:
                catches = any(_catches_import_error(h) for h in node.handlers)  # type: ignore[attr-defined]
                self.visit(node.body, optional=optional or catches)  # type: ignore[attr-defined]
                for handler in node.handlers:  # type: ignore[attr-defined]
                    self.visit(handler.body, optional=optional or catches)
                self.visit(node.orelse, optional=optional)  # type: ignore[attr-defined]
                self.visit(node.finalbody, optional=optional)  # type: ignore[attr-defined]
            elif kind in _BLOCKS:
                self.visit(node.body, optional=optional)  # type: ignore[attr-defined]
                self.visit(getattr(node, "orelse", []), optional=optional)
            elif kind is ast.Match:
                for case in node.cases:  # type: ignore[attr-defined]
                    self.visit(case.body, optional=optional)
            elif kind is ast.Assign and type(node.value) is ast.Call:  # type: ignore[attr-defined]
                called = dotted(node.value.func) or ""  # type: ignore[attr-defined]
                if called in ("Typer", "typer.Typer"):
                    names = [dotted(t) for t in node.targets]  # type: ignore[attr-defined]
                    self.typer_apps.update(n for n in names if n)
                    facts.clis.append(CliFact("typer", node.lineno, names[0] if names else None, "typer.Typer app"))

    def _module_level(self, body: list[ast.stmt]) -> None:
        """Module-level facts: its functions, the statements that do work when it runs (a script), and whether it
        only gathers names from elsewhere (a re-export file)."""
        facts = self.facts
        reexport = bool(body)
        for index, node in enumerate(body):
            kind = type(node)
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                facts.functions.append((node.name, node.lineno))  # type: ignore[attr-defined]
                reexport = False
                continue
            if kind is ast.Import or kind is ast.ImportFrom:
                continue
            if kind is ast.Expr and index == 0 and type(node.value) is ast.Constant:  # type: ignore[attr-defined]
                continue  # the docstring
            if kind is ast.Assign or kind is ast.AnnAssign or kind is ast.AugAssign:
                value = node.value  # type: ignore[attr-defined]
                if value is None or _is_literal(value):
                    facts.constant_assignments += 1
                    continue
                if type(value) is ast.Call and _does_work(value):
                    self._work(node)
                reexport = reexport and _reexport_assignment(node)
                continue
            if kind is ast.If and is_main_guard(node.test):  # type: ignore[attr-defined]
                reexport = False
                continue
            if kind is ast.Try or kind is ast.If:
                continue  # optional imports, version checks
            reexport = False
            if (kind is ast.Expr and type(node.value) is ast.Call and _does_work(node.value)) or kind in _BLOCKS:  # type: ignore[attr-defined]
                self._work(node)
        facts.reexport_only = reexport and bool(facts.imports) and not facts.classes

    def _work(self, node: ast.stmt) -> None:
        self.facts.work_count += 1
        if len(self.facts.work_lines) < 5:
            self.facts.work_lines.append(node.lineno)

    def _decorated(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            target = decorator.func if type(decorator) is ast.Call else decorator
            name = dotted(target)
            if not name:
                continue
            if "." not in name:
                if name in ("command", "group") and self.uses_click:
                    self.facts.clis.append(CliFact("click", node.lineno, node.name, f"@{name}"))
                continue
            owner, _, attr = name.rpartition(".")
            if name in ("nox.session", "session") and (name == "nox.session" or self.uses_nox):
                self.facts.clis.append(CliFact("nox", node.lineno, node.name, "@nox.session"))
            elif name == "hydra.main":
                self.facts.clis.append(CliFact("hydra", node.lineno, node.name, "@hydra.main"))
            elif attr in ("command", "group") and owner in self.typer_apps:
                self.facts.clis.append(CliFact("typer", node.lineno, node.name, f"@{name}"))
            elif attr in ("command", "group") and self.uses_click:
                self.facts.clis.append(CliFact("click", node.lineno, node.name, f"@{name}"))

    def _main_block(self, body: list[ast.stmt]) -> None:
        for node in body:
            if type(node) is ast.Expr and type(node.value) is ast.Call:
                called = dotted(node.value.func)
                if called in ("fire.Fire", "Fire"):
                    self.facts.clis.append(CliFact("fire", node.lineno, None, "fire.Fire"))
                elif called == "typer.run":
                    self.facts.clis.append(CliFact("typer", node.lineno, None, "typer.run"))

    def _find_argparse(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if type(node) is ast.Call and dotted(node.func) in ("ArgumentParser", "argparse.ArgumentParser"):
                detail = None
                for keyword in node.keywords:
                    value = keyword.value
                    if keyword.arg == "description" and type(value) is ast.Constant and isinstance(value.value, str):
                        detail = value.value.strip().splitlines()[0][:120] if value.value.strip() else None
                self.facts.clis.append(CliFact("argparse", node.lineno, None, detail))


_BLOCKS = (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)
# Calls at module level that set a library up rather than do the work a script does.
_SETUP_CALLS = frozenset(
    {
        "getLogger",
        "logging.getLogger",
        "TypeVar",
        "typing.TypeVar",
        "namedtuple",
        "NewType",
        "collections.namedtuple",
        "register",
        "warnings.filterwarnings",
        "warnings.simplefilter",
        "ParamSpec",
        "dataclass",
        "field",
        "object",
        "frozenset",
        "set",
        "dict",
        "tuple",
        "list",
        "re.compile",
        "compile",
        "Typer",
        "typer.Typer",
        "ArgumentParser",
        "argparse.ArgumentParser",
        "getattr",
        "os.environ.get",
        "os.getenv",
        "Path",
        "pathlib.Path",
        "str",
        "int",
        "float",
        "APIRouter",
        "FastAPI",
        "Flask",
        "Blueprint",
        "lazy_loader.attach",
        "lazy.attach",
        "cast",
        "overload",
        "TypedDict",
        "Enum",
        "IntEnum",
        "partial",
        "functools.partial",
        "defaultdict",
        "OrderedDict",
        "np.dtype",
        "import_module",
        "importlib.import_module",
        "__getattr__",
        "declarative_base",
        "Field",
        "Version",
        "version",
        "gettext",
    }
)


def _does_work(call: ast.Call) -> bool:
    name = dotted(call.func)
    if name is None:
        return True  # ``open(...).read()``, ``exec(...)``: a chain of calls is work
    last = name.rpartition(".")[2]
    return not (name in _SETUP_CALLS or last in _SETUP_CALLS or last.startswith("_"))


def _is_literal(node: ast.expr) -> bool:
    if type(node) is ast.Constant:
        return True
    if type(node) is ast.UnaryOp:
        return _is_literal(node.operand)
    if type(node) is ast.List or type(node) is ast.Tuple or type(node) is ast.Set:
        return all(_is_literal(e) for e in node.elts)
    if type(node) is ast.Dict:
        return all(k is None or _is_literal(k) for k in node.keys) and all(_is_literal(v) for v in node.values)
    if type(node) is ast.BinOp:
        return _is_literal(node.left) and _is_literal(node.right)
    return False


def _reexport_assignment(node: ast.stmt) -> bool:
    """``__all__ = [...]``, ``__version__ = ...``, ``name = other_name``: what a re-export file holds."""
    targets = node.targets if type(node) is ast.Assign else [node.target]  # type: ignore[attr-defined]
    value = node.value  # type: ignore[attr-defined]
    if all(type(t) is ast.Name and t.id.startswith("__") for t in targets):
        return True
    return type(value) is ast.Name or type(value) is ast.Attribute


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, ``a.b`` for ``a.b[...]``; None for anything else."""
    parts: list[str] = []
    while True:
        kind = type(node)
        if kind is ast.Attribute:
            parts.append(node.attr)  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
        elif kind is ast.Name:
            parts.append(node.id)  # type: ignore[attr-defined]
            return ".".join(reversed(parts))
        elif kind is ast.Subscript:  # Generic[T], nn.Module[...]: the class before the brackets
            node = node.value  # type: ignore[attr-defined]
        else:
            return None


def is_main_guard(test: ast.expr) -> bool:
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) is not ast.Eq:
        return False
    sides = (test.left, test.comparators[0])
    has_name = any(type(s) is ast.Name and s.id == "__name__" for s in sides)
    has_main = any(type(s) is ast.Constant and s.value == "__main__" for s in sides)
    return has_name and has_main


def is_type_checking(test: ast.expr) -> bool:
    return dotted(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:
        return True
    names = [dotted(e) for e in caught.elts] if type(caught) is ast.Tuple else [dotted(caught)]
    return any(n and n.rpartition(".")[2] in _IMPORT_ERRORS for n in names)


# --- when ast cannot parse the file -------------------------------------------------------------------

_PY2_SIGNS = [
    re.compile(r"^[ \t]*print[ \t]+[^ \t(=\n][^\n]*$", re.M),  # print statement
    re.compile(r"^[ \t]*exec[ \t]+[\"'a-zA-Z]", re.M),  # exec statement
    re.compile(r"\bexcept[ \t]+[\w.]+[ \t]*,[ \t]*\w+[ \t]*:"),  # except E, e:
    re.compile(r"^[ \t]*raise[ \t]+[\w.]+[ \t]*,", re.M),  # raise E, "message"
    re.compile(r"\bur[\"']"),  # ur"" literals
    re.compile(r"<>"),  # the old not-equal
    re.compile(r"`[^`\n]+`"),  # backtick repr
    re.compile(r"\b\d+[lL]\b"),  # long literals
    re.compile(r"\b0[0-7]+\b"),  # old octal literals
]
_PY2_MESSAGES = (
    "Missing parentheses in call to 'print'",
    "Missing parentheses in call to 'exec'",
    "leading zeros in decimal integer literals",
    "multiple exception types must be parenthesized",
)

# Anchored on a new line (the text is read with one put in front), which the regular expression engine finds as a
# literal: ``^`` in multi-line mode is tried at every position and cost three times as much.
_IMPORT_LINE = re.compile(
    r"\n[ \t]*(?:from[ \t]+(?P<dots>\.*)(?P<module>[\w.]*)[ \t]+import[ \t]*(?:\((?P<paren>[^)]*)\)"
    r"|(?P<names>[^\n#;(]+))|import[ \t]+(?P<plain>[^\n#;]+))",
)
_MAIN_GUARD = re.compile(r"^if[ \t]+__name__[ \t]*==[ \t]*['\"]__main__['\"][ \t]*:", re.M)


def scan_python(text: str) -> PythonFacts:
    """The imports (and the ``__main__`` guard) of a module read line by line, without building a syntax tree:
    what a test or vendored file needs to place it in the import graph, at a tenth of the cost of ``ast``."""
    facts = PythonFacts(imports=scan_imports_by_line(text))
    guard = _MAIN_GUARD.search(text) if "__main__" in text else None
    if guard is not None:
        facts.main_line = text.count("\n", 0, guard.start()) + 1
    return facts


def classify_failure(text: str, exc: BaseException) -> Problem:
    line = getattr(exc, "lineno", None)
    message = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
    if isinstance(exc, RecursionError | MemoryError):
        return Problem("syntax-error", None, "too deeply nested to parse")
    if any(message.startswith(m) for m in _PY2_MESSAGES) or _python2_line(text, line):
        return Problem("python2", line, f"Python 2 syntax ({message})")
    return Problem("syntax-error", line, message)


def _python2_line(text: str, line: int | None) -> bool:
    """Does the failing line (or, without a line, the file) look like Python 2?"""
    if line is not None:
        lines = text.splitlines()
        if 0 < line <= len(lines):
            return any(sign.search(lines[line - 1]) for sign in _PY2_SIGNS)
    return any(sign.search(text) for sign in _PY2_SIGNS[:4])


_TRIPLE = re.compile(r"\"\"\"|\'\'\'")


def _string_spans(text: str) -> list[tuple[int, int]]:
    """Where triple-quoted strings are (docstrings, code kept in strings), so that an ``import`` inside one is not
    taken for an import. Approximate: quotes inside comments or one-line strings are not told apart."""
    spans: list[tuple[int, int]] = []
    opened: tuple[int, str] | None = None
    for match in _TRIPLE.finditer(text):
        quote = match.group()
        if opened is None:
            opened = (match.start(), quote)
        elif quote == opened[1]:
            spans.append((opened[0], match.end()))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(text)))
    return spans


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    import bisect

    index = bisect.bisect_right(spans, (position, 1 << 62)) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _guarded(text: str, start: int) -> bool:
    """Whether the indented line at ``start`` sits in a ``try`` block, an ``except`` handler or under
    ``if TYPE_CHECKING``: the same optional imports the syntax-tree reader recognises, found by indentation."""
    line_end = text.find("\n", start)
    line = text[start : line_end if line_end >= 0 else len(text)]
    indent = len(line) - len(line.lstrip())
    position = start
    for _ in range(200):
        if indent == 0 or position <= 0:
            return False
        previous = text.rfind("\n", 0, position - 1)
        header = text[previous + 1 : position - 1]
        position = previous + 1
        stripped = header.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(header) - len(stripped)
        if depth < indent:
            if stripped.startswith(("if TYPE_CHECKING", "if typing.TYPE_CHECKING")):
                return True
            if stripped.startswith("except") and _catches_import_error_line(stripped):
                return True
            if stripped.startswith("try:") and _try_catches_import_error(text, position, depth):
                return True
            indent = depth
    return False


_HANDLER_WORDS = re.compile(r"\b(?:ImportError|ModuleNotFoundError|Exception|BaseException)\b")


def _catches_import_error_line(line: str) -> bool:
    head = line.split(":", 1)[0].strip()
    return head == "except" or bool(_HANDLER_WORDS.search(head))


def _try_catches_import_error(text: str, start: int, depth: int) -> bool:
    """Whether one of the handlers of the ``try:`` at ``start`` catches an import error (as the tree reader asks)."""
    position = text.find("\n", start)
    for _ in range(400):
        if position < 0:
            return False
        end = text.find("\n", position + 1)
        line = text[position + 1 : end if end >= 0 else len(text)]
        position = end
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        here = len(line) - len(stripped)
        if here < depth:
            return False
        if here == depth:
            if stripped.startswith("except"):
                if _catches_import_error_line(stripped):
                    return True
                continue
            if not stripped.startswith(("else", "finally")):
                return False
    return False


def scan_imports_by_line(text: str) -> list[ImportFact]:
    """Imports found line by line, without a syntax tree: in a file ``ast`` could not parse, or in tests and
    vendored code (where a syntax tree costs more than it tells). Imports inside triple-quoted strings are left
    out; an import indented under ``try:`` or ``if TYPE_CHECKING:`` is optional."""
    found: list[ImportFact] = []
    spans = _string_spans(text) if ('"""' in text or "'''" in text) else []
    for match in _IMPORT_LINE.finditer("\n" + text):
        start = match.start()  # the new line before the statement, in the framed text: where it starts in ``text``
        if spans and _inside(spans, start):
            continue
        line = text.count("\n", 0, start) + 1
        optional = start < len(text) and text[start] in " \t" and _guarded(text, start)
        if match.group("plain"):
            for part in match.group("plain").split(","):
                words = part.split()
                if words and _is_dotted(words[0]):
                    alias = words[2] if len(words) == 3 and words[1] == "as" else None
                    found.append((words[0], None, alias, 0, line, optional))
        else:
            level = len(match.group("dots"))
            module = match.group("module")
            if not level and not module:
                continue
            names = match.group("paren") if match.group("paren") is not None else match.group("names")
            for part in re.sub(r"#[^\n]*", "", names).replace("\\", " ").split(","):
                words = part.split()
                if words and (words[0] == "*" or words[0].isidentifier()):
                    alias = words[2] if len(words) == 3 and words[1] == "as" else None
                    found.append((module, words[0], alias, level, line, optional))
    return found


def _is_dotted(name: str) -> bool:
    return all(p.isidentifier() for p in name.split("."))
