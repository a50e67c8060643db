"""The graph picture: written by matplotlib, collapsed when large, refused for unknown formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.errors import UserError
from learnloop.study.graph import build_graph
from learnloop.study.picture import draw_graph, layout
from learnloop.study.report import ModuleInfo, StudyReport, Totals


def report_for(nodes: list[str], edges: list[tuple[str, str]]) -> StudyReport:
    modules = [ModuleInfo(name=n, path=n.replace(".", "/") + ".py", lines=1, package=False,
                          test=n.startswith("tests")) for n in nodes]
    return StudyReport(
        source="x", name="demo", totals=Totals(files=0, lines=0, code=0, bytes=0, python_files=0, notebooks=0),
        languages=[], packages=[], modules=modules, stdlib=[], third_party=[], internal=[], dependencies=[],
        entry_points=[], models=[], graph=build_graph(nodes, edges), reading_order=[], problems=[], notices=[],
        excluded=[])


def test_a_small_graph_is_drawn_module_by_module(tmp_path: Path) -> None:
    report = report_for(["app.train", "app.models", "app.data", "tests.test_app"],
                        [("app.train", "app.models"), ("app.train", "app.data"), ("tests.test_app", "app.train")])
    picture = draw_graph(report, tmp_path / "g.png")
    assert (picture.boxes, picture.arrows, picture.collapsed, picture.left_out) == (3, 2, False, 1)
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_large_graph_is_collapsed_and_still_drawn(tmp_path: Path) -> None:
    nodes = [f"big.pkg{p}.mod{m}" for p in range(40) for m in range(25)]
    edges = [(f"big.pkg{p}.mod{m}", f"big.pkg{(p * 7 + m) % 40}.mod{(m + 1) % 25}")
             for p in range(40) for m in range(25)]
    picture = draw_graph(report_for(nodes, edges), tmp_path / "big.svg")
    assert picture.collapsed and picture.boxes <= 45
    assert "<svg" in (tmp_path / "big.svg").read_text()[:500]


def test_layout_puts_importers_above_what_they_import() -> None:
    positions, rows = layout(["top", "mid", "low"], [("top", "mid"), ("mid", "low"), ("top", "low"), ("low", "top")])
    assert rows == 3
    assert positions["top"][1] < positions["mid"][1] < positions["low"][1]
    assert all(0 < x < 1 for x, _y in positions.values())


def test_unknown_picture_formats_and_missing_folders_are_refused(tmp_path: Path) -> None:
    report = report_for(["a"], [])
    with pytest.raises(UserError, match=r"\.png or \.svg"):
        draw_graph(report, tmp_path / "g.jpg")
    with pytest.raises(UserError, match="no such folder"):
        draw_graph(report, tmp_path / "missing" / "g.png")
