"""The internal import graph: hubs, import cycles, DOT text, and a collapsed view small enough to draw.

Cycles are reported as strongly connected components (groups of modules that import each other),
found in linear time; listing every elementary cycle instead can explode (pyan3's cycle listing used
24 GiB on scikit-learn).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from learnloop.study.report import Edge, Hub, ImportGraph

HUB_COUNT = 8


def build_graph(
    nodes: Iterable[str],
    edges: Iterable[tuple[str, str]],
    *,
    hub_count: int = HUB_COUNT,
    not_counted: frozenset[str] = frozenset(),
) -> ImportGraph:
    """The graph of ``edges`` between ``nodes``; hubs are the most imported modules, counting importers that are
    not in ``not_counted`` (tests import the testing helpers everywhere: that does not make them central)."""
    node_list = sorted(set(nodes))
    known = set(node_list)
    pairs = sorted({(a, b) for a, b in edges if a != b and a in known and b in known})
    indegree = Counter(b for a, b in pairs if a not in not_counted)
    hubs = [Hub(module=m, imported_by=n) for m, n in sorted(indegree.items(), key=lambda kv: (-kv[1], kv[0])) if n > 1][
        :hub_count
    ]
    adjacency: dict[str, list[str]] = defaultdict(list)
    for a, b in pairs:
        adjacency[a].append(b)
    cycles = [sorted(c) for c in strongly_connected(node_list, adjacency) if len(c) > 1]
    cycles.sort(key=lambda c: (-len(c), c))
    return ImportGraph(nodes=node_list, edges=[Edge(source=a, target=b) for a, b in pairs], hubs=hubs, cycles=cycles)


def strongly_connected(nodes: list[str], adjacency: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, without recursion (deep import chains must not hit the recursion limit)."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index_of:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index_of[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = adjacency.get(node, [])
            recursed = False
            while child < len(targets):
                target = targets[child]
                child += 1
                if target not in index_of:
                    work.append((node, child))
                    work.append((target, 0))
                    recursed = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index_of[target])
            if recursed:
                continue
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def to_dot(graph: ImportGraph, *, name: str = "imports", highlight: dict[str, str] | None = None) -> str:
    """The full graph as Graphviz DOT text (``dot -Tsvg`` draws it; learnloop itself never needs graphviz)."""
    colours = highlight or {}
    lines = [f"digraph {_quote(name)} {{", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    hubs = {h.module for h in graph.hubs}
    for node in graph.nodes:
        attributes = []
        if node in colours:
            attributes.append(f'style=filled, fillcolor="{colours[node]}"')
        elif node in hubs:
            attributes.append('style=filled, fillcolor="#fdd49e"')
        lines.append(f"  {_quote(node)}" + (f" [{', '.join(attributes)}]" if attributes else "") + ";")
    for edge in graph.edges:
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Collapsed:
    """A graph small enough to draw: groups of modules (packages) and weighted edges between them."""

    nodes: dict[str, int] = field(default_factory=dict)  # group -> how many modules it holds
    edges: dict[tuple[str, str], int] = field(default_factory=dict)  # (importer, imported) -> module edges
    members: dict[str, str] = field(default_factory=dict)  # module -> its group
    collapsed: bool = False


def collapse(
    nodes: list[str], edges: list[tuple[str, str]], *, max_nodes: int = 45, keep: frozenset[str] = frozenset()
) -> Collapsed:
    """Group modules by package so that at most ``max_nodes`` boxes remain: start from the top-level names and
    keep splitting the largest group into its sub-packages while the total still fits (pandas: ``core`` opens
    up into ``core.arrays``, ``core.indexes``... while the small packages stay closed). A group with more parts
    than there is room for opens partly: its largest parts get boxes, the rest stays as ``core.…``. When even
    the top-level names are too many, the least connected go into "(other)". Parts holding a module of
    ``keep`` (the hubs) get their boxes first."""
    if len(nodes) <= max_nodes:
        return grouped(nodes, edges, {n: n for n in nodes}, collapsed=False)
    groups: dict[str, list[str]] = {}
    for node in nodes:
        groups.setdefault(node.split(".")[0], []).append(node)
    if len(groups) > max_nodes:
        return grouped(nodes, edges, _lump({n: n.split(".")[0] for n in nodes}, edges, max_nodes), collapsed=True)
    closed: set[str] = set()  # groups that cannot be split within the limit
    while True:
        candidates = [
            g
            for g in sorted(groups, key=lambda g: (not keep.intersection(groups[g]), -len(groups[g]), g))
            if g not in closed and len(groups[g]) > 1
        ]
        if not candidates:
            break
        key = candidates[0]
        children = _split(key, groups[key])
        room = max_nodes - len(groups) + 1  # boxes this group may become
        if len(children) > room:
            # open it partly: its largest parts get boxes of their own, the rest stay together as "key.…"
            share = max(room * 2 // 3, 3)
            if room < 3 or share >= len(children):
                closed.add(key)
                continue
            ranked = sorted(children, key=lambda c: (not keep.intersection(children[c]), -len(children[c]), c))
            rest = [node for c in ranked[share - 1 :] for node in children[c]]
            children = {c: children[c] for c in ranked[: share - 1]}
            children[f"{key}.…"] = rest
            closed.add(f"{key}.…")
        del groups[key]
        groups.update(children)
    members = {node: key for key, group in groups.items() for node in group}
    return grouped(nodes, edges, members, collapsed=True)


def _split(key: str, members: list[str]) -> dict[str, list[str]]:
    """The sub-groups one level below ``key``; a chain of single sub-packages is followed down."""
    depth = key.count(".") + 2
    children: dict[str, list[str]] = {}
    for node in members:
        child = node if node == key else ".".join(node.split(".")[:depth])
        children.setdefault(child, []).append(node)
    if len(children) == 1:
        only = next(iter(children))
        if only != key:
            return _split(only, members)
    return children


def _lump(groups: dict[str, str], edges: list[tuple[str, str]], max_nodes: int) -> dict[str, str]:
    degree: Counter[str] = Counter()
    sizes = Counter(groups.values())
    for a, b in edges:
        if groups[a] != groups[b]:
            degree[groups[a]] += 1
            degree[groups[b]] += 1
    ranked = sorted(sizes, key=lambda g: (-(degree[g] + sizes[g]), g))
    kept = set(ranked[: max_nodes - 1])
    return {n: g if g in kept else "(other)" for n, g in groups.items()}


def grouped(nodes: list[str], edges: list[tuple[str, str]], groups: dict[str, str], *, collapsed: bool) -> Collapsed:
    result = Collapsed(collapsed=collapsed, members=groups)
    for node in nodes:
        result.nodes[groups[node]] = result.nodes.get(groups[node], 0) + 1
    for a, b in edges:
        ga, gb = groups.get(a), groups.get(b)
        if ga is None or gb is None or ga == gb:
            continue
        result.edges[(ga, gb)] = result.edges.get((ga, gb), 0) + 1
    return result
