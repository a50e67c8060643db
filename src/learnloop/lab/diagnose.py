"""Read a model's train and validation scores the way a mentor would: underfitting, overfitting, or fine.

Scores are compared on the scale the data set itself gives: the distance between the dummy baseline
(predict the most frequent class or the mean) and the best model. A model that keeps well short of
the best while scoring about the same on the data it trained on has not captured the pattern
(underfitting). A model that scores much better on its own training rows than on unseen rows has
memorised them (overfitting).
"""

from __future__ import annotations

from dataclasses import dataclass

FINE, UNDER, OVER, REFERENCE = "fine", "underfitting", "overfitting", "reference"


@dataclass(frozen=True)
class Diagnosis:
    verdict: str
    reason: str


def diagnose(train: float, valid: float, std: float, *, best: float, dummy: float,
             greater_is_better: bool = True) -> Diagnosis:
    """Verdict for one model from its mean train and validation scores and their spread across folds."""
    sign = 1.0 if greater_is_better else -1.0
    span = max(sign * (best - dummy), 1e-9)
    gap = sign * (train - valid)  # how much better it does on rows it has seen
    shortfall = sign * (best - valid)  # how far it stays from the best model
    gap_limit = max(0.1 * span, 2 * std, 0.02 * abs(best) if greater_is_better else 0.0)
    if gap > gap_limit and gap > 0.02 * span:
        return Diagnosis(OVER, f"train {train:.3f} vs validation {valid:.3f}: a gap of {abs(train - valid):.3f}")
    if shortfall > max(0.15 * span, 2 * std):
        return Diagnosis(UNDER, f"validation {valid:.3f}, well short of the best {best:.3f}, and train "
                         f"{train:.3f} is not much better")
    return Diagnosis(FINE, f"validation {valid:.3f}, train {train:.3f}")
