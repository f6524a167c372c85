"""A sliding-window counter in this process's memory, for the ingest rate limits.

The same estimate as the `limits` package's SlidingWindowCounterRateLimiter
(windows aligned on multiples of their length; the previous window's count
weighed down as the current one goes on), kept in one dict under one lock.
Why not that package here: its memory storage starts a timer thread to
expire keys and takes several locks per hit, which the profile of a fleet
batch showed as a tenth of the collector's time per request (issue 11).
This is a few dict operations; old windows are swept every few thousand
hits instead of by timers.
"""

from __future__ import annotations

import math
import threading
import time

#: Sweep windows that can no longer count after this many hits.
_SWEEP_EVERY = 4096


class SlidingWindowCounter:
    """`limit` hits per `seconds`, per key."""

    def __init__(self, limit: int, seconds: float, clock=time.time) -> None:
        self.limit = limit
        self.seconds = float(seconds)
        self._clock = clock
        self._lock = threading.Lock()
        #: key -> [window index, count in the previous window, count in this one]
        self._windows: dict[str, list] = {}
        self._hits = 0

    def _window(self, key: str, index: int) -> list:
        w = self._windows.get(key)
        if w is None:
            w = self._windows[key] = [index, 0, 0]
        elif w[0] != index:
            w[1] = w[2] if w[0] == index - 1 else 0
            w[2] = 0
            w[0] = index
        return w

    def _weighted(self, w: list, now: float) -> float:
        elapsed = now / self.seconds - w[0]  # fraction of this window gone, 0 <= x < 1
        return w[1] * (1.0 - elapsed) + w[2]

    def hit(self, key: str) -> bool:
        """Count one hit for `key` if it is under the limit; False (nothing
        counted) when it is not."""
        now = self._clock()
        index = int(now // self.seconds)
        with self._lock:
            w = self._window(key, index)
            if math.floor(self._weighted(w, now)) + 1 > self.limit:
                return False
            w[2] += 1
            self._hits += 1
            if self._hits % _SWEEP_EVERY == 0:
                self._sweep(index)
            return True

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may hit again (0 when it may now)."""
        now = self._clock()
        index = int(now // self.seconds)
        with self._lock:
            w = self._window(key, index)
            prev, cur = w[1], w[2]
        if math.floor(self._weighted([index, prev, cur], now)) + 1 <= self.limit:
            return 0.0
        start = index * self.seconds
        if cur < self.limit:
            # prev * (1 - f) + cur < limit  <=>  f > 1 - (limit - cur) / prev
            at = start + self.seconds * (1.0 - (self.limit - cur) / prev)
        else:
            # Next window: this one's count becomes the previous, weighed down.
            at = start + self.seconds * (2.0 - self.limit / max(cur, 1))
        return max(0.0, at - now) + 0.01  # past the boundary, where the count is < limit

    def _sweep(self, index: int) -> None:
        stale = [k for k, w in self._windows.items() if w[0] < index - 1]
        for k in stale:
            del self._windows[k]

    def __len__(self) -> int:
        return len(self._windows)
