"""SVG building blocks: an accessible chart frame, scales, ticks and colours.

Charts are drawn on the server as inline SVG so pages need no JavaScript, no
CDN and no chart library. Every chart carries a <title> and a <desc>, and the
table under it is the accessible alternative with the exact figures. Colours
are presentation attributes (not style attributes) so the page's
Content-Security-Policy can forbid inline styles.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import count

from markupsafe import Markup, escape

from shared.catalogue import CATEGORY_IDS

#: One colour per category, each at least 3:1 against white (WCAG 1.4.11),
#: except non-work, which is drawn hatched so it does not rely on colour.
CATEGORY_COLOURS: dict[str, str] = {
    "scheduling": "#1f5f9e",
    "timesheet_review": "#2a8a7e",
    "payroll": "#b3541e",
    "qa_evaluation": "#7b4fa0",
    "reporting": "#a23b72",
    "onboarding": "#4d7c0f",
    "leave_management": "#8a6d00",
    "invoicing": "#0e7490",
    "compliance": "#6b4f2a",
    "communication": "#64748b",
    "meetings": "#7c8797",
    "other_work": "#475569",
    "non_work": "#8d8d95",
    "uncategorised": "#767676",
}

BAND_FILLS = {
    "efficient": "#d9efdb",
    "reasonable": "#eef5d3",
    "watch": "#fcefc7",
    "slow": "#f8d7d3",
}
BAND_INK = {
    "efficient": "#1b5e20",
    "reasonable": "#3f6212",
    "watch": "#7a5200",
    "slow": "#9f1c1c",
    "below_quality": "#5b2a86",
}
INK = "#1d2433"
MUTED = "#5b6474"
GRID = "#d9dde5"
ACCENT = "#1f5f9e"
ACCENT_LIGHT = "#9dbbe0"
SUPPRESSED = "#b8bec9"

_ids = count(1)


def colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, "#555555")


def category_order(categories: Iterable[str]) -> list[str]:
    """Catalogue order, so a category keeps its place and colour on every chart."""
    known = {c: i for i, c in enumerate(CATEGORY_IDS)}
    return sorted(set(categories), key=lambda c: (known.get(c, 999), c))


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 1.2, 1.5, 2, ... 8 x 10^n): close
    enough that the data fill most of the plot, round enough for four even ticks."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    exp = math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        top = step * 10**exp
        if top >= value * 0.999:
            return float(top)
    return float(10 ** (exp + 1))


def ticks(top: float, n: int = 4) -> list[float]:
    return [top * i / n for i in range(n + 1)]


def fmt_tick(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value / 1000:g}k"
    if abs(value) >= 10:
        return f"{value:.0f}"
    return f"{value:.2g}"


def text(
    x: float,
    y: float,
    content: str,
    anchor: str = "start",
    size: int = 12,
    fill: str = INK,
    weight: str = "normal",
    extra: str = "",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}" font-weight="{weight}"{extra}>{escape(content)}</text>'
    )


def rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "", tip: str = "") -> str:
    body = f"<title>{escape(tip)}</title>" if tip else ""
    attrs = f'x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}"'
    if body:
        return f'<rect {attrs} fill="{fill}"{extra}>{body}</rect>'
    return f'<rect {attrs} fill="{fill}"{extra}/>'


def line(x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, extra: str = "") -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"{extra}/>'
    )


def hatch_defs(pattern_id: str, ink: str = "#8d8d95") -> str:
    return (
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eceef2"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{ink}" stroke-width="3"/></pattern></defs>'
    )


def frame(width: int, height: int, title: str, desc: str, body: list[str], css: str = "") -> Markup:
    """Wrap drawing in an <svg> that screen readers announce as one image."""
    n = next(_ids)
    t_id, d_id = f"chart-{n}-title", f"chart-{n}-desc"
    classes = f"chart {css}".strip()
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="{classes}" role="img" aria-labelledby="{t_id} {d_id}" '
        f'preserveAspectRatio="xMidYMid meet" font-family="system-ui, sans-serif">'
        f'<title id="{t_id}">{escape(title)}</title><desc id="{d_id}">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def legend(
    items: list[tuple[str, str]], x: float, y: float, width: float
) -> tuple[list[str], float]:
    """Swatches with labels, wrapped to `width`; returns the parts and the height used."""
    parts, cx, cy = [], x, y
    for label, fill in items:
        w = 18 + 7 * len(label) + 14
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 18
        parts.append(rect(cx, cy, 12, 12, fill, f' stroke="{MUTED}" stroke-width="0.5"'))
        parts.append(text(cx + 17, cy + 10.5, label, size=11, fill=INK))
        cx += w
    return parts, cy - y + 18
