"""Small multiples: hours per unit per week, one panel per function.

One panel each, because functions are measured in different units (hours
per schedule, minutes per evaluation); each panel shades its own
"reasonable" band so a drift out of it is visible at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from collector.dashboard.charts.svg import (
    BAND_FILLS,
    GRID,
    INK,
    MUTED,
    SUPPRESSED,
    colour,
    fmt_tick,
    frame,
    line,
    nice_max,
    rect,
    text,
)

WIDTH = 760
COLS = 3
PANEL_W = WIDTH / COLS
PANEL_H = 118


@dataclass(frozen=True)
class TrendPanel:
    function: str
    label: str
    unit: str  # how values are shown, e.g. "h" or "min"
    factor: float  # hours -> shown unit (1 or 60)
    values: list[float | None]  # per week; None = no output recorded that week
    reasonable: tuple[float, float] | None = None
    suppressed: frozenset[int] = frozenset()


def small_multiples(weeks: list[str], panels: list[TrendPanel], *, title: str, desc: str) -> Markup:
    parts: list[str] = []
    rows = (len(panels) + COLS - 1) // COLS
    for n, panel in enumerate(panels):
        ox, oy = (n % COLS) * PANEL_W, (n // COLS) * PANEL_H
        parts.append(f'<g transform="translate({ox:.1f} {oy:.1f})">')
        parts.append(_panel(weeks, panel))
        parts.append("</g>")
    return frame(WIDTH, int(rows * PANEL_H + 4), title, desc, parts)


def _panel(weeks: list[str], p: TrendPanel) -> str:
    left, right, top_pad, bottom = 36, 12, 22, 20
    w, h = PANEL_W - left - right, PANEL_H - top_pad - bottom
    shown = [v * p.factor if v is not None else None for v in p.values]
    peak = max([v for v in shown if v is not None] + [0.0])
    if p.reasonable:
        peak = max(peak, p.reasonable[1] * p.factor)
    top = nice_max(peak * 1.1)
    out = [text(left, 14, p.label, size=12, fill=INK, weight="600")]
    out.append(rect(left, top_pad, w, h, "#fafbfc"))
    if p.reasonable:
        lo, hi = (x * p.factor for x in p.reasonable)
        y_hi, y_lo = top_pad + h - h * hi / top, top_pad + h - h * lo / top
        out.append(
            rect(
                left,
                y_hi,
                w,
                y_lo - y_hi,
                BAND_FILLS["reasonable"],
                tip=f"reasonable: {lo:.3g}–{hi:.3g} {p.unit}",
            )
        )
    out.append(line(left, top_pad + h, left + w, top_pad + h, GRID))
    out.append(text(left - 4, top_pad + 8, fmt_tick(top), "end", 10, MUTED))
    out.append(text(left - 4, top_pad + h, "0", "end", 10, MUTED))
    out.append(text(left - 4, top_pad + h + 14, p.unit, "end", 10, MUTED))
    n = len(weeks)
    step = w / max(n - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top_pad + h - h * v / top

    path: list[str] = []
    for i, v in enumerate(shown):
        if i in p.suppressed:
            x, _ = xy(i, 0)
            out.append(rect(x - 2, top_pad, 4, h, SUPPRESSED, tip=f"{weeks[i]}: suppressed"))
            path.append("")
            continue
        if v is None:
            path.append("")
            continue
        x, y = xy(i, v)
        path.append(f"{x:.1f},{y:.1f}")
    out += _polylines(path, colour(p.function))
    for i, v in enumerate(shown):
        if v is not None and i not in p.suppressed:
            x, y = xy(i, v)
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour(p.function)}">'
                f"<title>week of {weeks[i]}: {v:.3g} {p.unit}</title></circle>"
            )
    if weeks:
        out.append(text(left, top_pad + h + 14, weeks[0], "start", 10, MUTED))
        if n > 1:
            out.append(text(left + w, top_pad + h + 14, weeks[-1], "end", 10, MUTED))
    if all(v is None for v in shown):
        out.append(
            text(left + w / 2, top_pad + h / 2 + 4, "no output recorded", "middle", 11, MUTED)
        )
    return "".join(out)


def _polylines(points: list[str], stroke: str) -> list[str]:
    """Runs of consecutive points; a week without output breaks the line."""
    runs, current = [], []
    for pt in points:
        if pt:
            current.append(pt)
        else:
            if len(current) > 1:
                runs.append(current)
            current = []
    if len(current) > 1:
        runs.append(current)
    return [
        f'<polyline points="{" ".join(r)}" fill="none" stroke="{stroke}" stroke-width="2"/>'
        for r in runs
    ]
