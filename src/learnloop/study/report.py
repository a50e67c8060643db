"""What a study of a repository finds, as plain values: the CLI, the web page and ``--json`` all show these.

Paths are relative to the studied root (POSIX separators), so a report never leaks the temporary
folder an archive was unpacked into. Module names are dotted (``pygcn.models``).

The values are frozen dataclasses, not pydantic models: the study builds them itself (nothing here comes
from outside, so there is nothing to validate), and creating two dozen pydantic classes cost 55 ms of every
``study`` start-up, a quarter of a study of an empty folder. They keep the names of pydantic's methods the
front doors and jobs call (``model_dump``, ``model_dump_json``, ``model_copy``); JSON is written by the
standard library, with the same shape and the same text for the same report.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Literal, TypeVar, cast, dataclass_transform

NoticeKind = Literal[
    "oversized",
    "binary",
    "not-utf8",
    "symlink-loop",
    "symlink-outside",
    "broken-symlink",
    "unreadable",
    "archive-member",
    "notebook",
]
ProblemKind = Literal["python2", "syntax-error", "too-large"]
EntryKind = Literal[
    "readme-command",
    "main-block",
    "script",
    "dunder-main",
    "console-script",
    "gui-script",
    "argparse",
    "click",
    "typer",
    "fire",
    "hydra",
    "notebook",
    "make-target",
    "just-target",
    "tox-env",
    "nox-session",
]
RoleKind = Literal[
    "configuration",
    "data",
    "model",
    "training",
    "evaluation",
    "cli",
    "re-export",
    "tests",
    "script",
    "library",
    "docs",
    "examples",
    "other",
]
StageKind = Literal["readme", "run", "data", "model", "training", "evaluation", "more"]
LibraryKind = Literal["stdlib", "third-party"]


_P = TypeVar("_P", bound="Part")
_FIELDS: dict[type, tuple[str, ...]] = {}  # a value class -> its field names, in order (filled by ``_value``)
_SCALARS = (str, int, float, bool, type(None))


class Part:
    """A value of the report: frozen, compared by its fields, turned into plain JSON data on request."""

    __slots__ = ()

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The value as dicts, lists and scalars (``mode`` is accepted for callers written for pydantic)."""
        return _plain(self)

    def model_dump_json(self, *, indent: int | None = None) -> str:
        return json.dumps(_plain(self), indent=indent, ensure_ascii=False)

    def model_copy(self: _P, *, update: dict[str, Any] | None = None) -> _P:
        return cast(_P, dataclasses.replace(cast(Any, self), **(update or {})))


