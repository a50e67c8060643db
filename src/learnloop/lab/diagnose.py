"""Read a model's train and validation scores the way a mentor would.

The verdicts, in the order they are tested:

- **too good to be true**: a validation score no real table gives (accuracy or R² ≥ 0.999), or any
  score of a run whose target is reproduced by its columns; read the warning before the ranking;
- **overfitting**: (near) perfect on its training rows while validation stays lower by more than the
  spread between folds: it memorised them;
- **no better than the dummy**: its validation mean does not beat the dummy (which learns nothing) by
  more than one fold's spread, so on these rows it has learned nothing you can count on;
- **overfitting** again when the train/validation gap is wide (a tenth of the dummy-to-best span,
  and beyond the spread), **underfitting** when it stays well short of the best (15% of that span,
  and beyond the spread) without a gap; **fine** otherwise.

Every test uses one fold standard deviation as its noise floor, so small tables with noisy folds get
cautious verdicts, and the verdict depends only on the numbers: the same train, validation and spread
(against the same dummy and best) always give the same verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

FINE, UNDER, OVER, REFERENCE = "fine", "underfitting", "overfitting", "reference"
NO_BETTER, TOO_GOOD = "no better than the dummy", "too good to be true"
PERFECT_TRAIN = 0.995  # a train score this close to a perfect 1.0 (accuracy, R², AUC) means memorised rows


@dataclass(frozen=True)
class Diagnosis:
    verdict: str
    reason: str


def diagnose(
    train: float,
    valid: float,
    std: float,
    *,
    best: float,
    dummy: float,
    greater_is_better: bool = True,
    suspect: str = "",
) -> Diagnosis:
    """Verdict for one model from its mean train and validation scores and their spread across folds.

    ``suspect`` (the honesty checks' reason, when the run looks too good to be true) overrides the rest.
    """
    sign = 1.0 if greater_is_better else -1.0
    std = abs(std)
    if suspect:
        return Diagnosis(TOO_GOOD, suspect)
    gap = sign * (train - valid)  # how much better it does on rows it has seen
    lift = sign * (valid - dummy)  # how much better than learning nothing
    span = max(sign * (best - dummy), 1e-9)
    shortfall = sign * (best - valid)  # how far it stays from the best model
    perfect = train >= PERFECT_TRAIN if greater_is_better else train <= (1 - PERFECT_TRAIN) * abs(dummy)
    scores = f"train {train:.3f} vs validation {valid:.3f}"
    if perfect and gap > max(std, 1e-9):
        return Diagnosis(
            OVER,
            f"{scores}: (near) perfect on its own rows, a gap of {abs(train - valid):.3f} "
            f"beyond the fold spread {std:.3f}",
        )
    if lift <= std:
        return Diagnosis(
            NO_BETTER, f"validation {valid:.3f} against the dummy's {dummy:.3f}: within the fold spread {std:.3f}"
        )
    if gap > max(0.1 * span, std):
        return Diagnosis(OVER, f"{scores}: a gap of {abs(train - valid):.3f}")
    if shortfall > max(0.15 * span, std):
        return Diagnosis(
            UNDER,
            f"validation {valid:.3f}, well short of the best {best:.3f}, and train {train:.3f} is not much better",
        )
    return Diagnosis(FINE, f"validation {valid:.3f}, train {train:.3f}")
