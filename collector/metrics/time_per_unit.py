"""Hours per output unit per function, with quality (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from collector.metrics.bands import band
from shared.catalogue import functions


@dataclass(frozen=True)
class UnitTotals:
    units: float
    corrections: float = 0.0


def time_per_unit(
    hours: Mapping[str, float], units: Mapping[str, UnitTotals], operation_size: int
) -> list[dict[str, Any]]:
    """One row per catalogue function, in catalogue order.

    A function with hours but no units says "no_output_recorded" instead of
    dividing by zero, so a missing import is visible rather than flattering.
    """
    rows = []
    for fid, fn in functions().items():
        h = float(hours.get(fid, 0.0))
        u = units.get(fid, UnitTotals(0.0, 0.0))
        bench = fn.benchmark.scaled(operation_size) if fn.benchmark else None
        per_unit = h / u.units if u.units > 0 else None
        rate = min(u.corrections / u.units, 1.0) if u.units > 0 else None
        rows.append(
            {
                "function": fid,
                "name": fn.name,
                "output_unit": fn.output_unit,
                "hours": h,
                "units": float(u.units),
                "hours_per_unit": per_unit,
                "status": "ok" if per_unit is not None else "no_output_recorded",
                "band": band(per_unit, bench) if per_unit is not None and bench else None,
                "corrections": float(u.corrections),
                "correction_rate": rate,
                "quality_adjusted_units": u.units * (1 - rate) if rate is not None else 0.0,
                "benchmark": _bench_dict(bench),
            }
        )
    return rows


def _bench_dict(bench) -> dict | None:
    if bench is None:
        return None
    return {
        "efficient_below": bench.efficient_below,
        "reasonable_low": bench.reasonable_low,
        "reasonable_high": bench.reasonable_high,
        "slow_above": bench.slow_above,
        "label": bench.label,
    }