def _many() -> Any:
    """An empty list as a field's default (a new one for each value)."""
    return dataclasses.field(default_factory=list)


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(dataclasses.field,))
def _value(cls: type[_P]) -> type[_P]:
    """Make ``cls`` a frozen, keyword-only dataclass with slots, and note its fields for ``_plain``."""
    made = dataclasses.dataclass(frozen=True, slots=True, kw_only=True)(cls)
    _FIELDS[made] = tuple(f.name for f in dataclasses.fields(cast(Any, made)))
    return made


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _FIELDS.get(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    return value


@_value
class LanguageCount(Part):
    language: str
    files: int = 0
    code: int = 0
    comment: int = 0
    blank: int = 0

    @property
    def lines(self) -> int:
        return self.code + self.comment + self.blank


@_value
class Notice(Part):
    """A file or folder that was left out or read in a degraded way, and why."""

    path: str
    kind: NoticeKind
    detail: str


@_value
class ParseProblem(Part):
    """A Python file (or notebook) that ``ast`` could not parse; the study goes on without it."""

    path: str
    kind: ProblemKind
    line: int | None = None
    message: str


@_value
class ModuleInfo(Part):
    name: str
    path: str
    lines: int
    package: bool  # an __init__.py: the module is a package
    test: bool = False
    vendored: bool = False
    summary: str | None = None  # the first line of the module docstring


@_value
class TopicRef(Part):
    """A card of the map (``learnloop map ID`` shows all of it)."""

    id: str
    name: str
    summary: str


@_value
class StackRef(Part):
    """A focus whose practitioners use this library, and what for."""

    focus: str
    focus_name: str
    role: str


@_value
class Library(Part):
    import_name: str
    kind: LibraryKind
    modules: int  # how many of the repository's modules import it
    distribution: str | None = None
    distribution_from: Literal["table", "installed", "guess"] | None = None
    installed_version: str | None = None
    declared: bool = False
    optional_only: bool = False  # only imported inside try/except ImportError or under TYPE_CHECKING
    topics: list[TopicRef] = _many()
    stacks: list[StackRef] = _many()


@_value
class Dependency(Part):
    """A dependency declared in a requirements file, pyproject.toml, setup.cfg, setup.py or environment.yml."""

    name: str
    spec: str
    source: str
    group: str = "main"


@_value
class EntryPoint(Part):
    kind: EntryKind
    path: str
    line: int | None = None
    module: str | None = None
    name: str | None = None
    detail: str | None = None
    command: str | None = None  # how to run it, as a learner types it
    named_in: str | None = None  # the README or docs line that quotes it (path:line)
    quote: str | None = None  # the command as that line quotes it


@_value
class Symbol(Part):
    """A class or function a file defines at module level."""

    name: str
    kind: Literal["class", "function"]
    line: int


def symbols_text(symbols: list[Symbol]) -> str:
    """``GPT (line 19), get_batch() (line 20)``: what a file defines, for a reading step."""
    return ", ".join(f"{s.name}{'()' if s.kind == 'function' else ''} (line {s.line})" for s in symbols)


@_value
class FileRole(Part):
    """What one source file does, judged from its syntax tree and text, and why."""

    path: str
    module: str | None = None
    role: RoleKind
    reasons: list[str] = _many()
    summary: str | None = None
    symbols: list[Symbol] = _many()


@_value
class Place(Part):
    """Where something is: a file, a line, and what is there."""

    path: str
    line: int | None = None
    what: str


@_value
class WhereThingsAre(Part):
    run: list[Place] = _many()  # how to run it: the commands the README quotes, the entry points
    data: list[Place] = _many()  # where data comes from: URLs, loaders, file names it expects
    model: list[Place] = _many()  # where the model is defined
    training: list[Place] = _many()  # where training happens
    evaluation: list[Place] = _many()  # where a trained model is used or scored


@_value
class ModelClass(Part):
    """A class that defines a model: it subclasses a model base (torch.nn.Module, BaseEstimator, ... or the
    repository's own base class, framework "its own")."""

    name: str
    module: str
    path: str
    line: int
    base: str
    framework: str


@_value
class Edge(Part):
    source: str
    target: str


@_value
class Hub(Part):
    module: str
    imported_by: int


@_value
class ImportGraph(Part):
    """Which of the repository's modules import which (the full graph; pictures may collapse it)."""

    nodes: list[str]
    edges: list[Edge]
    hubs: list[Hub]
    # groups of modules that import each other (strongly connected components of two or more)
    cycles: list[list[str]] = _many()


@_value
class ReadingStep(Part):
    path: str
    reason: str
    module: str | None = None
    stage: StageKind = "more"
    role: RoleKind | None = None
    summary: str | None = None
    symbols: list[Symbol] = _many()


@_value
class Totals(Part):
    files: int
    lines: int
    code: int
    bytes: int
    python_files: int
    notebooks: int


@_value
class StudyReport(Part):
    source: str  # what was studied, as the learner named it
    name: str  # the repository's name (its folder or archive name)
    # cloned: fetched with git into the cache now; reused: the clone already there; archive / bare: unpacked into
    # a temporary folder; None: a folder read where it is
    origin: Literal["cloned", "reused", "archive", "bare"] | None = None
    totals: Totals
    languages: list[LanguageCount]
    packages: list[str]  # the repository's Python packages (folders with __init__.py)
    modules: list[ModuleInfo]
    stdlib: list[Library]
    third_party: list[Library]
    internal: list[str]  # top-level names the repository's own modules are imported by
    dependencies: list[Dependency]
    entry_points: list[EntryPoint]
    entry_points_total: int = 0
    models: list[ModelClass]
    models_total: int = 0
    # the role of each source file (tests and vendored code left out)
    files: list[FileRole] = _many()
    where: WhereThingsAre = dataclasses.field(default_factory=WhereThingsAre)
    graph: ImportGraph
    reading_order: list[ReadingStep]
    problems: list[ParseProblem]
    notices: list[Notice]
    excluded: list[str]  # folders left out: version control, virtualenvs, caches, .gitignore
