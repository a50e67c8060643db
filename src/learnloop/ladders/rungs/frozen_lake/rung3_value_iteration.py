"""Frozen lake, rung 3: value iteration in NumPy, planning with the lake's rules instead of learning them.

When the transition table is known, no trial and error is needed: repeat the Bellman update
V(s) = max_a Σ P(s'|s,a) (r + γ V(s')) until it stops changing, then act greedily. This is the exact
answer Q-learning is trying to find by sampling; rungs 1 and 2 should land close to it.
Run it: ``python rung3_value_iteration.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import frozen_lake

GAMMA = 0.99


def run(epochs: int = 1000, seed: int = 0, report: Report = quiet) -> RungResult:
    """``epochs`` caps the sweeps; ``seed`` is unused (nothing is random here)."""
    lake = frozen_lake()
    reward = np.zeros(len(lake.terminal))
    reward[lake.goal] = 1.0
    v = np.zeros(len(lake.terminal))
    for sweep in range(epochs):
        future = np.where(lake.terminal, 0.0, v)  # nothing follows a hole or the goal
        q = lake.transitions @ (reward + GAMMA * future)  # (states, actions)
        q[lake.terminal] = 0.0
        new_v = q.max(axis=1)
        converged = np.abs(new_v - v).max() < 1e-10
        v = new_v
        report(sweep + 1, epochs if not converged else sweep + 1)
        if converged:
            break
    policy = q.argmax(axis=1)
    return RungResult(
        "success_rate",
        lake.success_rate(policy),
        policy.tolist(),
        {"value of the start state": float(v[0]), "sweeps": float(sweep + 1)},
    )


if __name__ == "__main__":
    print(run())
