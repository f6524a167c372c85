"""Column charts over time: stacked hours per week, counts and ranges per day.

A period whose group is too small is drawn as a labelled grey column
("suppressed"), never as an empty gap that reads as zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from collector.dashboard.charts.svg import (
    ACCENT,
    ACCENT_LIGHT,
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
LEFT, RIGHT, TOP = 52, 12, 26


@dataclass(frozen=True)
class Series:
    name: str
    paint: str
    values: list[float]


def _axis(parts: list[str], top: float, y0: float, plot_h: float, unit: str) -> None:
    for t in ticks(top):
        y = y0 - plot_h * t / top
        parts.append(line(LEFT, y, WIDTH - RIGHT, y, GRID))
        parts.append(text(LEFT - 6, y + 4, fmt_tick(t), "end", 11, MUTED))
    parts.append(text(LEFT - 6, 11, unit, "end", 11, MUTED))


def _x_labels(parts: list[str], labels: list[str], x_of, y: float, band: float) -> None:
    every = max(1, round(len(labels) / 12 + 0.49)) if band < 40 else 1
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(text(x_of(i) + band / 2, y, label, "middle", 11, MUTED))


def stacked_columns(
    labels: list[str],
    series: list[Series],
    *,
    title: str,
    desc: str,
    unit: str,
    target: list[float | None] | None = None,
    target_label: str = "target",
    suppressed: dict[int, str] | None = None,
    defs: str = "",
) -> Markup:
    """One column per label, one stacked segment per series; an optional
    target drawn as a dashed tick on each column."""
    suppressed = suppressed or {}
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    peak = max([*totals, *(t for t in (target or []) if t is not None), 0.0])
    top = nice_max(peak * 1.05)
    items = [(s.name, s.paint) for s in series]
    if target:
        items.append((target_label, INK))
    legend_parts, legend_h = legend(items, LEFT, 0, WIDTH - LEFT - RIGHT)
    plot_h = 220
    y0 = TOP + plot_h
    height = int(y0 + 24 + 10 + legend_h)
    parts = [defs] if defs else []
    _axis(parts, top, y0, plot_h, unit)
    band, bar_w, x_of = _slots(len(labels))

    for i, label in enumerate(labels):
        x = x_of(i) + (band - bar_w) / 2
        if i in suppressed:
            parts.append(rect(x, TOP, bar_w, plot_h, SUPPRESSED, tip=f"{label}: {suppressed[i]}"))
            parts.append(_suppressed_label(x + bar_w / 2, TOP + plot_h / 2, bar_w))
            continue
        y = y0
        for s in series:
            v = s.values[i]
            if v <= 0:
                continue
            h = plot_h * v / top
            y -= h
            parts.append(
                rect(
                    x,
                    y,
                    bar_w,
                    h,
                    s.paint,
                    ' stroke="#ffffff" stroke-width="0.5"',
                    tip=f"{label} · {s.name}: {v:.1f} {unit}",
                )
            )
        if target and target[i] is not None:
            ty = y0 - plot_h * target[i] / top
            parts.append(
                line(x - 3, ty, x + bar_w + 3, ty, INK, ' stroke-width="2" stroke-dasharray="4 2"')
            )
    parts.append(line(LEFT, y0, WIDTH - RIGHT, y0, MUTED))
    _x_labels(parts, labels, x_of, y0 + 16, band)
    parts += _shift(legend_parts, y0 + 30)
    return frame(WIDTH, height, title, desc, parts)


def range_columns(
    labels: list[str],
    lows: list[float | None],
    highs: list[float | None],
    *,
    title: str,
    desc: str,
    unit: str,
    low_label: str,
    high_label: str,
    suppressed: dict[int, str] | None = None,
) -> Markup:
    """A solid column to the low value and a lighter cap up to the high one:
    a range reads as a range, not as one precise figure."""
    suppressed = suppressed or {}
    top = nice_max(max([h or 0.0 for h in highs] + [0.0]) * 1.05)
    plot_h = 180
    y0 = TOP + plot_h
    legend_parts, legend_h = legend(
        [(low_label, ACCENT), (high_label, ACCENT_LIGHT)], LEFT, 0, WIDTH - LEFT - RIGHT
    )
    height = int(y0 + 34 + legend_h)
    parts: list[str] = []
    _axis(parts, top, y0, plot_h, unit)
    band, bar_w, x_of = _slots(len(labels))

    for i, label in enumerate(labels):
        x = x_of(i) + (band - bar_w) / 2
        if i in suppressed:
            parts.append(rect(x, TOP, bar_w, plot_h, SUPPRESSED, tip=f"{label}: {suppressed[i]}"))
            continue
        low, high = lows[i] or 0.0, highs[i] or 0.0
        h_low, h_high = plot_h * low / top, plot_h * high / top
        parts.append(
            rect(
                x,
                y0 - h_high,
                bar_w,
                h_high - h_low,
                ACCENT_LIGHT,
                tip=f"{label}: {low:.0f}–{high:.0f} {unit}",
            )
        )
        parts.append(
            rect(x, y0 - h_low, bar_w, h_low, ACCENT, tip=f"{label}: {low:.0f}–{high:.0f} {unit}")
        )
    parts.append(line(LEFT, y0, WIDTH - RIGHT, y0, MUTED))
    _x_labels(parts, labels, x_of, y0 + 16, band)
    parts += _shift(legend_parts, y0 + 28)
    return frame(WIDTH, height, title, desc, parts)


def columns(
    labels: list[str],
    values: list[float],
    *,
    title: str,
    desc: str,
    unit: str,
    paint: str = ACCENT,
    suppressed: dict[int, str] | None = None,
    value_labels: bool = False,
) -> Markup:
    suppressed = suppressed or {}
    top = nice_max(max([*values, 0.0]) * 1.05)
    plot_h = 180
    y0 = TOP + plot_h
    parts: list[str] = []
    _axis(parts, top, y0, plot_h, unit)
    band, bar_w, x_of = _slots(len(labels))

    for i, label in enumerate(labels):
        x = x_of(i) + (band - bar_w) / 2
        if i in suppressed:
            parts.append(rect(x, TOP, bar_w, plot_h, SUPPRESSED, tip=f"{label}: {suppressed[i]}"))
            continue
        h = plot_h * values[i] / top
        parts.append(rect(x, y0 - h, bar_w, h, paint, tip=f"{label}: {values[i]:g} {unit}"))
        if value_labels:
            parts.append(text(x + bar_w / 2, y0 - h - 4, f"{values[i]:,.0f}", "middle", 11, INK))
    parts.append(line(LEFT, y0, WIDTH - RIGHT, y0, MUTED))
    _x_labels(parts, labels, x_of, y0 + 16, band)
    return frame(WIDTH, int(y0 + 26), title, desc, parts)


def _slots(n: int) -> tuple[float, float, Callable[[int], float]]:
    """Width of each column's slot, the bar inside it, and where slot i starts."""
    band = (WIDTH - LEFT - RIGHT) / max(n, 1)

    def x_of(i: int) -> float:
        return LEFT + i * band

    return band, max(band * 0.7, 2), x_of


def _suppressed_label(cx: float, cy: float, bar_w: float) -> str:
    if bar_w < 11:
        return ""
    return text(
        cx + 4,
        cy,
        "suppressed",
        "middle",
        10,
        INK,
        extra=f' transform="rotate(-90 {cx:.1f} {cy:.1f})"',
    )


def _shift(parts: list[str], dy: float) -> list[str]:
    """Move legend parts (drawn at y=0) down to `dy`."""
    return [f'<g transform="translate(0 {dy:.1f})">{"".join(parts)}</g>']
