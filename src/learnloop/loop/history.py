"""Step 6: every pass at a glance, and the "descent" plot.

The article's joke is that the loop is gradient descent on your ignorance, with Nesterov-style
speed-ups and slow-downs: each pass is a step, skipped steps and early finishes speed it up,
extensions slow it down. The plot draws exactly that from what the learner recorded.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.loop.rules import STEPS

# Moved for the CLI's light path (no SQLAlchemy there); re-exported here.
from learnloop.loop.values import Change, PassHistory, carried, gap_key  # noqa: F401
from learnloop.loop.values import span_days as _days
from learnloop.store.models import Event, Gap, Pass, Project


def history(session: Session, now: datetime) -> list[PassHistory]:
    passes = session.scalars(select(Pass).order_by(Pass.number)).all()
    all_gaps = session.scalars(select(Gap)).all()
    rows: list[PassHistory] = []
    for p in passes:
        end = p.closed_at or now
        events = session.scalars(select(Event).where(Event.pass_id == p.id).order_by(Event.id)).all()
        entered = [(e.step, e.at) for e in events if e.kind in ("start", "enter")]
        per_step: dict[str, float] = {}
        for i, (step, at) in enumerate(entered):
            until = entered[i + 1][1] if i + 1 < len(entered) else end
            name = STEPS[step or 0].name
            per_step[name] = round(per_step.get(name, 0.0) + _days(at, until), 2)
        project = session.scalars(select(Project).where(Project.pass_id == p.id).order_by(Project.id.desc())).first()
        mine = [g for g in all_gaps if g.pass_id == p.id]
        kept = next((g for g in mine if g.status in ("kept", "done", "dropped") and g.kept_at), None)
        open_after, closed_total = carried(list(all_gaps), end)

        def change(e: Event) -> Change:
            return Change(kind=e.kind, step=e.step, subject=e.subject, reason=e.reason, at=e.at)

        rows.append(
            PassHistory(
                number=p.number,
                focus_id=p.focus_id,
                started_at=p.started_at,
                closed_at=p.closed_at,
                days=_days(p.started_at, end),
                step=p.step,
                days_per_step=per_step,
                project=project.title if project else None,
                project_status=project.status if project else None,
                gap=kept.text if kept else None,
                gap_status=kept.status if kept else None,
                gaps_captured=len(mine),
                gaps_open_after=open_after,
                gaps_closed_total=closed_total,
                speed_ups=[change(e) for e in events if e.kind in ("skip", "early")],
                slow_downs=[change(e) for e in events if e.kind in ("extend", "late")],
                retro=p.retro,
            )
        )
    return rows


def descent_plot(rows: list[PassHistory], path: Path, *, force: bool = False) -> Path:
    """Draw the descent: gaps still open after each pass (the loss), days per pass, speed-ups and slow-downs."""
    from learnloop.errors import UserError

    if not rows:
        raise UserError("no passes yet to draw: start your first pass")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    green, red, blue = "#2a8a4a", "#b8442e", "#3b6ea8"
    fig = Figure(figsize=(9.5, 6), dpi=110, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    xs = [r.number for r in rows]
    loss = [r.gaps_open_after for r in rows]
    closed = [r.gaps_closed_total for r in rows]
    top.plot(
        xs,
        loss,
        "-o",
        color=blue,
        lw=2.5,
        ms=8,
        label="gaps you still carry\n(your ignorance, as you know "
        "it:\nset aside counts, closed\ndoes not, the same gap once)",
    )
    top.plot(xs, closed, "--s", color=green, lw=1.5, ms=6, alpha=0.8, label="gaps closed so far")
    for x, y in zip(xs, loss, strict=True):
        top.annotate(str(y), (x, y), xytext=(-10, -4), textcoords="offset points", ha="right", color=blue, fontsize=9)
    for r in rows:
        lines = []
        if r.speed_ups:
            lines.append((f"▼ {len(r.speed_ups)} speed-up{'s' if len(r.speed_ups) > 1 else ''}", green))
        if r.slow_downs:
            lines.append((f"▲ {len(r.slow_downs)} slow-down{'s' if len(r.slow_downs) > 1 else ''}", red))
        for i, (label, color) in enumerate(lines):
            top.annotate(
                label,
                (r.number, r.gaps_open_after),
                xytext=(0, 12 + 13 * i),
                textcoords="offset points",
                ha="center",
                color=color,
                fontsize=8,
                fontweight="bold",
            )
    top.plot([], [], ls="none", marker="v", color=green, label="speed-up: a skipped step,\nan early finish")
    top.plot([], [], ls="none", marker="^", color=red, label="slow-down: an extension,\na late finish")
    top.set_ylabel("gaps")
    top.set_title("Descent: each pass round the loop is one step downhill", loc="left")
    top.grid(alpha=0.3)
    top.set_ylim(bottom=0, top=max([*loss, *closed, 1]) * 1.4 + 0.5)
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)

    colors = ["#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#f4a261", "#e76f51", "#8d99ae"]
    bottoms = [0.0] * len(rows)
    for i, step in enumerate(STEPS):
        heights = [r.days_per_step.get(step.name, 0.0) for r in rows]
        if any(heights):
            bottom.bar(xs, heights, bottom=bottoms, color=colors[i], label=f"{step.number} {step.name}", width=0.6)
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for r in rows:
        label = f"{r.days:.0f} d" + ("" if r.closed_at else " so far")
        bottom.annotate(label, (r.number, r.days), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
    bottom.set_ylabel("days taken")
    bottom.set_xlabel("pass")
    bottom.set_xticks(xs)
    bottom.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    bottom.set_ylim(0, max([*(r.days for r in rows), 1]) * 1.25)
    if bottom.get_legend_handles_labels()[0]:
        bottom.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, title="step", title_fontsize=8
        )
    bottom.grid(axis="y", alpha=0.3)
    import io

    from learnloop.files import write_atomic

    picture = io.BytesIO()
    fig.savefig(picture, format="png")
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, picture.getvalue(), force=force)  # a kill never leaves a half or empty PNG
