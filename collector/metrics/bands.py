"""Where a function's figures sit: seed 001's benchmark table, gated by quality."""

from __future__ import annotations

from typing import Literal

from shared.catalogue import Benchmark

Band = Literal["efficient", "reasonable", "watch", "slow", "below_quality"]

#: Bands that put money at stake and ask for the seed's fix (docs/design.md §4).
NEEDS_ATTENTION: frozenset[str] = frozenset({"watch", "slow", "below_quality"})


def band(
    hours_per_unit: float | None,
    benchmark: Benchmark | None,
    *,
    error_rate: float | None = None,
    quality_limit: float | None = None,
) -> Band | None:
    """Classify against already-scaled limits, quality first.

    Seed 001: "productivity without quality is just throughput", so an error
    rate above the function's limit is `below_quality` however fast the work
    was; a function with no speed benchmark can still fail on quality.

    Seed 001 leaves a gap for payroll between 'efficient' (< 4 h) and
    'reasonable' (6-8 h); a figure in that gap is better than reasonable but
    not below the efficient line, so it reads as reasonable.
    """
    if error_rate is not None and quality_limit is not None and error_rate > quality_limit:
        return "below_quality"
    if hours_per_unit is None or benchmark is None:
        return None
    if hours_per_unit < benchmark.efficient_below:
        return "efficient"
    if hours_per_unit <= benchmark.reasonable_high:
        return "reasonable"
    if hours_per_unit <= benchmark.slow_above:
        return "watch"
    return "slow"
