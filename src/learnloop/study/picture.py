"""Draw the import graph as a PNG (or SVG) with matplotlib: readable and fast at any size.

Large graphs are collapsed to packages (see :func:`learnloop.study.graph.collapse`) and tests and
vendored code are left out; the full graph goes to DOT and JSON. The layout is computed here, no
graphviz needed: a layered drawing where importers sit above what they import, so the hubs (the most
imported modules) settle at the bottom. Cycles are broken with a greedy feedback-arc-set order
(Eades, Lin and Smyth) before layering. matplotlib is used through its object API, never pyplot.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learnloop.errors import UserError
from learnloop.study.printable import printable

if TYPE_CHECKING:
    from learnloop.study.graph import Collapsed
    from learnloop.study.report import StudyReport

MAX_NODES = 45
MAX_ROW = 9
MAX_LAYERS = 8
COLOURS = {
    "entry": "#b8e186",
    "model": "#cbb5e2",
    "hub": "#fdb863",
    "plain": "#d1e5f0",
    "other": "#eeeeee",
    "side": "#f4f4f4",
}
# Folders around the project rather than the project: each becomes one box, whatever it holds.
SIDE_BOXES = {
    "examples": "examples/",
    "example": "examples/",
    "demos": "examples/",
    "tutorials": "examples/",
    "tests": "tests/",
    "test": "tests/",
    "testing": "tests/",
    "docs": "docs/",
    "doc": "docs/",
    "benchmarks": "benchmarks/",
    "benchmark": "benchmarks/",
    "asv_bench": "benchmarks/",
    "scripts": "scripts/",
    "tools": "tools/",
    "build_tools": "tools/",
    "config": "config/",
    "configs": "config/",
    "conf": "config/",
}


@dataclass(frozen=True)
class Picture:
    """What was drawn: how many boxes and arrows, and whether modules were grouped into packages."""

    path: str
    boxes: int
    arrows: int
    collapsed: bool
    left_out: int
    side_boxes: dict[str, int] | None = None  # a folder shown as one box -> how many files it holds


PICTURE_SUFFIXES = (".png", ".svg")


def check_picture_path(path: Path) -> None:
    """Refuse, before any work, a picture name matplotlib would not write or a folder that does not exist."""
    if path.suffix.lower() not in PICTURE_SUFFIXES:
        raise UserError(f"{path.name}: the graph picture is written as .png or .svg (DOT text as .dot)")
    if not path.parent.is_dir():
        raise UserError(f"{path.parent}: no such folder to write {path.name} in")


def prepare_drawing() -> None:
    """Import matplotlib's figure machinery and open its font now (both take a while), so drawing is quick."""
    import matplotlib.collections
    import matplotlib.figure
    import matplotlib.patches  # noqa: F401
    from matplotlib import font_manager

    font_manager.get_font(font_manager.findfont(font_manager.FontProperties()))
    import io

    from matplotlib.figure import Figure  # one tiny drawing: the first text drawn costs a few tenths of a second

    figure = Figure(figsize=(1, 0.5), dpi=30)
    figure.text(0.5, 0.5, "warm up", ha="center", fontsize=8, bbox={"boxstyle": "round,pad=0.3"})
    figure.savefig(io.BytesIO(), format="png")


def side_box(path: str, test: bool) -> str | None:
    """The one box a file around the project goes into (``examples/``, ``tests/``, ``docs/``...), or None."""
    for part in path.split("/")[:-1]:
        if part in SIDE_BOXES:
            return SIDE_BOXES[part]
    return "tests/" if test else None


