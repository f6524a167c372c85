"""The metrics of docs/design.md §4 as plain functions over plain data.

Nothing here touches the database or Flask: `collector.service.reports` reads the
store and hands these functions numbers, so every definition can be tested
against the seed's worked examples on its own.
"""

from collector.metrics.advice import interruption_advice
from collector.metrics.bands import band
from collector.metrics.clients import ClientMonth, client_margins
from collector.metrics.interruptions import (
    DayCounts,
    Detection,
    Interruption,
    Span,
    detect,
    interruption_cost,
    per_day,
)
from collector.metrics.privacy import suppression
from collector.metrics.review import monthly_review
from collector.metrics.time_per_unit import UnitTotals, time_per_unit
from collector.metrics.workload import workload

__all__ = [
    "ClientMonth",
    "DayCounts",
    "Detection",
    "Interruption",
    "Span",
    "UnitTotals",
    "band",
    "client_margins",
    "detect",
    "interruption_advice",
    "interruption_cost",
    "monthly_review",
    "per_day",
    "suppression",
    "time_per_unit",
    "workload",
]
