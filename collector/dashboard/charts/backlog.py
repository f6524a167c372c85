"""The backlog page's charts: the open items by age against the SLA, and the
backlog day by day running on into the projection, breach days marked.

A breach is drawn in its own colour and named in the legend and in each
column's tooltip, so it does not rest on colour alone; the table under the
charts has the exact figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from collector.dashboard.charts.columns import LEFT, RIGHT, TOP, WIDTH, _axis, _shift, _slots
from collector.dashboard.charts.columns import _x_labels as x_labels
from collector.dashboard.charts.svg import (
    ACCENT,
    ACCENT_LIGHT,
    INK,
    MUTED,
    frame,
    legend,
    line,
    nice_max,
    rect,
    text,
)

#: Past due: a red at least 3:1 against white (WCAG 1.4.11).
BREACH = "#b42318"
PLOT_H = 200


def count_top(peak: float) -> float:
    """An axis top for counts whose four ticks are whole numbers."""
    top = nice_max(max(peak, 1.0) * 1.1)
    return float(max(4, 4 * -(-int(top) // 4))) if top < 20 else top


@dataclass(frozen=True)
class AgeColumn:
    age_days: int
    count: int
    breached: int


def aging_columns(
    ages: list[AgeColumn], sla_age: float, sla_label: str, *, title: str, desc: str
) -> Markup:
    """One column per age in days (0 = received that day), split into items
    still within their SLA and items past due, with a dashed line at the age
    from which an item can be past due."""
    last = max([a.age_days for a in ages] + [int(sla_age) + 1, 5])
    by_age = {a.age_days: a for a in ages}
    labels = [str(d) for d in range(last + 1)]
    top = count_top(max([a.count for a in ages] + [1]))
    y0 = TOP + PLOT_H
    parts: list[str] = []
    _axis(parts, top, y0, PLOT_H, "items")
    band, bar_w, x_of = _slots(len(labels))
    for d in range(last + 1):
        a = by_age.get(d)
        if a is None:
            continue
        x = x_of(d) + (band - bar_w) / 2
        within = a.count - a.breached
        h_in, h_late = PLOT_H * within / top, PLOT_H * a.breached / top
        tip = f"{d} days old: {a.count} open, {a.breached} past due"
        parts.append(rect(x, y0 - h_in, bar_w, h_in, ACCENT, tip=tip))
        parts.append(rect(x, y0 - h_in - h_late, bar_w, h_late, BREACH, tip=tip))
    sla_x = x_of(0) + band * min(sla_age, last + 1)
    parts.append(line(sla_x, TOP - 6, sla_x, y0, INK, ' stroke-width="2" stroke-dasharray="5 3"'))
    parts.append(text(sla_x + 4, TOP - 8, sla_label, "start", 11, INK, "600"))
    parts.append(line(LEFT, y0, WIDTH - RIGHT, y0, MUTED))
    x_labels(parts, labels, x_of, y0 + 16, band)
    parts.append(text(WIDTH - RIGHT, y0 + 30, "age in calendar days", "end", 11, MUTED))
    items = [("within SLA", ACCENT), ("past due", BREACH), (sla_label, INK)]
    legend_parts, legend_h = legend(items, LEFT, 0, WIDTH - LEFT - RIGHT)
    parts += _shift(legend_parts, y0 + 40)
    return frame(WIDTH, int(y0 + 46 + legend_h), title, desc, parts)


@dataclass(frozen=True)
class BacklogDay:
    label: str
    backlog: float
    projected: bool = False
    breaches: float = 0.0


def backlog_columns(days: list[BacklogDay], *, title: str, desc: str) -> Markup:
    """The open items at each day's end: the past as recorded, then the
    projection (lighter), a projected day with items past due in red."""
    top = count_top(max([d.backlog for d in days] + [1.0]))
    y0 = TOP + PLOT_H
    parts: list[str] = []
    _axis(parts, top, y0, PLOT_H, "items")
    band, bar_w, x_of = _slots(len(days))
    first_projected = next((i for i, d in enumerate(days) if d.projected), None)
    for i, d in enumerate(days):
        x = x_of(i) + (band - bar_w) / 2
        h = PLOT_H * d.backlog / top
        if not d.projected:
            paint, tip = ACCENT, f"{d.label}: {d.backlog:.0f} open"
        elif d.breaches > 0:
            paint = BREACH
            tip = f"{d.label}: {d.backlog:.1f} projected open, {d.breaches:.1f} past due (breach)"
        else:
            paint, tip = ACCENT_LIGHT, f"{d.label}: {d.backlog:.1f} projected open, none past due"
        parts.append(rect(x, y0 - h, bar_w, h, paint, tip=tip))
    if first_projected is not None:
        x = x_of(first_projected) - 1
        parts.append(line(x, TOP - 6, x, y0, INK, ' stroke-dasharray="3 3"'))
        parts.append(text(x + 4, TOP - 8, "projection", "start", 11, INK))
    parts.append(line(LEFT, y0, WIDTH - RIGHT, y0, MUTED))
    x_labels(parts, [d.label for d in days], x_of, y0 + 16, band)
    items = [
        ("open at the day's end", ACCENT),
        ("projected", ACCENT_LIGHT),
        ("projected breach day", BREACH),
    ]
    legend_parts, legend_h = legend(items, LEFT, 0, WIDTH - LEFT - RIGHT)
    parts += _shift(legend_parts, y0 + 30)
    return frame(WIDTH, int(y0 + 36 + legend_h), title, desc, parts)
