"""What a study of a repository finds, as plain values: the CLI, the web page and ``--json`` all show these.

Paths are relative to the studied root (POSIX separators), so a report never leaks the temporary
folder an archive was unpacked into. Module names are dotted (``pygcn.models``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


class Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class LanguageCount(Part):
    language: str
    files: int = 0
    code: int = 0
    comment: int = 0
    blank: int = 0

    @property
    def lines(self) -> int:
        return self.code + self.comment + self.blank


class Notice(Part):
    """A file or folder that was left out or read in a degraded way, and why."""

    path: str
    kind: NoticeKind
    detail: str


class ParseProblem(Part):
    """A Python file (or notebook) that ``ast`` could not parse; the study goes on without it."""

    path: str
    kind: ProblemKind
    line: int | None = None
    message: str


class ModuleInfo(Part):
    name: str
    path: str
    lines: int
    package: bool = Field(description="an __init__.py: the module is a package")
    test: bool = False
    vendored: bool = False
    summary: str | None = Field(default=None, description="first line of the module docstring")


class TopicRef(Part):
    """A card of the map (``learnloop map ID`` shows all of it)."""

    id: str
    name: str
    summary: str


class StackRef(Part):
    """A focus whose practitioners use this library, and what for."""

    focus: str
    focus_name: str
    role: str


class Library(Part):
    import_name: str
    kind: LibraryKind
    modules: int = Field(description="how many of the repository's modules import it")
    distribution: str | None = None
    distribution_from: Literal["table", "installed", "guess"] | None = None
    installed_version: str | None = None
    declared: bool = False
    optional_only: bool = Field(
        default=False, description="only imported inside try/except ImportError or under TYPE_CHECKING"
    )
    topics: list[TopicRef] = []
    stacks: list[StackRef] = []


class Dependency(Part):
    """A dependency declared in a requirements file, pyproject.toml, setup.cfg, setup.py or environment.yml."""

    name: str
    spec: str
    source: str
    group: str = "main"


class EntryPoint(Part):
    kind: EntryKind
    path: str
    line: int | None = None
    module: str | None = None
    name: str | None = None
    detail: str | None = None
    command: str | None = Field(default=None, description="how to run it, as a learner types it")
    named_in: str | None = Field(default=None, description="the README or docs line that quotes it (path:line)")
    quote: str | None = Field(default=None, description="the command as that line quotes it")


class Symbol(Part):
    """A class or function a file defines at module level."""

    name: str
    kind: Literal["class", "function"]
    line: int


def symbols_text(symbols: list[Symbol]) -> str:
    """``GPT (line 19), get_batch() (line 20)``: what a file defines, for a reading step."""
    return ", ".join(f"{s.name}{'()' if s.kind == 'function' else ''} (line {s.line})" for s in symbols)


class FileRole(Part):
    """What one source file does, judged from its syntax tree and text, and why."""

    path: str
    module: str | None = None
    role: RoleKind
    reasons: list[str] = []
    summary: str | None = None
    symbols: list[Symbol] = []


class Place(Part):
    """Where something is: a file, a line, and what is there."""

    path: str
    line: int | None = None
    what: str


class WhereThingsAre(Part):
    run: list[Place] = Field(default=[], description="how to run it: the commands the README quotes, the entry points")
    data: list[Place] = Field(default=[], description="where data comes from: URLs, loaders, file names it expects")
    model: list[Place] = Field(default=[], description="where the model is defined")
    training: list[Place] = Field(default=[], description="where training happens")
    evaluation: list[Place] = Field(default=[], description="where a trained model is used or scored")


class ModelClass(Part):
    """A class that defines a model: it subclasses a model base (torch.nn.Module, BaseEstimator, ... or the
    repository's own base class, framework "its own")."""

    name: str
    module: str
    path: str
    line: int
    base: str
    framework: str


class Edge(Part):
    source: str
    target: str


class Hub(Part):
    module: str
    imported_by: int


class ImportGraph(Part):
    """Which of the repository's modules import which (the full graph; pictures may collapse it)."""

    nodes: list[str]
    edges: list[Edge]
    hubs: list[Hub]
    cycles: list[list[str]] = Field(
        default=[],
        description="groups of modules that import each other (strongly connected components of two or more)",
    )


class ReadingStep(Part):
    path: str
    reason: str
    module: str | None = None
    stage: StageKind = "more"
    role: RoleKind | None = None
    summary: str | None = None
    symbols: list[Symbol] = []


class Totals(Part):
    files: int
    lines: int
    code: int
    bytes: int
    python_files: int
    notebooks: int


class StudyReport(Part):
    source: str = Field(description="what was studied, as the learner named it")
    name: str = Field(description="the repository's name (its folder or archive name)")
    origin: Literal["cloned", "reused", "archive", "bare"] | None = Field(
        default=None,
        description="cloned: fetched with git into the cache now; reused: the clone already there; "
        "archive / bare: unpacked into a temporary folder; none: a folder read where it is",
    )
    totals: Totals
    languages: list[LanguageCount]
    packages: list[str] = Field(description="the repository's Python packages (folders with __init__.py)")
    modules: list[ModuleInfo]
    stdlib: list[Library]
    third_party: list[Library]
    internal: list[str] = Field(description="top-level names the repository's own modules are imported by")
    dependencies: list[Dependency]
    entry_points: list[EntryPoint]
    entry_points_total: int = 0
    models: list[ModelClass]
    models_total: int = 0
    files: list[FileRole] = Field(
        default=[], description="the role of each source file (tests and vendored code left out)"
    )
    where: WhereThingsAre = WhereThingsAre()
    graph: ImportGraph
    reading_order: list[ReadingStep]
    problems: list[ParseProblem]
    notices: list[Notice]
    excluded: list[str] = Field(description="folders left out: version control, virtualenvs, caches, .gitignore")
