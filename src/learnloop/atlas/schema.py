"""The shape of the knowledge base: every YAML file under ``atlas/data`` is validated by these models.

Adding a topic, resource, data set or focus is editing YAML; these models and the cross-reference
check in :mod:`learnloop.atlas.load` keep the files honest.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not a lower-case-hyphenated id")
    return value


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


Id = Annotated[str, AfterValidator(_check_id)]

TopicKind = Literal["paradigm", "model", "application", "tool", "math", "concept"]
Task = Literal[
    "classification",
    "regression",
    "clustering",
    "dimensionality-reduction",
    "anomaly-detection",
    "generation",
    "sequential-decision",
    "representation",
    "forecasting",
]
Level = Literal["beginner", "intermediate", "advanced"]
ResourceKind = Literal[
    "book",
    "blog",
    "community",
    "event",
    "course",
    "video",
    "paper",
    "documentation",
    "podcast",
    "newsletter",
    "dataset",
]
# How usable a resource or a reference project is today. Anything but "active" carries a note saying why
# and what to use instead, so a learner is never sent to code that no longer installs without being told.
#   active:       maintained, use it
#   superseded:   a newer edition or project replaces it (the note names it); the old one is still correct
#   deprecated:   its authors say so; still worth reading, do not build on it
#   reading-only: good to read, but it does not install on a current Python (pinned old dependencies)
#   archived:     no longer updated (a blog or journal on hiatus); the archive stays useful
Status = Literal["active", "superseded", "deprecated", "reading-only", "archived"]
# What a topic can be practised with: ids the front doors turn into a command or a button.
PracticeKind = Literal["dataset", "focus", "lab"]
DatasetSource = Literal["sklearn", "statsmodels", "palmerpenguins", "vega", "repo"]

STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
TOPIC_KINDS: tuple[str, ...] = TopicKind.__args__  # type: ignore[attr-defined]
RESOURCE_KINDS: tuple[str, ...] = ResourceKind.__args__  # type: ignore[attr-defined]
LEVELS: tuple[str, ...] = Level.__args__  # type: ignore[attr-defined]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ModelFacts(Strict):
    """What a model topic adds: what it does, what runs it, and what it costs."""

    task: list[Task] = Field(min_length=1)
    estimator: str = Field(description="dotted path of the class that implements it, e.g. sklearn.svm.SVC")
    lab: str | None = Field(default=None, description="id in learnloop.lab.models (runnable with `learnloop try`)")
    strengths: list[str] = Field(min_length=1)
    weaknesses: list[str] = Field(min_length=1)
    cost: str = Field(description="how fitting and predicting grow with rows n and features d, in words")


class Practice(Strict):
    """Something runnable for a topic: a data set to load, a focus to pin, a lab model to try."""

    kind: PracticeKind
    id: Id
    why: str


def _check_status(item_id: str, status: str, note: str | None) -> None:
    if status == "active" and note:
        raise ValueError(f"{item_id}: a status_note is only for a status other than active")
    if status != "active" and not (note and note.strip()):
        raise ValueError(f"{item_id}: status {status} needs a status_note saying why and what to use instead")


class Topic(Strict):
    id: Id
    name: str
    kind: TopicKind
    summary: str
    why: str
    aliases: list[str] = []
    related: list[Id] = []
    prerequisites: list[Id] = []
    resources: list[Id] = []
    in_article: bool = False
    model: ModelFacts | None = None
    practice: list[Practice] = []

    @model_validator(mode="after")
    def _shape(self) -> Topic:
        n = _sentences(self.summary)
        if not 2 <= n <= 4:
            raise ValueError(f"topic {self.id}: summary has {n} sentences, want 2 to 4")
        if (self.kind == "model") != (self.model is not None):
            raise ValueError(f"topic {self.id}: a 'model' block is required for kind model and only for it")
        if self.id in self.related or self.id in self.prerequisites:
            raise ValueError(f"topic {self.id}: relates to itself")
        return self


class Resource(Strict):
    id: Id
    title: str
    kind: ResourceKind
    url: HttpUrl | None = None
    authors: list[str] = []
    year: int | None = Field(default=None, ge=1900, le=2100)
    level: Level
    free: bool
    topics: list[Id] = Field(min_length=1)
    description: str
    in_article: bool = False
    status: Status = "active"
    status_note: str | None = None

    @model_validator(mode="after")
    def _status(self) -> Resource:
        _check_status(f"resource {self.id}", self.status, self.status_note)
        return self


class Dataset(Strict):
    """A data set that works offline: it ships with an installed package or inside learnloop."""

    id: Id
    name: str
    source: DatasetSource
    loader: str = Field(
        description="sklearn: load_* function; statsmodels: module under statsmodels.datasets; "
        "palmerpenguins: load_penguins; vega: vega_datasets local name; repo: file under "
        "learnloop/data"
    )
    target: str | None = Field(default=None, description="column to predict, None for unsupervised data")
    task: Task
    form: Literal["table", "graph", "text"] = Field(
        default="table",
        description="table: one row per sample, loadable as a DataFrame; graph: nodes, edges "
        "and features (ladders use it); text: one UTF-8 corpus (rows = characters, columns = distinct characters)",
    )
    licence: str | None = Field(
        default=None,
        description="the data's licence: an SPDX id (CC0-1.0), words "
        "(public domain), or 'see source' where no licence could be confirmed",
    )
    licence_source: str | None = Field(
        default=None,
        description="where the licence was read (the package's own file or page), or why it could not be confirmed",
    )
    rows: int = Field(gt=0)
    columns: int = Field(gt=0)
    summary: str
    citation: str | None = None
    url: HttpUrl | None = None

    @model_validator(mode="after")
    def _licence_has_a_source(self) -> Dataset:
        if (self.licence is None) != (self.licence_source is None):
            raise ValueError(f"data set {self.id}: licence and licence_source go together")
        return self


class StackPackage(Strict):
    pip: str
    import_name: str
    role: str
    extra: str | None = Field(default=None, description="learnloop extra that installs it, if any")


class ReferenceProject(Strict):
    repo: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="owner/name on GitHub")
    title: str
    why: str
    read_first: list[str] = Field(min_length=1, description="files or folders to open first, in order")
    status: Status = "active"
    status_note: str | None = None

    @model_validator(mode="after")
    def _status(self) -> ReferenceProject:
        _check_status(f"reference {self.repo}", self.status, self.status_note)
        return self

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repo}"


class ProjectIdea(Strict):
    id: Id
    title: str
    summary: str
    dataset: Id
    days: int = Field(ge=7, le=31)
    stretch: str | None = None
    next_step: Id | None = Field(
        default=None,
        description="a resource of kind dataset: the real data to take "
        "the idea to once the offline version works (a link, never a download)",
    )


class Focus(Strict):
    id: Id
    name: str
    summary: str
    topics: list[Id] = Field(min_length=1)
    stack: list[StackPackage] = Field(min_length=1)
    references: list[ReferenceProject] = Field(min_length=2)
    ideas: list[ProjectIdea] = Field(min_length=2)
    resources: list[Id] = []


class TopicFile(Strict):
    topics: list[Topic]


class ResourceFile(Strict):
    resources: list[Resource]


class DatasetFile(Strict):
    datasets: list[Dataset]


class FocusFile(Strict):
    focuses: list[Focus]
