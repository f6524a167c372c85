"""Read an ActivityWatch export and turn it into Backlight segments.

For people who come from ActivityWatch: their history there becomes time per
function here, measured the way Backlight measures it. Everything in this
module runs on the workstation. Window titles are read from the export only
to be matched against the organisation's rules (``shared.rules``), exactly
as the live agent matches them, and are dropped there: a ``Segment`` has no
field for a title, so nothing of it can be queued or sent.

Both servers' export shapes are read (``GET /api/0/export`` or a bucket's
own export):

- aw-server (Python): ``{"buckets": {id: {type, hostname, events: [...]}}}``,
  events ``{"timestamp": "...+00:00", "duration": 12.5, "data": {...}}``;
- aw-server-rust: the same outline, events with an ``id`` and ``Z``
  timestamps that may carry nanoseconds.

A bare mapping of buckets (what ``export_all`` returns before it is wrapped)
is accepted too. Window buckets are type ``currentwindow`` (``data.app``,
``data.title``), AFK buckets ``afkstatus`` (``data.status``: ``afk`` or
``not-afk``).

How window time becomes segments, so it means what live tracking means:

- window time inside an AFK stretch is idle, unless that stretch is shorter
  than the policy's ``idle_after_s`` (Backlight would still call it active)
  or the rule marks the app ``passive_active`` (a call is work without
  typing); window time the AFK watcher did not cover is idle too;
- overlapping events (ActivityWatch heartbeats can overlap) are clipped so
  segments never overlap; pieces of the same key less than ``MERGE_GAP_S``
  apart are joined, as the live builder joins samples;
- segments are cut at local midnight, so each day gets its own time;
- ActivityWatch records no key or click counts: imported segments carry 0.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from shared.rules import RuleSet
from shared.segments import Segment

#: Pieces of one key at most this far apart become one segment (the live
#: builder's gap limit, so imported and tracked time are cut alike).
MERGE_GAP_S = 5.0
WINDOW_TYPE = "currentwindow"
AFK_TYPE = "afkstatus"
_FRACTION = re.compile(r"(\.\d{6})\d+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ExportError(ValueError):
    """The file is not an ActivityWatch export we can read; the message
    names the place in the file (``buckets.<id>.events.<n>.timestamp``)."""


@dataclass(frozen=True)
class WindowEvent:
    start: float  # POSIX seconds
    end: float
    app: str
    title: str


@dataclass(frozen=True)
class AwExport:
    """What one host recorded: its window events, and its AFK stretches
    (``None`` when the export has no AFK bucket for it)."""

    host: str
    windows: tuple[WindowEvent, ...]
    afk: tuple[tuple[float, float], ...] | None
    present: tuple[tuple[float, float], ...] = ()  # the AFK watcher's "not-afk"


def read_export(raw: Any, host: str | None = None) -> AwExport:
    """The window and AFK events of one host from a parsed export.

    With several hosts in the file, ``host`` picks one; without it the
    error lists them, so the employee imports their own machine's time."""
    buckets = _buckets(raw)
    by_host: dict[str, dict[str, list[tuple[str, Mapping]]]] = {}
    for bid, bucket in buckets.items():
        where = f"buckets.{bid}"
        if not isinstance(bucket, Mapping):
            raise ExportError(f"{where}: must be an object")
        kind = bucket.get("type")
        if kind not in (WINDOW_TYPE, AFK_TYPE):
            continue  # web, editor and other watchers carry nothing we count
        name = str(bucket.get("hostname") or "unknown")
        by_host.setdefault(name, {}).setdefault(kind, []).append((where, bucket))
    hosts = sorted(h for h, kinds in by_host.items() if WINDOW_TYPE in kinds)
    if not hosts:
        raise ExportError(f"buckets: no window bucket (type {WINDOW_TYPE!r}) in the export")
    if host is None:
        if len(hosts) > 1:
            raise ExportError(
                f"buckets: the export holds several computers ({', '.join(hosts)}); "
                "choose yours with --host"
            )
        host = hosts[0]
    elif host not in hosts:
        raise ExportError(
            f"--host: no window bucket for {host!r}; the export has {', '.join(hosts)}"
        )
    kinds = by_host[host]
    windows = [
        WindowEvent(start, end, _text(data, "app", at), _text(data, "title", at, ""))
        for where, bucket in kinds[WINDOW_TYPE]
        for at, start, end, data in _events(where, bucket)
    ]
    windows.sort(key=lambda w: (w.start, w.end))
    if AFK_TYPE not in kinds:
        return AwExport(host, tuple(windows), None)
    status: dict[str, list[tuple[float, float]]] = {"afk": [], "not-afk": []}
    for where, bucket in kinds[AFK_TYPE]:
        for at, start, end, data in _events(where, bucket):
            value = _text(data, "status", at)
            if value not in status:
                raise ExportError(f"{at}.data.status: must be 'afk' or 'not-afk', not {value!r}")
            status[value].append((start, end))
    return AwExport(host, tuple(windows), tuple(status["afk"]), tuple(status["not-afk"]))


