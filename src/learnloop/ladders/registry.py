"""The ladders as data: ``ladders.yaml`` validated here, and looked up by id and rung level.

A ladder is knowledge like the map: adding one is a YAML entry plus its rung scripts under
``rungs/<ladder>/``. Rung 1 is the highest-level library; each next rung hides less. Below the last rung
lies the linear-algebra machinery the article warns about, and :func:`find_rung` says so.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from importlib.util import find_spec
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from learnloop.errors import NotFound, UserError

_ID = re.compile(r"^[a-z][a-z0-9_]*$")  # a ladder id names a Python package folder
_SCRIPT = re.compile(r"^rung[1-9]_[a-z0-9_]+\.py$")
_BASELINE_SCRIPT = re.compile(r"^baseline_[a-z0-9_]+\.py$")
# Every metric is "higher is better", so the best run of a rung is its highest score.
Metric = Literal["accuracy", "r2", "roc_auc", "log_likelihood", "success_rate"]
RUNGS_PACKAGE = "learnloop.ladders.rungs"
EXTRA_COMMAND = "pip install 'learnloop[{extra}]'"


class LadderDataError(UserError):
    """ladders.yaml is malformed."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rung(Strict):
    level: int = Field(ge=1)
    title: str
    script: str = Field(description="file name under rungs/<ladder>/")
    library: str = Field(description="the import name of the library this rung works with")
    hides: str = Field(description="what this level hides from you, in plain words")
    needs: list[str] = Field(default=[], description="import names that must be installed to run it")
    extra: str | None = Field(default=None, description="the learnloop extra that installs `needs`")

    @model_validator(mode="after")
    def _shape(self) -> Rung:
        if not _SCRIPT.match(self.script) or not self.script.startswith(f"rung{self.level}_"):
            raise ValueError(f"rung {self.level}: script {self.script!r} must be named rung{self.level}_<name>.py")
        if self.needs and not self.extra:
            raise ValueError(f"rung {self.level}: needs {self.needs} but names no extra that installs them")
        return self


class Baseline(Strict):
    """A simpler method scored on the same split beside the rungs: the bar a rung must clear.

    Baselines are not held to the ladder's tolerance (they are meant to be worse, or to show that the
    fancy model does not help)."""

    id: str
    title: str
    script: str = Field(description="file name under rungs/<ladder>/, baseline_<name>.py")
    library: str
    why: str = Field(description="what comparing with it teaches")
    needs: list[str] = Field(default=[], description="import names that must be installed to run it")
    extra: str | None = Field(default=None, description="the learnloop extra that installs `needs`")

    @model_validator(mode="after")
    def _shape(self) -> Baseline:
        if not _BASELINE_SCRIPT.match(self.script):
            raise ValueError(f"baseline {self.id}: script {self.script!r} must be named baseline_<name>.py")
        return self


class Ladder(Strict):
    id: str
    title: str
    task: str
    dataset: str | None = Field(description="the map's data set id (None: the rungs simulate their own world)")
    focuses: list[str] = Field(min_length=1, description="the map's focus ids this ladder serves")
    metric: Metric
    tolerance: float = Field(gt=0, description="largest allowed gap between two rungs' test scores")
    floor: str = Field(description="why the ladder stops below its last rung")
    rungs: list[Rung] = Field(min_length=2)
    baselines: list[Baseline] = Field(default=[], description="simpler methods scored beside the rungs")

    @model_validator(mode="after")
    def _shape(self) -> Ladder:
        if not _ID.match(self.id):
            raise ValueError(f"ladder id {self.id!r} must be a lower-case Python name")
        levels = [r.level for r in self.rungs]
        if levels != list(range(1, len(levels) + 1)):
            raise ValueError(f"ladder {self.id}: rung levels must be 1, 2, 3 ... in order, got {levels}")
        if len({b.id for b in self.baselines}) != len(self.baselines):
            raise ValueError(f"ladder {self.id}: two baselines share an id")
        return self

    def baseline(self, baseline_id: str) -> Baseline:
        for baseline in self.baselines:
            if baseline.id == baseline_id:
                return baseline
        from learnloop.atlas.load import close_ids

        raise NotFound(f"baseline of {self.id}", baseline_id, close_ids(baseline_id, [b.id for b in self.baselines]))

    @property
    def lowest(self) -> int:
        return len(self.rungs)


class LadderFile(Strict):
    ladders: list[Ladder] = Field(min_length=1)


@functools.cache
def load_ladders() -> dict[str, Ladder]:
    """Every ladder, by id, in file order (validated once per process)."""
    import yaml

    text = (resources.files("learnloop.ladders") / "ladders.yaml").read_text(encoding="utf-8")
    try:
        parsed = LadderFile.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise LadderDataError(f"ladders.yaml is not valid: {exc}") from None
    ladders = {ladder.id: ladder for ladder in parsed.ladders}
    if len(ladders) != len(parsed.ladders):
        raise LadderDataError("ladders.yaml defines a ladder id twice")
    return ladders


def find_ladder(name: str) -> Ladder:
    ladders = load_ladders()
    if name in ladders:
        return ladders[name]
    from learnloop.atlas.load import close_ids

    raise NotFound("ladder", name, close_ids(name, ladders))


class BelowFloor(UserError):
    """The learner asked for a rung deeper than the ladder goes: the message says why it stops there."""


def find_rung(ladder: Ladder, level: int) -> Rung:
    """The rung at ``level`` (1 = highest); below the lowest, a :class:`BelowFloor` explaining the stop."""
    if level < 1:
        raise UserError(f"rungs are numbered from 1 (the highest-level library) to {ladder.lowest}")
    if level > ladder.lowest:
        lowest = ladder.rungs[-1]
        raise BelowFloor(f"the {ladder.id} ladder stops at rung {ladder.lowest} ({lowest.title}): {ladder.floor}")
    return ladder.rungs[level - 1]


def script_module(ladder: Ladder, rung: Rung | Baseline) -> str:
    """The dotted module name of a rung's script."""
    return f"{RUNGS_PACKAGE}.{ladder.id}.{rung.script.removesuffix('.py')}"


def script_resource(ladder: Ladder, rung: Rung | Baseline) -> object:
    """The rung's script as a package resource (``.read_text()``, ``.name``)."""
    return resources.files(RUNGS_PACKAGE) / ladder.id / rung.script


def missing_packages(rung: Rung | Baseline) -> list[str]:
    """The import names the rung needs that are not installed (found without importing them)."""
    return [name for name in rung.needs if find_spec(name) is None]


def install_hint(rung: Rung | Baseline) -> str:
    return EXTRA_COMMAND.format(extra=rung.extra) if rung.extra else ""
