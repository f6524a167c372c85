"""The rate limits' sliding-window counter, on a clock the test moves.

Worked by hand: 10 hits per 60 s. Windows start at multiples of 60 s.
"""

from __future__ import annotations

import pytest

from collector.sliding_window import SlidingWindowCounter


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_the_limit_inside_one_window_then_the_previous_window_weighed_down():
    clock = Clock(600.0)  # the start of window 10
    c = SlidingWindowCounter(10, 60, clock)
    assert [c.hit("a") for _ in range(11)] == [True] * 10 + [False]
    assert c.hit("b"), "another key has its own count"
    # Full in this window: free again just after the next one starts (660 s).
    assert c.retry_after("a") == pytest.approx(60.01)
    clock.t = 675.0  # a quarter into window 11: 10 x 0.75 = 7.5 counted, floor 7
    assert [c.hit("a") for _ in range(3)] == [True, True, True]  # 8.5, 9.5, 10.5
    assert not c.hit("a")  # floor(10.5) + 1 > 10
    # 10 x (1 - f) + 3 < 10 from f > 0.3, at 660 + 18 = 678 s.
    assert c.retry_after("a") == pytest.approx(3.01)
    clock.t = 678.02
    assert c.hit("a")


def test_a_window_skipped_forgets_everything_and_old_keys_are_swept():
    clock = Clock(600.0)
    c = SlidingWindowCounter(2, 60, clock)
    assert c.hit("a") and c.hit("a") and not c.hit("a")
    clock.t = 720.0  # two windows on: nothing of window 10 counts
    assert c.retry_after("a") == 0.0
    assert c.hit("a") and c.hit("a") and not c.hit("a")
    c._sweep(20)
    assert len(c) == 0
