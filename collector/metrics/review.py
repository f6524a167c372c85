"""The monthly review of seed 001: this month against last, and one focus."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: A change of hours per unit within this share is "steady", not a trend.
STEADY = 0.02
#: Units up by more than this share make a rise a volume spike (DESIGN §4).
VOLUME_SPIKE = 0.10


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or not before:
        return None
    return now / before - 1


def monthly_review(
    current: Sequence[dict[str, Any]], previous: Sequence[dict[str, Any]], operation_size: int
) -> dict[str, Any]:
    """Rows from `time_per_unit` for two months in; review rows and focus out.

    The focus is the function furthest above its reasonable limit, measured
    relative to that limit so a 2-hour report and a 60-hour payroll compare.
    """
    before = {r["function"]: r for r in previous}
    rows = []
    focus = None
    for r in current:
        p = before.get(r["function"], {})
        hpu, prev_hpu = r["hours_per_unit"], p.get("hours_per_unit")
        change = _change(hpu, prev_hpu)
        units_change = _change(r["units"], p.get("units"))
        cause = None
        if change is not None:
            if change > STEADY:
                volume = units_change is not None and units_change > VOLUME_SPIKE
                cause = "volume_spike" if volume else "efficiency_decline"
            elif change < -STEADY:
                cause = "improved"
            else:
                cause = "steady"
        rows.append(
            {
                "function": r["function"],
                "name": r["name"],
                "hours_per_unit": hpu,
                "previous_hours_per_unit": prev_hpu,
                "change": change,
                "units": r["units"],
                "previous_units": p.get("units", 0.0),
                "units_change": units_change,
                "cause": cause,
            }
        )
        bench = r.get("benchmark")
        if hpu is None or not bench:
            continue
        gap = hpu - bench["reasonable_high"]
        ratio = gap / bench["reasonable_high"]
        if gap > 0 and (focus is None or ratio > focus["gap_ratio"]):
            focus = {
                "function": r["function"],
                "name": r["name"],
                "hours_per_unit": hpu,
                "reasonable_high": bench["reasonable_high"],
                "gap": gap,
                "gap_ratio": ratio,
            }
    return {"functions": rows, "focus": focus}
