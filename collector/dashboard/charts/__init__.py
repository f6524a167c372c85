"""Server-rendered SVG charts for the dashboard (no JavaScript, no CDN)."""

from collector.dashboard.charts.columns import Series, columns, range_columns, stacked_columns
from collector.dashboard.charts.rows import (
    BulletRow,
    DivergingRow,
    StackedRow,
    Zones,
    box_plot,
    bullets,
    diverging_rows,
    stacked_rows,
    value_rows,
)
from collector.dashboard.charts.svg import CATEGORY_COLOURS, category_order, colour, hatch_defs
from collector.dashboard.charts.trend import TrendPanel, small_multiples

__all__ = [
    "CATEGORY_COLOURS",
    "BulletRow",
    "DivergingRow",
    "Series",
    "StackedRow",
    "TrendPanel",
    "Zones",
    "box_plot",
    "bullets",
    "category_order",
    "colour",
    "columns",
    "diverging_rows",
    "hatch_defs",
    "range_columns",
    "small_multiples",
    "stacked_columns",
    "stacked_rows",
    "value_rows",
]
