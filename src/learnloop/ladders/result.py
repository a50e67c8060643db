"""What every rung's ``run()`` returns, so that rungs of one ladder can be compared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# A rung calls report(done, total) after each epoch (or step) so a front door can show progress.
Report = Callable[[int, int], None]


def quiet(done: int, total: int) -> None:
    """The report used when nobody is watching."""


@dataclass
class RungResult:
    """The score of one rung on its ladder's test split, and the predictions behind it."""

    metric: str
    score: float
    predictions: list[float | int | str] = field(repr=False)
    details: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        extra = "".join(f", {name} {value:.4g}" for name, value in self.details.items())
        return "\n".join([f"test {self.metric}: {self.score:.4f}{extra}", *self.notes])
