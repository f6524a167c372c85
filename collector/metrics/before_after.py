"""Before/after a marked change (issue 14): did it work?

Two equal windows of days, before and after the change. Each figure is
compared as after minus before, with a 95% interval from the day-to-day
variation within each window: a normal interval, estimate +- 1.96 standard
errors, the two windows taken as independent.

Why a normal interval and not a bootstrap: with a few weeks of working days
per window a mean of daily values is close enough to normal, the interval is
the same every time the page is opened (a bootstrap's moves with its random
draws unless seeded, and then it is a number nobody can check by hand), and
a lead or an auditor can recompute it from the daily table.

- A rate per day (interruptions per person-day): the window's mean of the
  daily values; standard error s / sqrt(n).
- Hours per unit: the ratio of the window's sums, hours / units. Its
  standard error is the ratio estimator's (linearised): with R = sum H / sum U
  and d_i = H_i - R U_i for each day, SE(R) = sqrt(s_d^2 / n) / mean(U).
  Daily hours per unit are no use on their own: most days record no units.

Lower is better for both (for focus time, higher). The verdict: "improved"
when the whole interval is on the better side of zero, "worse" when it is
all on the other, else "no clear change"; and no
verdict when either window has fewer than MIN_DAYS days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import mean, variance

Z95 = 1.96
MIN_DAYS = 5


@dataclass(frozen=True)
class Estimate:
    value: float
    se: float
    days: int


def mean_estimate(values: Sequence[float]) -> Estimate | None:
    if not values:
        return None
    n = len(values)
    se = math.sqrt(variance(values) / n) if n > 1 else math.inf
    return Estimate(mean(values), se, n)


def ratio_estimate(hours: Sequence[float], units: Sequence[float]) -> Estimate | None:
    """Hours per unit over the days given (same length; a day without units is 0)."""
    n = len(hours)
    total_units = sum(units)
    if n == 0 or total_units <= 0:
        return None
    r = sum(hours) / total_units
    if n == 1:
        return Estimate(r, math.inf, 1)
    residuals = [h - r * u for h, u in zip(hours, units, strict=True)]
    se = math.sqrt(variance(residuals) / n) / (total_units / n)
    return Estimate(r, se, n)


def compare(before: Estimate | None, after: Estimate | None, lower_is_better: bool = True) -> dict:
    """After minus before, its interval and the verdict: lower is better for hours
    per unit and interruptions, higher for focus time (`lower_is_better=False`)."""
    if before is None or after is None:
        return {
            "before": before.value if before else None,
            "after": after.value if after else None,
            "difference": None,
            "low": None,
            "high": None,
            "verdict": None,
            "days_before": before.days if before else 0,
            "days_after": after.days if after else 0,
        }
    diff = after.value - before.value
    half = Z95 * math.sqrt(before.se**2 + after.se**2)
    low, high = diff - half, diff + half
    enough = before.days >= MIN_DAYS and after.days >= MIN_DAYS and math.isfinite(half)
    if not enough:
        verdict = None
    elif high < 0:
        verdict = "improved" if lower_is_better else "worse"
    elif low > 0:
        verdict = "worse" if lower_is_better else "improved"
    else:
        verdict = "no clear change"
    return {
        "before": before.value,
        "after": after.value,
        "difference": diff,
        "low": low if math.isfinite(half) else None,
        "high": high if math.isfinite(half) else None,
        "verdict": verdict,
        "days_before": before.days,
        "days_after": after.days,
    }