def draw_graph(report: StudyReport, path: Path, *, max_nodes: int = MAX_NODES) -> Picture:
    """Write the import graph picture of ``report`` to ``path`` (.png or .svg): the main package's modules
    (grouped into packages when many), and examples, tests, docs... as one box each; vendored code left out."""
    from learnloop.study.graph import collapse, grouped

    check_picture_path(path)
    info = {m.name: m for m in report.modules}
    hidden = {m.name for m in report.modules if m.vendored}
    side: dict[str, str] = {}
    for node in report.graph.nodes:
        module = info.get(node)
        box = side_box(module.path if module else node, bool(module and module.test))
        if box is not None and node not in hidden:
            side[node] = box
    main = [n for n in report.graph.nodes if n not in hidden and n not in side]
    all_edges = [(e.source, e.target) for e in report.graph.edges if e.source not in hidden and e.target not in hidden]
    main_edges = [(a, b) for a, b in all_edges if a not in side and b not in side]
    boxes = sorted(set(side.values()))
    view = collapse(
        main, main_edges, max_nodes=max(3, max_nodes - len(boxes)), keep=frozenset(h.module for h in report.graph.hubs)
    )
    members = {**view.members, **side}
    view = grouped([*main, *side], all_edges, members, collapsed=view.collapsed)
    counts = {box: [*side.values()].count(box) for box in boxes}  # no generator: see tests/test_comprehensions.py
    kinds = _kinds(report, view)
    kinds.update({box: "side" for box in boxes})
    positions, rows, routes = layout_with_routes(list(view.nodes), list(view.edges))
    _render(report, view, kinds, positions, rows, path, left_out=len(hidden), routes=routes, side=counts)
    return Picture(
        path=str(path),
        boxes=len(view.nodes),
        arrows=len(view.edges),
        collapsed=view.collapsed,
        left_out=len(hidden),
        side_boxes=counts,
    )


def _kinds(report: StudyReport, view: Collapsed) -> dict[str, str]:
    """Colour class of each box: entry point, hub, model, or plain (the first that applies)."""
    from learnloop.study.order import is_side_path

    hubs = {h.module for h in report.graph.hubs}
    entries = {e.module or e.path for e in report.entry_points if not is_side_path(e.path)}
    models = {m.module for m in report.models}
    indegree: dict[str, int] = defaultdict(int)
    for (_a, b), weight in view.edges.items():
        indegree[b] += weight
    top_groups = set(sorted(indegree, key=lambda g: -indegree[g])[:5]) if view.collapsed else set()
    kinds: dict[str, str] = {}
    for group in view.nodes:
        members = {m for m, g in view.members.items() if g == group}
        if group == "(other)":
            kinds[group] = "other"
        elif members & entries:
            kinds[group] = "entry"
        elif members & hubs or group in top_groups:
            kinds[group] = "hub"
        elif members & models:
            kinds[group] = "model"
        else:
            kinds[group] = "plain"
    return kinds


Route = list[tuple[float, float]]


def layout(nodes: list[str], edges: list[tuple[str, str]]) -> tuple[dict[str, tuple[float, float]], int]:
    """Positions (x in [0, 1], y = row index from the top) for a layered drawing, and the number of rows."""
    positions, rows, _routes = layout_with_routes(nodes, edges)
    return positions, rows


