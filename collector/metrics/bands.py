"""Where an hours-per-unit figure sits against seed 001's benchmark table."""

from __future__ import annotations

from typing import Literal

from shared.catalogue import Benchmark

Band = Literal["efficient", "reasonable", "watch", "slow"]


def band(hours_per_unit: float, benchmark: Benchmark) -> Band:
    """Classify against already-scaled limits.

    Seed 001 leaves a gap for payroll between 'efficient' (< 4 h) and
    'reasonable' (6-8 h); a figure in that gap is better than reasonable but
    not below the efficient line, so it reads as reasonable.
    """
    if hours_per_unit < benchmark.efficient_below:
        return "efficient"
    if hours_per_unit <= benchmark.reasonable_high:
        return "reasonable"
    if hours_per_unit <= benchmark.slow_above:
        return "watch"
    return "slow"
