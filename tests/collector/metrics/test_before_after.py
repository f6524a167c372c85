"""The before/after interval (collector/metrics/before_after.py), worked by hand."""

from __future__ import annotations

import math

import pytest

from collector.metrics import before_after as ba


def test_mean_and_its_standard_error():
    # Mean 4; deviations -2, 0, 2 -> sample variance 8 / 2 = 4; SE = sqrt(4 / 3).
    e = ba.mean_estimate([2, 4, 6])
    assert e.value == 4 and e.days == 3
    assert e.se == pytest.approx(math.sqrt(4 / 3))


def test_improved_when_the_whole_interval_is_below_zero():
    # Before: mean 5, variance 4/4 = 1 -> SE sqrt(1/5). After: mean 3.5, variance
    # 1/4 -> SE sqrt(0.05). Difference -1.5, half-width 1.96 x sqrt(0.2 + 0.05) = 0.98.
    before = ba.mean_estimate([4, 6, 4, 6, 5])
    after = ba.mean_estimate([3, 4, 3, 4, 3.5])
    out = ba.compare(before, after)
    assert out["difference"] == pytest.approx(-1.5)
    assert out["low"] == pytest.approx(-2.48) and out["high"] == pytest.approx(-0.52)
    assert out["verdict"] == "improved"
    assert ba.compare(after, before)["verdict"] == "worse"


def test_no_clear_change_when_the_interval_holds_zero():
    before = ba.mean_estimate([4, 6, 4, 6, 5])
    after = ba.mean_estimate([4, 6, 4, 6, 4.5])  # mean 4.9: -0.1, well inside the noise
    out = ba.compare(before, after)
    assert out["low"] < 0 < out["high"] and out["verdict"] == "no clear change"


def test_too_few_days_give_no_verdict():
    out = ba.compare(ba.mean_estimate([1, 2, 3, 4]), ba.mean_estimate([9, 9, 9, 9, 9]))
    assert out["difference"] == pytest.approx(6.5) and out["verdict"] is None
    assert ba.compare(None, ba.mean_estimate([1.0]))["difference"] is None


def test_ratio_of_sums_and_its_linearised_error():
    # R = 8 h / 8 units = 1. Residuals H - R U: 2, -2, 2, -2 -> variance 16 / 3;
    # SE = sqrt((16/3) / 4) / mean units 2 = 0.577.
    e = ba.ratio_estimate([2, 2, 2, 2], [0, 4, 0, 4])
    assert e.value == 1 and e.se == pytest.approx(math.sqrt(4 / 3) / 2)
    assert ba.ratio_estimate([2, 2], [0, 0]) is None  # no units: no ratio


def test_higher_is_better_for_focus_time():
    """Focus hours 2, 2.5, 3, 2.5, 2 before (mean 2.4) and 3, 3.5, 4, 3.5, 3 after (3.4):
    s^2 = 0.175 each, SE sqrt(0.035); difference 1, half-width 1.96 sqrt(0.07) = 0.5186."""
    from collector.metrics.before_after import compare, mean_estimate

    before = mean_estimate([2, 2.5, 3, 2.5, 2])
    after = mean_estimate([3, 3.5, 4, 3.5, 3])
    up = compare(before, after, lower_is_better=False)
    assert up["difference"] == pytest.approx(1.0)
    assert up["low"] == pytest.approx(1 - 1.96 * math.sqrt(0.07))
    assert up["verdict"] == "improved"
    assert compare(after, before, lower_is_better=False)["verdict"] == "worse"
    assert compare(before, after)["verdict"] == "worse"  # the same rise, where lower is better
