"""Frozen lake, rung 2: the same Q-learning, with the lake written in NumPy instead of Gymnasium.

No environment library: the world is a table of transition probabilities (the slippery ice sends you
where you meant with probability 1/3, sideways otherwise) and ``step`` samples the next cell from it.
The agent is the same as rung 1's and still only learns from sampled steps.
Run it: ``python rung2_numpy_q_learning.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import frozen_lake

ALPHA, GAMMA = 0.1, 0.99


def run(epochs: int = 6000, seed: int = 0, report: Report = quiet) -> RungResult:
    rng = np.random.default_rng(seed)
    lake = frozen_lake()
    n_states, n_actions = lake.transitions.shape[:2]
    q = np.zeros((n_states, n_actions))
    cumulative = lake.transitions.cumsum(axis=2)  # sample the next cell: first cumulative share above a draw
    for episode in range(epochs):
        epsilon = max(0.05, 1.0 - episode / (0.6 * epochs))
        state, steps = 0, 0
        while True:
            explore = rng.random() < epsilon
            action = int(rng.integers(4)) if explore else int(rng.choice(np.flatnonzero(q[state] == q[state].max())))
            nxt = int(np.searchsorted(cumulative[state, action], rng.random() * cumulative[state, action, -1]))
            reward, steps = float(nxt == lake.goal), steps + 1  # the ice decided where we landed
            ended = bool(lake.terminal[nxt])
            target = reward + (0.0 if ended else GAMMA * q[nxt].max())
            q[state, action] += ALPHA * (target - q[state, action])
            state = nxt
            if ended or steps == lake.max_steps:
                break
        if (episode + 1) % 100 == 0 or episode + 1 == epochs:
            report(episode + 1, epochs)
    policy = q.argmax(axis=1)
    return RungResult(
        "success_rate", lake.success_rate(policy), policy.tolist(), {"value of the start state": float(q[0].max())}
    )


if __name__ == "__main__":
    print(run())
