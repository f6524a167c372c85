"""Row charts: one labelled row per function, client or person.

Rows suit the reports' tables: the chart reads in the same order as the
table under it, and long names fit on a phone without rotated labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from collector.dashboard.charts.svg import (
    ACCENT,
    BAND_FILLS,
    BAND_INK,
    GRID,
    INK,
    MUTED,
    SUPPRESSED,
    fmt_tick,
    frame,
    legend,
    line,
    nice_max,
    rect,
    text,
    ticks,
)

WIDTH = 760
LABEL_W = 200
RIGHT = 175
ROW_H = 30


@dataclass(frozen=True)
class BulletRow:
    """A value against its benchmark: efficient below `efficient_below`,
    reasonable up to `reasonable_high`, watch up to `slow_above`, slow above."""

    label: str
    value: float | None
    value_text: str
    limits: tuple[float, float, float] | None = None
    band: str | None = None
    note: str = ""
    quality: str = ""  # the error rate against its limit, shown beside the speed


def bullets(rows: list[BulletRow], *, title: str, desc: str) -> Markup:
    """Each row has its own scale: hours per schedule and minutes per
    evaluation cannot share an axis, but each can sit inside its bands."""
    plot_w = WIDTH - LABEL_W - RIGHT
    legend_parts, legend_h = legend(
        [(name, BAND_FILLS[name]) for name in ("efficient", "reasonable", "watch", "slow")]
        + [("below quality (bar colour)", BAND_INK["below_quality"])],
        LABEL_W,
        0,
        plot_w + RIGHT,
    )
    parts = [f'<g transform="translate(0 4)">{"".join(legend_parts)}</g>']
    y = legend_h + 12
    for row in rows:
        mid = y + ROW_H / 2
        parts.append(text(LABEL_W - 10, mid + 4, row.label, "end", 12, INK))
        if row.limits is not None:
            eff, reas, slow = row.limits
            top = max(slow * 1.3, (row.value or 0) * 1.08)
            scale = plot_w / top
            zones = [
                ("efficient", 0.0, eff),
                ("reasonable", eff, reas),
                ("watch", reas, slow),
                ("slow", slow, top),
            ]
            for name, a, b in zones:
                parts.append(
                    rect(LABEL_W + a * scale, y + 3, (b - a) * scale, ROW_H - 6, BAND_FILLS[name])
                )
        else:
            top = (row.value or 1) * 1.25
            scale = plot_w / top
            parts.append(rect(LABEL_W, y + 3, plot_w, ROW_H - 6, "#f1f3f6"))
        if row.value is None:
            parts.append(
                text(
                    LABEL_W + 8,
                    mid + 4,
                    row.note or "no output recorded",
                    size=12,
                    fill=MUTED,
                    extra=' font-style="italic"',
                )
            )
        else:
            w = row.value * scale
            ink = BAND_INK.get(row.band or "", INK)
            parts.append(rect(LABEL_W, mid - 4, w, 8, ink, tip=f"{row.label}: {row.value_text}"))
            parts.append(
                line(LABEL_W + w, y + 1, LABEL_W + w, y + ROW_H - 1, ink, ' stroke-width="3"')
            )
            label = row.value_text + (f" · {row.band.replace('_', ' ')}" if row.band else "")
            lift = 5 if row.quality else 0
            parts.append(text(LABEL_W + plot_w + 6, mid + 4 - lift, label, size=11, fill=ink))
            if row.quality:
                parts.append(text(LABEL_W + plot_w + 6, mid + 11, row.quality, size=10, fill=ink))
        y += ROW_H
    return frame(WIDTH, int(y + 6), title, desc, parts)


@dataclass(frozen=True)
class StackedRow:
    label: str
    segments: list[tuple[str, float, str]]  # (name, value, paint)
    marker: float | None = None  # e.g. revenue: the whole the segments add up to
    value_text: str = ""
    suppressed: str | None = None


def stacked_rows(
    rows: list[StackedRow], *, title: str, desc: str, marker_label: str = "", unit: str = ""
) -> Markup:
    plot_w = WIDTH - LABEL_W - RIGHT
    peak = max([max(sum(v for _n, v, _p in r.segments), r.marker or 0.0) for r in rows] + [0.0])
    top = nice_max(peak * 1.02)
    scale = plot_w / top
    names: dict[str, str] = {}
    for r in rows:
        for name, _v, paint in r.segments:
            names.setdefault(name, paint)
    items = list(names.items())
    if marker_label:
        items.append((marker_label, INK))
    legend_parts, legend_h = legend(items, LABEL_W, 0, plot_w + RIGHT)
    parts = [f'<g transform="translate(0 4)">{"".join(legend_parts)}</g>']
    y0 = legend_h + 14
    for t in ticks(top):
        x = LABEL_W + t * scale
        parts.append(line(x, y0, x, y0 + ROW_H * len(rows), GRID))
        parts.append(text(x, y0 + ROW_H * len(rows) + 14, fmt_tick(t), "middle", 11, MUTED))
    y = y0
    for r in rows:
        mid = y + ROW_H / 2
        parts.append(text(LABEL_W - 10, mid + 4, r.label, "end", 12, INK))
        if r.suppressed:
            parts.append(rect(LABEL_W, y + 5, plot_w, ROW_H - 10, SUPPRESSED, tip=r.suppressed))
            parts.append(text(LABEL_W + 8, mid + 4, f"suppressed: {r.suppressed}", size=11))
            y += ROW_H
            continue
        x = LABEL_W
        for name, value, paint in r.segments:
            if value <= 0:
                continue
            w = value * scale
            parts.append(
                rect(
                    x,
                    y + 5,
                    w,
                    ROW_H - 10,
                    paint,
                    ' stroke="#ffffff"',
                    tip=f"{r.label} · {name}: {value:,.0f} {unit}".strip(),
                )
            )
            x += w
        if r.marker is not None:
            mx = LABEL_W + r.marker * scale
            parts.append(line(mx, y + 1, mx, y + ROW_H - 1, INK, ' stroke-width="2.5"'))
        parts.append(text(LABEL_W + plot_w + 6, mid + 4, r.value_text, size=11, fill=INK))
        y += ROW_H
    return frame(WIDTH, int(y + 22), title, desc, parts)


@dataclass(frozen=True)
class DivergingRow:
    label: str
    value: float | None  # a fraction: 0.25 is +25 %
    paint: str
    value_text: str


def diverging_rows(rows: list[DivergingRow], *, title: str, desc: str) -> Markup:
    """Change around zero: rises to the right, falls to the left."""
    plot_w = WIDTH - LABEL_W - RIGHT
    reach = nice_max(max([abs(r.value) for r in rows if r.value is not None] + [0.1]) * 1.05)
    mid_x = LABEL_W + plot_w / 2
    scale = (plot_w / 2) / reach
    y0 = 8
    parts = []
    for t in (-reach, -reach / 2, 0.0, reach / 2, reach):
        x = mid_x + t * scale
        parts.append(line(x, y0, x, y0 + ROW_H * len(rows), MUTED if t == 0 else GRID))
        parts.append(text(x, y0 + ROW_H * len(rows) + 14, f"{t * 100:+.0f}%", "middle", 11, MUTED))
    y = y0
    for r in rows:
        mid = y + ROW_H / 2
        parts.append(text(LABEL_W - 10, mid + 4, r.label, "end", 12, INK))
        if r.value is None:
            parts.append(
                text(
                    mid_x + 6,
                    mid + 4,
                    r.value_text,
                    size=11,
                    fill=MUTED,
                    extra=' font-style="italic"',
                )
            )
        else:
            w = r.value * scale
            x = mid_x if w >= 0 else mid_x + w
            parts.append(
                rect(x, y + 6, abs(w), ROW_H - 12, r.paint, tip=f"{r.label}: {r.value_text}")
            )
            parts.append(text(LABEL_W + plot_w + 6, mid + 4, r.value_text, size=11, fill=INK))
        y += ROW_H
    return frame(WIDTH, int(y + 22), title, desc, parts)


@dataclass
class Zones:
    """Weekly-hours thresholds: unused capacity below `low`, overload above `high`."""

    low: float
    target: float
    high: float
    labels: dict[str, str] = field(default_factory=dict)


def box_plot(stats: dict[str, float], zones: Zones, *, title: str, desc: str, unit: str) -> Markup:
    """min, p25, median, p75, max on one axis, over the workload zones."""
    plot_w = WIDTH - 60 - 30
    left = 60
    top = nice_max(max(stats["max"], zones.high) * 1.08)
    scale = plot_w / top
    parts = []
    y, h = 30, 60
    for name, a, b, fill in (
        ("unused capacity", 0, zones.low, BAND_FILLS["watch"]),
        ("balanced", zones.low, zones.high, BAND_FILLS["efficient"]),
        ("overload", zones.high, top, BAND_FILLS["slow"]),
    ):
        parts.append(rect(left + a * scale, y - 18, (b - a) * scale, h + 36, fill))
        parts.append(text(left + (a + b) / 2 * scale, y - 4, name, "middle", 11, MUTED))
    parts.append(
        line(
            left + zones.target * scale,
            y - 18,
            left + zones.target * scale,
            y + h + 18,
            INK,
            ' stroke-dasharray="4 3"',
        )
    )
    sx = {k: left + v * scale for k, v in stats.items()}
    mid = y + h / 2 + 6
    parts.append(line(sx["min"], mid, sx["p25"], mid, INK, ' stroke-width="2"'))
    parts.append(line(sx["p75"], mid, sx["max"], mid, INK, ' stroke-width="2"'))
    for k, name in (("min", "lowest"), ("max", "highest")):
        parts.append(
            _titled_line(sx[k], mid - 10, sx[k], mid + 10, INK, f"{name}: {stats[k]:.1f} {unit}")
        )
    parts.append(
        rect(
            sx["p25"],
            mid - 16,
            sx["p75"] - sx["p25"],
            32,
            ACCENT,
            tip=f"middle half: {stats['p25']:.1f}–{stats['p75']:.1f} {unit}",
        )
    )
    parts.append(
        _titled_line(
            sx["median"],
            mid - 16,
            sx["median"],
            mid + 16,
            "#ffffff",
            f"median: {stats['median']:.1f} {unit}",
            width=3,
        )
    )
    axis_y = y + h + 34
    for t in ticks(top, 5):
        parts.append(text(left + t * scale, axis_y, fmt_tick(t), "middle", 11, MUTED))
    parts.append(text(left + plot_w / 2, axis_y + 16, unit, "middle", 11, MUTED))
    return frame(WIDTH, int(axis_y + 22), title, desc, parts)


def _titled_line(
    x1: float, y1: float, x2: float, y2: float, stroke: str, tip: str, width: float = 2
) -> str:
    """A line that is a data mark: it says its figure on hover and to assistive tech."""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
        f'stroke-width="{width:g}"><title>{escape(tip)}</title></line>'
    )


def value_rows(
    rows: list[tuple[str, float, str]],
    zones: Zones,
    *,
    title: str,
    desc: str,
    unit: str,
) -> Markup:
    """One bar per person (only when individual reports are on), over the zones."""
    plot_w = WIDTH - LABEL_W - RIGHT
    top = nice_max(max([v for _l, v, _p in rows] + [zones.high]) * 1.05)
    scale = plot_w / top
    y0 = 6
    total_h = ROW_H * 0.8 * len(rows)
    parts = []
    for a, b, fill in (
        (0, zones.low, BAND_FILLS["watch"]),
        (zones.low, zones.high, BAND_FILLS["efficient"]),
        (zones.high, top, BAND_FILLS["slow"]),
    ):
        parts.append(rect(LABEL_W + a * scale, y0, (b - a) * scale, total_h, fill))
    y = y0
    for label, value, paint in rows:
        mid = y + ROW_H * 0.4
        parts.append(text(LABEL_W - 10, mid + 4, label, "end", 11, INK))
        parts.append(
            rect(
                LABEL_W,
                y + 4,
                value * scale,
                ROW_H * 0.8 - 8,
                paint,
                tip=f"{label}: {value:.1f} {unit}",
            )
        )
        parts.append(text(LABEL_W + plot_w + 6, mid + 4, f"{value:.1f}", size=11))
        y += ROW_H * 0.8
    for t in ticks(top, 5):
        parts.append(text(LABEL_W + t * scale, y + 14, fmt_tick(t), "middle", 11, MUTED))
    return frame(WIDTH, int(y + 22), title, desc, parts)