def layout_with_routes(
    nodes: list[str],
    edges: list[tuple[str, str]],
) -> tuple[dict[str, tuple[float, float]], int, dict[tuple[str, str], Route]]:
    """A layered drawing (Sugiyama style): rows of boxes, importers above what they import, and for every arrow
    the points it bends through. An arrow that spans several rows passes through a lane kept free in each row
    between (a dummy node placed with the boxes), so it never crosses a box; an arrow inside one row arcs above
    it. Returns positions, the number of rows, and the bend points of each arrow (empty: a straight line)."""
    if not nodes:
        return {}, 0, {}
    order = _feedback_order(nodes, edges)
    rank = {n: i for i, n in enumerate(order)}
    forward = [(a, b) for a, b in edges if rank[a] < rank[b]]
    layer = {n: 0 for n in nodes}
    incoming: dict[str, list[str]] = defaultdict(list)
    for a, b in forward:
        incoming[b].append(a)
    for node in order:  # longest path from the sources, in topological order
        for source in incoming[node]:
            layer[node] = max(layer[node], layer[source] + 1)
    deepest = max(layer.values())
    if deepest >= MAX_LAYERS:  # a long chain of imports would make a tall, thin picture: squeeze it
        layer = {n: layer[n] * MAX_LAYERS // (deepest + 1) for n in nodes}
    layers: dict[int, list[str]] = defaultdict(list)
    for node in order:
        layers[layer[node]].append(node)
    rows: list[list[str]] = []
    for index in sorted(layers):
        members = layers[index]
        for start in range(0, len(members), MAX_ROW):
            rows.append(members[start : start + MAX_ROW])
    row_of = {n: r for r, row in enumerate(rows) for n in row}
    neighbours: dict[str, list[str]] = defaultdict(list)
    chains: dict[tuple[str, str], list[str]] = {}
    for a, b in edges:
        ra, rb = row_of[a], row_of[b]
        if abs(ra - rb) <= 1:
            neighbours[a].append(b)
            neighbours[b].append(a)
            continue
        step = 1 if rb > ra else -1
        chain = []
        previous = a
        for r in range(ra + step, rb, step):
            dummy = f"\0{a}\0{b}\0{r}"
            rows[r].append(dummy)
            chain.append(dummy)
            neighbours[previous].append(dummy)
            neighbours[dummy].append(previous)
            previous = dummy
        neighbours[previous].append(b)
        neighbours[b].append(previous)
        chains[(a, b)] = chain
    slot: dict[str, float] = {}
    for sweep in range(6):  # barycentre ordering, downwards then upwards
        sequence = rows if sweep % 2 == 0 else list(reversed(rows))
        for row in sequence:
            for n in row:
                placed = [slot[m] for m in neighbours[n] if m in slot]
                slot.setdefault(n, 0.5)
                if placed:
                    slot[n] = sum(placed) / len(placed)
            row.sort(key=lambda n: slot[n])
            _spread(row, slot)
    positions = {n: (slot[n], float(r)) for r, row in enumerate(rows) for n in row if not n.startswith("\0")}
    routes: dict[tuple[str, str], Route] = {}
    for (a, b), chain in chains.items():
        routes[(a, b)] = [(slot[d], float(row_of_dummy)) for d in chain for row_of_dummy in [int(d.rsplit("\0", 1)[1])]]
    for a, b in edges:
        if row_of[a] == row_of[b] and a != b:
            (xa, y), (xb, _y) = positions[a], positions[b]
            between = [n for n in rows[row_of[a]] if not n.startswith("\0") and min(xa, xb) < slot[n] < max(xa, xb)]
            if between:  # an arc over the boxes between them, not a line through them
                routes[(a, b)] = [(xa + (xb - xa) * 0.15, y - 0.5), (xb - (xb - xa) * 0.15, y - 0.5)]
    return positions, len(rows), routes


def _spread(row: list[str], slot: dict[str, float]) -> None:
    """Place a row's items left to right: a box takes a full share of the width, a lane for a passing arrow a
    third of one."""
    widths = [0.34 if n.startswith("\0") else 1.0 for n in row]
    total = sum(widths)
    done = 0.0
    for n, width in zip(row, widths, strict=True):
        slot[n] = 0.04 + 0.92 * (done + width / 2) / total
        done += width


def _feedback_order(nodes: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """Eades-Lin-Smyth greedy order: few edges point backwards, so layering follows most imports."""
    outs: dict[str, set[str]] = {n: set() for n in nodes}
    ins: dict[str, set[str]] = {n: set() for n in nodes}
    for a, b in edges:
        if a != b:
            outs[a].add(b)
            ins[b].add(a)
    remaining = set(nodes)
    head: list[str] = []
    tail: list[str] = []
    while remaining:
        changed = True
        while changed:
            changed = False
            for n in sorted(remaining):
                if not (outs[n] & remaining):  # a sink: goes last
                    tail.append(n)
                    remaining.discard(n)
                    changed = True
                elif not (ins[n] & remaining):  # a source: goes first
                    head.append(n)
                    remaining.discard(n)
                    changed = True
        if remaining:
            best = max(sorted(remaining), key=lambda n: len(outs[n] & remaining) - len(ins[n] & remaining))
            head.append(best)
            remaining.discard(best)
    return head + list(reversed(tail))


def _label(group: str, prefix: str, size: int, collapsed: bool) -> str:
    """A box's text: the name without the shared prefix, broken at a dot when long, and the module count."""
    if group.endswith("/"):
        return f"{group}\n({size} file{'s' if size > 1 else ''})"
    rest = group.endswith(".…")
    name = group[:-2] if rest else group
    text = name[len(prefix) :] if prefix and name.startswith(prefix) and name != prefix.rstrip(".") else name
    if rest:
        text = f"rest of {text}"
    if len(text) > 22 and "." in text.strip("."):
        head, _, tail = text.rpartition(".")
        text = f"{head}.\n{tail}"
    lines = [line if len(line) <= 28 else line[:27] + "…" for line in text.split("\n")]
    text = "\n".join(printable(line).replace("$", "\\$") for line in lines)  # no escapes, no mathtext
    return f"{text}\n({size} modules)" if collapsed and size > 1 else text


def _common_prefix(names: list[str]) -> str:
    """The dotted prefix every box shares ("sklearn."), left out of the labels (the title names it)."""
    parts = [n.split(".") for n in names if n != "(other)"]
    deeper = [p for p in parts if len(p) > 1]
    if len(deeper) < 2:
        return ""
    first = deeper[0][0]
    if all(p[0] == first for p in parts):
        return first + "."
    return ""


def _draw_arrows(
    axes: Any,
    view: Collapsed,
    positions: dict[str, tuple[float, float]],
    inch_x: float,
    inch_y: float,
    routes: dict[tuple[str, str], Route],
) -> None:
    """All arrows as two artists (shafts as one LineCollection of polylines, heads as one quiver): hundreds of
    separate arrow patches would cost seconds. An arrow bends through its route's points (lanes kept free
    between boxes), so it never runs through a box it does not touch."""
    from matplotlib.collections import LineCollection

    heaviest = max(view.edges.values())
    shafts, widths, tips, directions = [], [], [], []
    for (a, b), weight in view.edges.items():
        points = [positions[a], *routes.get((a, b), []), positions[b]]
        (x0, y0), (x1, y1) = points[0], points[1]
        (xp, yp), (xe, ye) = points[-2], points[-1]
        first = math.hypot((x1 - x0) * inch_x, (y1 - y0) * inch_y)
        last = math.hypot((xe - xp) * inch_x, (ye - yp) * inch_y)
        if first < 1e-6 or last < 1e-6:
            continue
        start_gap = min(0.45, 0.28 / first)  # stop short of the boxes
        end_gap = min(0.45, 0.28 / last)
        start = (x0 + (x1 - x0) * start_gap, y0 + (y1 - y0) * start_gap)
        end = (xe - (xe - xp) * end_gap, ye - (ye - yp) * end_gap)
        shafts.append([start, *points[1:-1], end])
        widths.append(0.5 + 2.0 * math.log1p(weight) / math.log1p(heaviest))
        tips.append(end)
        directions.append(((xe - xp) * inch_x / last, (ye - yp) * inch_y / last))  # unit vectors, in inches
    axes.add_collection(LineCollection(shafts, linewidths=widths, colors="#7f7f7f", alpha=0.35, zorder=1))
    if tips:
        xs, ys = zip(*tips, strict=True)
        us, vs = zip(*directions, strict=True)
        axes.quiver(
            xs,
            ys,
            us,
            vs,
            angles="xy",
            scale_units="inches",
            scale=1 / 0.12,
            pivot="tip",
            color="#6f6f6f",
            alpha=0.75,
            units="inches",
            width=0.012,
            headwidth=6,
            headlength=8,
            headaxislength=7,
            zorder=2,
        )


def _render(
    report: StudyReport,
    view: Collapsed,
    kinds: dict[str, str],
    positions: dict[str, tuple[float, float]],
    rows: int,
    path: Path,
    *,
    left_out: int,
    routes: dict[tuple[str, str], Route] | None = None,
    side: dict[str, int] | None = None,
) -> None:
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    widest = max((sum(1 for p in positions.values() if p[1] == r) for r in range(rows)), default=1)
    width = min(17.0, max(7.0, 2.1 * widest))
    height = min(13.0, max(4.0, 0.95 * rows + 1.6))
    figure = Figure(figsize=(width, height), dpi=90)
    top, bottom = 1.05 / height, 0.4 / height  # header (title, subtitle, legend) and footer, in inches
    axes = figure.add_axes((0.01, bottom, 0.98, 1 - top - bottom))
    axes.set_xlim(0, 1)
    axes.set_ylim(rows - 0.4, -0.6)
    axes.axis("off")
    if view.edges:
        inch_x, inch_y = width * 0.98, height * (1 - top - bottom) / max(rows, 1)
        _draw_arrows(axes, view, positions, inch_x, inch_y, routes or {})
    prefix = _common_prefix(list(view.nodes))
    font = 8 if widest > 5 else 9
    for group, (x, y) in positions.items():
        axes.text(
            x,
            y,
            _label(group, prefix, view.nodes[group], view.collapsed),
            ha="center",
            va="center",
            fontsize=font,
            zorder=3,
            bbox={
                "boxstyle": "round,pad=0.35",
                "facecolor": COLOURS[kinds[group]],
                "edgecolor": "#555555",
                "linewidth": 0.6,
            },
        )
    modules = len([n for n in report.graph.nodes if n in view.members and not view.members[n].endswith("/")])
    grouped = "grouped into packages; " if view.collapsed else ""
    boxed = [f"{box} ({count})" for box, count in (side or {}).items()]
    hidden = ("collapsed into one box each: " + ", ".join(boxed) + "; ") if boxed else ""
    hidden += f"{left_out} vendored modules left out" if left_out else "nothing left out"
    title = printable(report.name).replace("$", "\\$")
    figure.suptitle(f"{title}: who imports whom", fontsize=12, y=1 - 0.12 / height, va="top")
    figure.text(
        0.5,
        1 - 0.42 / height,
        f"{modules} modules, {sum(view.edges.values())} imports; {grouped}{hidden}. "
        "Arrows point from a module to what it imports.",
        ha="center",
        fontsize=8.5,
        color="#333333",
    )
    hubs = ", ".join(f"{h.module} ({h.imported_by})" for h in report.graph.hubs[:5])
    if hubs:
        figure.text(0.01, 0.12 / height, f"Hubs, the most imported: {hubs}", fontsize=8, color="#333333")
    legend = [
        Patch(facecolor=COLOURS[k], edgecolor="#555555", label=label)
        for k, label in (
            ("entry", "entry point"),
            ("model", "defines a model"),
            ("hub", "hub"),
            ("plain", "module"),
            ("side", "a folder, one box"),
        )
    ]
    figure.legend(
        handles=legend, loc="upper center", fontsize=8, frameon=False, ncols=5, bbox_to_anchor=(0.5, 1 - 0.55 / height)
    )
    fmt = path.suffix.lower().lstrip(".")
    import io

    from learnloop.files import write_atomic

    drawn = io.BytesIO()  # fast zlib level: the picture is mostly flat colour, level 1 is nearly as small
    options: dict[str, Any] = {"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}
    figure.savefig(drawn, format=fmt, **options)
    write_atomic(path, drawn.getvalue(), force=True)  # the front door checked the name; written all at once
