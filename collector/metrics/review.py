"""The monthly review of seed 001: this month against last, and one focus.

Seed 001 asks of every function whose time rose: "was it a volume spike or
an efficiency decline?". So the review compares hours, units and hours per
unit, and names the cause in the contract's order (docs/design.md §4).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: A change of hours per unit within this share is "steady", not a trend.
STEADY = 0.02
#: A change above this share is large enough to name a cause (docs/design.md §4).
MATERIAL = 0.10


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or not before:
        return None
    return now / before - 1


def cause(units: int, previous_units: int, hours_change: float | None, change: float | None) -> str:
    """First match of docs/design.md §4's list; `units_change` is taken from the units."""
    if units <= 0 or previous_units <= 0 or change is None:
        return "not_comparable"
    # Counts compare exactly: 11 units after 10 is +10%, not 10.000000000000009%.
    units_up_materially = units * 10 > previous_units * 11
    if change > MATERIAL and not units_up_materially:
        return "efficiency_decline"
    if hours_change is not None and hours_change > MATERIAL and units_up_materially:
        return "volume_spike"
    if change < -STEADY:
        return "improved"
    if change > STEADY:
        return "slower"
    return "steady"


def monthly_review(
    current: Sequence[dict[str, Any]], previous: Sequence[dict[str, Any]], operation_size: int
) -> dict[str, Any]:
    """Rows from `time_per_unit` for two months in; review rows and focus out."""
    before = {r["function"]: r for r in previous}
    rows = []
    for r in current:
        p = before.get(r["function"], {})
        hpu, prev_hpu = r["hours_per_unit"], p.get("hours_per_unit")
        hours, prev_hours = r["hours"], p.get("hours", 0.0)
        units, prev_units = r["units"], p.get("units", 0)
        change = _change(hpu, prev_hpu)
        hours_change = _change(hours, prev_hours)
        rows.append(
            {
                "function": r["function"],
                "name": r["name"],
                "hours": hours,
                "previous_hours": prev_hours,
                "hours_change": hours_change,
                "units": units,
                "previous_units": prev_units,
                "units_change": _change(units, prev_units),
                "hours_per_unit": hpu,
                "previous_hours_per_unit": prev_hpu,
                "change": change,
                "band": r.get("band"),
                "error_rate": r.get("error_rate"),
                "cause": cause(units, prev_units, hours_change, change),
            }
        )
    total, prev_total = sum(r["hours"] for r in rows), sum(r["previous_hours"] for r in rows)
    return {
        "functions": rows,
        "hours": total,
        "previous_hours": prev_total,
        "hours_change": _change(total, prev_total),
        "focus": focus(current),
    }


def focus(rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The one function to improve next.

    A `below_quality` function comes first (the one furthest over its limit,
    relative to it): speeding up work that needs redoing makes more rework.
    Otherwise the function furthest above its reasonable limit, relative to
    that limit, so a 2-hour report and a 60-hour payroll compare.
    """
    best: tuple[int, float] | None = None
    chosen = None
    for r in rows:
        bench = r.get("benchmark")
        hpu = r["hours_per_unit"]
        gap = hpu - bench["reasonable_high"] if hpu is not None and bench else None
        if r.get("band") == "below_quality":
            key = (1, r["error_rate"] / r["quality_limit"] if r["quality_limit"] else 1e9)
            reason = "below_quality"
        elif gap is not None and gap > 0:
            key = (0, gap / bench["reasonable_high"])
            reason = "above_reasonable"
        else:
            continue
        if best is None or key > best:
            best = key
            chosen = {
                "function": r["function"],
                "name": r["name"],
                "reason": reason,
                "band": r.get("band"),
                "hours_per_unit": hpu,
                "reasonable_high": bench["reasonable_high"] if bench else None,
                "gap": gap,
                "gap_ratio": gap / bench["reasonable_high"] if gap is not None else None,
                "error_rate": r.get("error_rate"),
                "quality_limit": r.get("quality_limit"),
                "money_at_stake": r.get("money_at_stake"),
                "fix": r.get("fix"),
            }
    return chosen


def spike_reading(row: dict[str, Any], calendar: dict[str, Any] | None) -> dict[str, Any] | None:
    """For a volume spike, what the spike calendar (metrics/spikes.py) saw that
    month: how many spike days, and which recurring spikes they belong to, so
    "volume spike" reads "month end" or "pay-run day" when it is one, and a
    lead can plan for it instead of treating it as news. `calendar` is
    service.spikes.month_spikes' answer for the row's function and month."""
    if row["cause"] != "volume_spike" or calendar is None:
        return None
    return {"spike_days": calendar["spike_days"], "recurring": list(calendar["recurring"])}