def _buckets(raw: Any) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ExportError("the file must hold a JSON object (an ActivityWatch export)")
    inner = raw.get("buckets", raw)
    if not isinstance(inner, Mapping):
        raise ExportError("buckets: must be an object of buckets by id")
    return inner


def _events(where: str, bucket: Mapping) -> Iterable[tuple[str, float, float, Mapping]]:
    events = bucket.get("events")
    if events is None:
        events = []
    if not isinstance(events, list):
        raise ExportError(f"{where}.events: must be a list")
    for i, event in enumerate(events):
        at = f"{where}.events.{i}"
        if not isinstance(event, Mapping):
            raise ExportError(f"{at}: must be an object")
        start = _time(event.get("timestamp"), f"{at}.timestamp")
        duration = event.get("duration")
        if isinstance(duration, bool) or not isinstance(duration, int | float) or duration < 0:
            raise ExportError(f"{at}.duration: must be a number of seconds, 0 or more")
        data = event.get("data")
        if not isinstance(data, Mapping):
            raise ExportError(f"{at}.data: must be an object")
        if duration > 0:
            yield at, start, start + float(duration), data


def _time(value: Any, where: str) -> float:
    if not isinstance(value, str):
        raise ExportError(f"{where}: must be an ISO 8601 time")
    text = _FRACTION.sub(r"\1", value.strip())  # Rust writes nanoseconds
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ExportError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise ExportError(f"{where}: {value!r} has no UTC offset")
    return at.timestamp()


