"""The import graph: hubs, cycles as strongly connected components, DOT, and the collapsed view."""

from __future__ import annotations

from learnloop.study.graph import build_graph, collapse, strongly_connected, to_dot


def test_hubs_cycles_and_self_imports() -> None:
    edges = [
        ("a", "hub"),
        ("b", "hub"),
        ("c", "hub"),
        ("test_x", "helper"),
        ("test_y", "helper"),
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("hub", "hub"),
        ("a", "missing"),
    ]
    graph = build_graph(
        ["a", "b", "c", "hub", "helper", "test_x", "test_y"], edges, not_counted=frozenset({"test_x", "test_y"})
    )
    assert [(h.module, h.imported_by) for h in graph.hubs] == [("hub", 3)]  # tests do not make helper a hub
    assert graph.cycles == [["a", "b", "c"]]
    assert ("hub", "hub") not in {(e.source, e.target) for e in graph.edges}
    assert len(graph.edges) == 8  # the self import and the unknown target are dropped


def test_strongly_connected_handles_deep_chains_without_recursion() -> None:
    nodes = [f"m{i}" for i in range(20_000)]
    adjacency = {f"m{i}": [f"m{i + 1}"] for i in range(19_999)}
    adjacency["m19999"] = ["m0"]
    components = strongly_connected(nodes, adjacency)
    assert len(components) == 1 and len(components[0]) == 20_000


def test_dot_text_quotes_names_and_marks_hubs() -> None:
    graph = build_graph(["a", 'we"ird', "hub"], [("a", "hub"), ('we"ird', "hub")])
    dot = to_dot(graph, name="demo")
    assert dot.startswith('digraph "demo" {') and dot.rstrip().endswith("}")
    assert '"we\\"ird" -> "hub";' in dot and '"hub" [style=filled' in dot


def test_small_graphs_are_drawn_as_they_are() -> None:
    view = collapse(["a", "b"], [("a", "b")])
    assert not view.collapsed and view.edges == {("a", "b"): 1}


def test_large_graphs_collapse_to_packages_within_the_limit() -> None:
    nodes = [f"lib.pkg{p}.mod{m}" for p in range(30) for m in range(20)] + ["lib"]
    edges = [(f"lib.pkg{p}.mod{m}", f"lib.pkg{(p + 1) % 30}.mod0") for p in range(30) for m in range(20)]
    view = collapse(nodes, edges, max_nodes=45, keep=frozenset({"lib.pkg7.mod3"}))
    assert view.collapsed and len(view.nodes) <= 45 and sum(view.nodes.values()) == len(nodes)
    for node, group in view.members.items():  # every box is a package prefix, or the rest of one
        assert node == group or node.startswith(group.removesuffix("…"))
    assert view.nodes["lib.pkg3"] == 20 and view.edges[("lib.pkg3", "lib.pkg4")] == 20  # closed: no room
    opened = [g for g in view.nodes if g.endswith(".…")]
    assert opened and view.members["lib.pkg7.mod3"] == "lib.pkg7.mod3"  # a hub gets a box of its own


def test_too_many_top_level_groups_are_lumped_into_other() -> None:
    nodes = [f"script{i}" for i in range(200)]
    edges = [(f"script{i}", "script0") for i in range(1, 200)]
    view = collapse(nodes, edges, max_nodes=20)
    assert len(view.nodes) == 20 and "(other)" in view.nodes and "script0" in view.nodes
    assert sum(view.nodes.values()) == 200
