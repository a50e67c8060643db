"""The graph picture: written by matplotlib, collapsed when large, refused for unknown formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.errors import UserError
from learnloop.study.graph import build_graph
from learnloop.study.picture import draw_graph, layout, layout_with_routes
from learnloop.study.report import ModuleInfo, StudyReport, Totals


def report_for(nodes: list[str], edges: list[tuple[str, str]]) -> StudyReport:
    modules = [
        ModuleInfo(name=n, path=n.replace(".", "/") + ".py", lines=1, package=False, test=n.startswith("tests"))
        for n in nodes
    ]
    return StudyReport(
        source="x",
        name="demo",
        totals=Totals(files=0, lines=0, code=0, bytes=0, python_files=0, notebooks=0),
        languages=[],
        packages=[],
        modules=modules,
        stdlib=[],
        third_party=[],
        internal=[],
        dependencies=[],
        entry_points=[],
        models=[],
        graph=build_graph(nodes, edges),
        reading_order=[],
        problems=[],
        notices=[],
        excluded=[],
    )


def test_a_small_graph_is_drawn_module_by_module(tmp_path: Path) -> None:
    report = report_for(
        ["app.train", "app.models", "app.data", "tests.test_app"],
        [("app.train", "app.models"), ("app.train", "app.data"), ("tests.test_app", "app.train")],
    )
    picture = draw_graph(report, tmp_path / "g.png")
    assert (picture.boxes, picture.arrows, picture.collapsed, picture.left_out) == (4, 3, False, 0)
    assert picture.side_boxes == {"tests/": 1}  # the tests, one box
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_large_graph_is_collapsed_and_still_drawn(tmp_path: Path) -> None:
    nodes = [f"big.pkg{p}.mod{m}" for p in range(40) for m in range(25)]
    edges = [
        (f"big.pkg{p}.mod{m}", f"big.pkg{(p * 7 + m) % 40}.mod{(m + 1) % 25}") for p in range(40) for m in range(25)
    ]
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


def test_a_long_arrow_bends_around_the_boxes_between() -> None:
    nodes = ["a", "b", "c", "d"]
    edges = [("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]
    positions, rows, routes = layout_with_routes(nodes, edges)
    assert rows == 4 and [positions[n][1] for n in nodes] == [0, 1, 2, 3]
    bends = routes[("a", "d")]
    assert [y for _x, y in bends] == [1.0, 2.0]  # through rows 1 and 2...
    for (x, y), box in zip(bends, ("b", "c"), strict=True):
        assert abs(x - positions[box][0]) > 0.1 and y == positions[box][1]  # ...beside b and c, not through them
    assert ("a", "b") not in routes  # neighbours: a straight line


def test_examples_tests_and_docs_are_one_box_each_and_the_package_stays_open(tmp_path: Path) -> None:
    nodes = [f"pkg.mod{m}" for m in range(12)] + [f"examples.ex{e}" for e in range(60)] + ["docs.conf"]
    edges = [(f"examples.ex{e}", f"pkg.mod{e % 12}") for e in range(60)] + [
        (f"pkg.mod{m}", f"pkg.mod{(m + 1) % 12}") for m in range(11)
    ]
    picture = draw_graph(report_for(nodes, edges), tmp_path / "g.png")
    assert picture.side_boxes == {"docs/": 1, "examples/": 60}
    assert picture.boxes == 14 and not picture.collapsed  # every module of the package has its own box