def _text(data: Mapping, key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ExportError(f"{where}.data.{key}: must be a string")
    return value


@dataclass(frozen=True)
class Conversion:
    """Segments to queue, and what was left out and why (for the summary)."""

    segments: tuple[Segment, ...]
    skipped_tracked_s: float  # already measured by Backlight (after tracking began)
    skipped_old_s: float  # older than the collector keeps
    skipped_imported_s: float  # imported before


def to_segments(
    export: AwExport,
    rules: RuleSet,
    zone: tzinfo,
    *,
    idle_after_s: float,
    not_before: float,
    not_after: float,
    imported: Iterable[tuple[float, float]] = (),
    afk_known: bool = True,
) -> Conversion:
    """Window time between ``not_before`` and ``not_after`` as segments,
    leaving out what an earlier import already covered.

    ``afk_known=False`` (no AFK bucket, and the employee said to go on)
    counts all window time as active."""
    # Present, or away for less than idle_after_s (still active by Backlight's measure).
    active = _Spans(
        [*export.present, *((s, e) for s, e in (export.afk or ()) if e - s < idle_after_s)]
    )
    done = _Spans(imported)
    skipped = {"tracked": 0.0, "old": 0.0, "imported": 0.0}
    pieces: list[tuple[float, float, tuple[str, str | None, str, str]]] = []
    floor = float("-inf")
    for w in export.windows:
        start, end = max(w.start, floor), w.end
        if end <= start:
            continue
        floor = end
        skipped["old"] += _overlap(start, end, float("-inf"), not_before)
        skipped["tracked"] += _overlap(start, end, not_after, float("inf"))
        start, end = max(start, not_before), min(end, not_after)
        if end <= start:
            continue
        match = rules.match(w.app, w.title)
        app = _CONTROL.sub("", w.app).strip()[:128] or "unknown"
        fresh = _subtract([(start, end)], done.near(start, end))
        skipped["imported"] += (end - start) - sum(b - a for a, b in fresh)
        for a, b in fresh:
            for c, d, is_idle in _split_idle(a, b, active, afk_known):
                state = "idle" if is_idle and not match.passive_active else "active"
                pieces.append((c, d, (match.category, match.client, app, state)))
    return Conversion(
        tuple(_segments(pieces, zone)),
        skipped["tracked"],
        skipped["old"],
        skipped["imported"],
    )


def _split_idle(
    start: float, end: float, active: _Spans, afk_known: bool
) -> Iterable[tuple[float, float, bool]]:
    """[start, end) cut into (from, to, idle?) pieces: idle where the AFK
    watcher said away for long enough, or said nothing."""
    if not afk_known:
        yield start, end, False
        return
    cursor = start
    for a, b in _intersect([(start, end)], active.near(start, end)):
        if a > cursor:
            yield cursor, a, True
        yield a, b, False
        cursor = b
    if cursor < end:
        yield cursor, end, True


class _Spans:
    """Merged, sorted spans, with the ones near a range found by bisection
    (a year of AFK events against a year of window events stays linear)."""

    def __init__(self, spans: Iterable[tuple[float, float]]):
        self.spans = _merge(spans)
        self._starts = [s for s, _e in self.spans]

    def near(self, start: float, end: float) -> list[tuple[float, float]]:
        i = max(0, bisect_right(self._starts, start) - 1)
        out = []
        while i < len(self.spans) and self.spans[i][0] < end:
            if self.spans[i][1] > start:
                out.append(self.spans[i])
            i += 1
        return out


def _segments(
    pieces: list[tuple[float, float, tuple[str, str | None, str, str]]], zone: tzinfo
) -> Iterable[Segment]:
    """Join pieces of one key that touch (within MERGE_GAP_S), then cut at
    local midnight."""
    pieces.sort(key=lambda p: p[0])
    merged: list[list] = []
    for start, end, key in pieces:
        last = merged[-1] if merged else None
        if last is not None and last[2] == key and start - last[1] <= MERGE_GAP_S:
            last[1] = max(last[1], end)
        else:
            if last is not None and start < last[1]:
                start = last[1]
                if end <= start:
                    continue
            merged.append([start, end, key])
    for start, end, (category, client, app, state) in merged:
        for a, b in _days(start, end, zone):
            yield Segment(a, b, category, client, app, state, 0, 0)


def _days(start: float, end: float, zone: tzinfo) -> Iterable[tuple[datetime, datetime]]:
    a = datetime.fromtimestamp(start, UTC).astimezone(zone)
    b = datetime.fromtimestamp(end, UTC).astimezone(zone)
    while a.date() != b.date():
        midnight = datetime.combine(a.date() + timedelta(days=1), datetime.min.time(), zone)
        if midnight > a:
            yield a, midnight
        a = midnight
    if b > a:
        yield a, b


def _merge(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _intersect(
    spans: list[tuple[float, float]], others: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    return [(max(s, a), min(e, b)) for s, e in spans for a, b in others if min(e, b) > max(s, a)]


def _subtract(
    spans: list[tuple[float, float]], others: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    out = []
    for s, e in spans:
        cursor = s
        for a, b in others:
            if b <= cursor or a >= e:
                continue
            if a > cursor:
                out.append((cursor, a))
            cursor = max(cursor, b)
        if cursor < e:
            out.append((cursor, e))
    return out


def _overlap(s: float, e: float, a: float, b: float) -> float:
    return max(0.0, min(e, b) - max(s, a))
