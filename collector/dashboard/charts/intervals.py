"""Differences with their intervals, one row each, around a zero line: the
before/after page's chart. Each row is the difference as a share of its
before value, so figures of different units (interruptions per person-day,
hours per unit) share one axis; an interval that crosses zero reads at a
glance as "no clear change". Which side is better depends on the figure
(higher focus time is), so the verdict is written in words on every row."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from collector.dashboard.charts.svg import (
    ACCENT,
    GRID,
    INK,
    MUTED,
    SUPPRESSED,
    frame,
    line,
    rect,
    text,
)

WIDTH = 760
LABEL_W = 250
RIGHT = 150
ROW_H = 34
TOP = 28

#: Verdict colours (the word is written beside every row too: never colour alone).
VERDICT_INK = {"improved": "#1b7a3d", "worse": "#b3261e", "no clear change": MUTED}


@dataclass(frozen=True)
class IntervalRow:
    label: str
    difference: float | None  # as a share of before: -0.25 is 25% lower
    low: float | None
    high: float | None
    verdict: str | None
    tip: str


def _scale(rows: list[IntervalRow]) -> float:
    """Half the axis: round, just wider than the largest difference, at most 100%,
    so one wide interval (a function with two units a window) does not squash
    the rest; interval ends beyond it run to the edge."""
    peak = max([abs(r.difference) for r in rows if r.difference is not None] + [0.05])
    return next((step for step in (0.1, 0.2, 0.25, 0.5, 1.0) if step >= peak * 1.1), 1.0)


def interval_chart(rows: list[IntervalRow], *, title: str, desc: str) -> Markup:
    span = _scale(rows)
    plot_w = WIDTH - LABEL_W - RIGHT
    zero = LABEL_W + plot_w / 2

    def x_of(v: float) -> float:
        return zero + (max(-span, min(span, v)) / span) * (plot_w / 2)

    height = TOP + ROW_H * len(rows) + 30
    bottom = TOP + ROW_H * len(rows)
    parts: list[str] = []
    for frac in (-1.0, -0.5, 0.5, 1.0):
        x = zero + frac * plot_w / 2
        parts.append(line(x, TOP - 6, x, bottom, GRID))
        parts.append(text(x, bottom + 16, f"{frac * span:+.0%}", "middle", 11, MUTED))
    parts.append(line(zero, TOP - 6, zero, bottom, INK, ' stroke-width="1.5"'))
    parts.append(text(zero, bottom + 16, "0", "middle", 11, INK))
    parts.append(text(LABEL_W, TOP - 12, "lower after", "start", 11, MUTED))
    parts.append(text(WIDTH - RIGHT, TOP - 12, "higher after", "end", 11, MUTED))
    for i, r in enumerate(rows):
        cy = TOP + i * ROW_H + ROW_H / 2
        parts.append(text(LABEL_W - 10, cy + 4, r.label, "end", 12, INK))
        if r.difference is None:
            parts.append(rect(LABEL_W, cy - 5, plot_w, 10, SUPPRESSED, tip=r.tip))
            parts.append(text(WIDTH - RIGHT + 10, cy + 4, "not enough data", "start", 12, MUTED))
            continue
        ink = VERDICT_INK.get(r.verdict or "", MUTED)
        if r.low is not None and r.high is not None:
            parts.append(
                rect(x_of(r.low), cy - 4, x_of(r.high) - x_of(r.low), 8, ACCENT, ' opacity="0.35"')
            )
        parts.append(
            rect(x_of(r.difference) - 5, cy - 9, 10, 18, ink, f' rx="2" stroke="{INK}"', tip=r.tip)
        )
        word = r.verdict or "too few days"
        parts.append(text(WIDTH - RIGHT + 10, cy + 4, word, "start", 12, ink, "bold"))
    return frame(WIDTH, int(height), title, desc, parts)
