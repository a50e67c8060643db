"""What the audit asked of the ladders (rows 1-2 of the knowledge audit) and the facts each new ladder rests on:
pygcn's row normalisation, the CO2 ladder's split in time (and rungs that never peek at the future), the shipped
supply-chain graph and text, the frozen lake matching Gymnasium's."""

from __future__ import annotations

import importlib
from importlib.util import find_spec

import numpy as np
import pytest

from learnloop.ladders import splits
from learnloop.ladders.registry import load_ladders, script_module

LADDERS = load_ladders()


@pytest.mark.deep
def test_the_pygcn_rung_row_normalises_as_pygcn_does_and_says_so() -> None:
    import torch

    from learnloop.ladders.rungs.cora import rung2_pytorch, rung3_numpy

    graph = splits.cora()
    adjacency = rung2_pytorch.normalised_adjacency(torch.tensor(graph.edges), graph.num_nodes).to_dense()
    assert torch.allclose(adjacency.sum(dim=1), torch.ones(graph.num_nodes), atol=1e-5)  # D^-1 (A + I)
    assert not torch.allclose(adjacency, adjacency.t())  # not the symmetric D^-1/2 (A + I) D^-1/2
    symmetric = rung3_numpy.normalised_adjacency(graph.edges, graph.num_nodes)
    assert abs(symmetric - symmetric.T).max() < 1e-6  # the paper's form stays on the other rungs
    rung = LADDERS["cora"].rungs[1]
    assert "D^-1 (A + I)" in rung.hides and "140 / 300 / 1000" in rung.hides and "Planetoid" in rung.hides
    doc = rung2_pytorch.__doc__ or ""
    assert "D^-1 (A + I)" in doc and "normalize(adj + sp.eye(n))" in doc


def test_the_co2_split_is_in_time_and_serves_the_time_series_focuses() -> None:
    series = splits.co2_monthly()
    assert series.train.index.max() < series.test.index.min(), "every training month comes before every test month"
    assert series.train.index.is_monotonic_increasing and series.test.index.is_monotonic_increasing
    assert (len(series.train), len(series.test)) == (466, 60)
    assert str(series.test.index.min().date()) == "1997-01-01"
    assert not series.train.isna().any() and not series.test.isna().any()
    assert {"time-series", "weather-climate"} <= set(LADDERS["co2"].focuses)
    assert "time-series" not in LADDERS["diabetes"].focuses and "weather-climate" not in LADDERS["diabetes"].focuses


CO2_SCRIPTS = [("rung", 1), ("rung", 2), ("rung", 3), ("baseline", "naive"), ("baseline", "seasonal-naive")]


@pytest.mark.parametrize(("kind", "name"), CO2_SCRIPTS, ids=[str(n) for _, n in CO2_SCRIPTS])
def test_no_co2_rung_peeks_at_the_months_it_forecasts(kind: str, name: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scramble every test month but the first: the first month's forecast must not move."""
    ladder = LADDERS["co2"]
    script = ladder.rungs[int(name) - 1] if kind == "rung" else ladder.baseline(str(name))  # type: ignore[call-overload]
    module = importlib.import_module(script_module(ladder, script))
    honest = splits.co2_monthly()
    scrambled_test = honest.test.copy()
    scrambled_test.iloc[1:] = scrambled_test.iloc[1:].to_numpy()[::-1] + 50.0
    scrambled = splits.Series(train=honest.train, test=scrambled_test, season=12, unit="ppm")
    first = module.run().predictions[0]
    monkeypatch.setattr(module, "co2_monthly", lambda: scrambled)
    assert module.run().predictions[0] == pytest.approx(first, abs=1e-6)


def test_the_supply_chain_graph_is_small_synthetic_licensed_and_what_its_script_makes() -> None:
    import importlib.util
    from pathlib import Path

    from learnloop.data.shipped import load_supply_chain, shipped_file, supply_chain_table

    graph = load_supply_chain()
    assert graph.features.shape == (900, 19) and len(graph.labels) == 900
    assert graph.edges.shape == (2615, 2) and (graph.edges[:, 0] < graph.edges[:, 1]).all()
    assert set(np.unique(graph.labels)) == {0, 1}
    parts = np.concatenate([graph.train, graph.val, graph.test])
    assert len(parts) == len(set(parts.tolist())) == 900, "train, validation and test are disjoint and cover all"
    assert "Synthetic" in graph.about and "No firm" in graph.about
    assert graph.licence.startswith("CC0-1.0")
    with shipped_file("supply_chain.npz").open("rb") as raw:
        assert len(raw.read()) < 200_000
    table = supply_chain_table()
    assert table.shape == (900, 20) and "misses_deliveries" in table.columns

    script = Path(__file__).resolve().parents[2] / "scripts" / "build_supply_chain.py"
    spec = importlib.util.spec_from_file_location("build_supply_chain", script)
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    rebuilt = builder.build()
    assert np.array_equal(rebuilt["labels"], graph.labels) and np.array_equal(rebuilt["edges"], graph.edges)
    assert np.allclose(rebuilt["features"], graph.features)


def test_tiny_shakespeare_ships_as_plain_public_domain_text() -> None:
    from learnloop.data.shipped import load_tiny_shakespeare

    text = load_tiny_shakespeare()
    assert 250_000 < len(text) < 310_000 and text.startswith("First Citizen:")
    assert len(set(text)) < 70 and text.endswith("\n")
    chars = splits.shakespeare()
    assert len(chars.train) + len(chars.test) == len(text)
    assert chars.decode(chars.train[:14]) == "First Citizen:"


def test_the_frozen_lake_is_gymnasiums(require_system) -> None:  # type: ignore[no-untyped-def]
    require_system("the Python package gymnasium", find_spec("gymnasium") is not None, "pip install -e '.[rl]'")
    import gymnasium as gym

    lake = splits.frozen_lake()
    table = gym.make("FrozenLake-v1", is_slippery=True).unwrapped.P
    for state in np.flatnonzero(~lake.terminal):
        for action in range(4):
            theirs = np.zeros(16)
            for probability, nxt, _reward, _done in table[int(state)][action]:
                theirs[nxt] += probability
            assert np.allclose(theirs, lake.transitions[state, action]), (state, action)


def test_value_iteration_is_the_ceiling_of_the_lake() -> None:
    from learnloop.ladders.rungs.frozen_lake import rung3_value_iteration

    best = rung3_value_iteration.run().score
    assert 0.7 < best < 0.8  # the slippery 4x4 lake cannot be crossed safely more often than this
    lake = splits.frozen_lake()
    assert lake.success_rate(np.zeros(16, dtype=int)) == 0.0  # always left: never leaves the first column
