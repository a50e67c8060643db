"""Frozen lake, rung 1: tabular Q-learning against Gymnasium's ``FrozenLake-v1`` environment.

Gymnasium is the standard interface between an agent and a world: ``reset()`` gives a first state,
``step(action)`` the next state, the reward and whether the episode ended. The world's rules stay hidden:
the agent only learns from what happens. Q-learning keeps a table Q[state, action] of expected future
reward and nudges it after every step:  Q[s, a] += α (r + γ max Q[s'] - Q[s, a]).
Run it: ``python rung1_gymnasium.py``.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import frozen_lake

ALPHA, GAMMA = 0.1, 0.99


def run(epochs: int = 6000, seed: int = 0, report: Report = quiet) -> RungResult:
    """``epochs`` counts training episodes."""
    rng = np.random.default_rng(seed)
    env = gym.make("FrozenLake-v1", is_slippery=True)
    q = np.zeros((16, 4))  # the 4x4 lake's cells, and the four moves: left, down, right, up
    for episode in range(epochs):
        epsilon = max(0.05, 1.0 - episode / (0.6 * epochs))  # explore a lot first, then mostly exploit
        state, _ = env.reset(seed=seed + episode)
        done = False
        while not done:
            explore = rng.random() < epsilon
            action = int(rng.integers(4)) if explore else int(rng.choice(np.flatnonzero(q[state] == q[state].max())))
            nxt, reward, ended, truncated, _ = env.step(action)
            target = float(reward) + (0.0 if ended else GAMMA * q[nxt].max())
            q[state, action] += ALPHA * (target - q[state, action])
            state, done = nxt, ended or truncated
        if (episode + 1) % 100 == 0 or episode + 1 == epochs:
            report(episode + 1, epochs)
    env.close()
    policy = q.argmax(axis=1)
    return RungResult(
        "success_rate",
        frozen_lake().success_rate(policy),
        policy.tolist(),
        {"value of the start state": float(q[0].max())},
    )


if __name__ == "__main__":
    print(run())
