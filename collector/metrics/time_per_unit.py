"""Hours per output unit per function, with quality, weekly basis and money (docs/design.md §4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from collector.metrics.bands import NEEDS_ATTENTION, band
from collector.metrics.fixes import seed_fix
from shared.catalogue import Benchmark, functions

#: The limit for a function with no `quality.limits` entry given (docs/design.md §4).
DEFAULT_QUALITY_LIMIT = 0.05


@dataclass(frozen=True)
class UnitTotals:
    units: int
    corrections: int = 0


def error_rate(function: str, totals: UnitTotals, operation_size: int) -> float | None:
    """Corrections per unit; payroll's per paycheck (pay cycles x people paid).

    Seed 001 states payroll's rule per paycheck ("errors exceed 2%"), and a
    cycle pays the whole operation, so 3 corrected paychecks in one cycle for
    100 people is 3%.
    """
    if totals.units <= 0:
        return None
    if function == "payroll":
        return totals.corrections / (totals.units * operation_size)
    return totals.corrections / totals.units


def time_per_unit(
    hours: Mapping[str, float],
    units: Mapping[str, UnitTotals],
    operation_size: int,
    *,
    days: int | None = None,
    quality_limits: Mapping[str, float] | None = None,
    hourly_rate: float | None = None,
) -> list[dict[str, Any]]:
    """One row per catalogue function, in catalogue order.

    A function with hours but no units says "no_output_recorded" instead of
    dividing by zero, so a missing import is visible rather than flattering.
    `days` (the period's length) gives the weekly basis, so a unit count that
    cannot fit the operation shows beside its flattering per-unit figure.
    """
    limits = quality_limits or {}
    rows = []
    for fid, fn in functions().items():
        h = float(hours.get(fid, 0.0))
        u = units.get(fid, UnitTotals(0, 0))
        bench = fn.benchmark.scaled(operation_size) if fn.benchmark else None
        per_unit = h / u.units if u.units > 0 else None
        limit = float(limits.get(fid, DEFAULT_QUALITY_LIMIT))
        err = error_rate(fid, u, operation_size)
        verdict = band(per_unit, bench, error_rate=err, quality_limit=limit)
        at_stake = _money_at_stake(verdict, per_unit, bench, u.units, hourly_rate)
        rows.append(
            {
                "function": fid,
                "name": fn.name,
                "output_unit": fn.output_unit,
                "hours": h,
                "units": int(u.units),
                "hours_per_unit": per_unit,
                "status": "ok" if per_unit is not None else "no_output_recorded",
                "band": verdict,
                "corrections": int(u.corrections),
                "correction_rate": u.corrections / u.units if u.units > 0 else None,
                "error_rate": err,
                "quality_limit": limit,
                "quality_adjusted_units": u.units * (1 - min(err, 1.0)) if err is not None else 0.0,
                "hours_per_week": h / days * 7 if days else None,
                "units_per_week": u.units / days * 7 if days else None,
                "money_at_stake": at_stake,
                "fix": seed_fix(fid) if verdict in NEEDS_ATTENTION else None,
                "benchmark": _bench_dict(bench),
            }
        )
    return rows


def _money_at_stake(
    verdict: str | None,
    per_unit: float | None,
    bench: Benchmark | None,
    units: int,
    hourly_rate: float | None,
) -> float | None:
    """(hours per unit - reasonable upper limit) x units x hourly cost.

    Only for a function that needs attention; a below-quality function that
    is fast has nothing at stake in time (its cost is the rework), so 0.
    """
    if verdict not in NEEDS_ATTENTION or hourly_rate is None:
        return None
    if per_unit is None or bench is None:
        return 0.0
    return max(per_unit - bench.reasonable_high, 0.0) * units * hourly_rate


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
