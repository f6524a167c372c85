"""The spike calendar: one row per function, one cell per day, shaded by the
day's hours against that weekday's baseline.

Rows share the day axis so spikes of two functions on the same days line up
(seed 001: payroll and month-end reporting falling on the same two days is
the overload to see). A day nobody was tracked (a weekend) has no cell; a
day hidden by the minimum group rule is hatched, never drawn as "usual".
Recurring spikes are outlined. Every cell carries its figures as a tooltip
and the table under the chart gives them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from collector.dashboard.charts.svg import INK, MUTED, frame, hatch_defs, legend, line, rect, text

WIDTH = 760
LABEL_W = 150
ROW_H = 22
TOP = 30

LEVELS = {
    "low": ("well below usual (under 2/3)", "#cfe0f1"),
    "usual": ("usual", "#eceff4"),
    "high": ("spike (1.5x and 1 h more)", "#f0a868"),
    "very_high": ("strong spike (2x or more)", "#b8322a"),
    "no_baseline": ("no baseline yet", "#ffffff"),
}


@dataclass(frozen=True)
class CalendarRow:
    name: str
    #: Per day: (level, tooltip, outlined as a recurring spike)
    cells: dict[date, tuple[str, str, bool]]


def spike_calendar(rows: list[CalendarRow], first: date, last: date, *, title: str) -> Markup:
    days = (last - first).days + 1
    cell_w = (WIDTH - LABEL_W - 8) / max(days, 1)
    hatch = "spike-hidden"
    parts = [hatch_defs(hatch)]
    height_rows = TOP + ROW_H * len(rows)
    day = first
    for i in range(days):
        x = LABEL_W + i * cell_w
        if day.day == 1 or i == 0:
            parts.append(line(x, TOP - 14, x, height_rows, MUTED, ' stroke-width="0.6"'))
            parts.append(text(x + 3, TOP - 18, day.strftime("%b %Y"), size=11, fill=MUTED))
        day += timedelta(days=1)
    for r, row in enumerate(rows):
        y = TOP + r * ROW_H
        parts.append(text(LABEL_W - 8, y + ROW_H / 2 + 4, row.name, "end", 12, INK))
        for d, (level, tip, outlined) in sorted(row.cells.items()):
            x = LABEL_W + (d - first).days * cell_w
            fill = f"url(#{hatch})" if level == "hidden" else LEVELS[level][1]
            stroke = (
                f' stroke="{INK}" stroke-width="1.6"'
                if outlined
                else ' stroke="#c3c8d2" stroke-width="0.4"'
            )
            parts.append(
                rect(
                    x + 0.5,
                    y + 2,
                    max(cell_w - 1, 1),
                    ROW_H - 4,
                    fill,
                    f' class="cell cell--{level}" data-day="{d.isoformat()}"{stroke}',
                    tip,
                )
            )
    items = [(label, fill) for label, fill in LEVELS.values()]
    items.append(("fewer people than the minimum: hidden", f"url(#{hatch})"))
    legend_parts, used = legend(items, LABEL_W, height_rows + 12, WIDTH - LABEL_W - 8)
    parts += legend_parts
    y = height_rows + 12 + used + 6
    parts.append(rect(LABEL_W, y, 12, 12, "#ffffff", f' stroke="{INK}" stroke-width="1.6"'))
    parts.append(
        text(
            LABEL_W + 17,
            y + 10.5,
            "outlined: a recurring spike, named in the table",
            size=11,
            fill=INK,
        )
    )
    desc = (
        f"One row per function, one cell per day from {first.isoformat()} to {last.isoformat()}, "
        "shaded by the day's hours against the median of the same weekday over the previous "
        "eight weeks. Recurring spikes are outlined. The table below gives the figures."
    )
    return frame(WIDTH, int(y + 22), title, desc, parts, "chart--calendar")
