"""Schemathesis hooks: the API's rules that JSON Schema cannot state.

The document declares every constraint on a single value. A few rules tie
values together or to stored rows, which no schema can express; the
document says them in prose, and these hooks make the generated requests
respect them just before they are sent, so `positive_data_acceptance` tests
the rest:

* a report range: `from` not after `to`, at most 1100 days, `to` defaulting
  to today (DateRange in collector/api/models.py);
* output units: corrections not above units; clients, teams and employees
  are names of stored rows, so generated ones are left out; dates after the
  collector's date are refused, so a valid date of any year is moved into
  the past (same month and day, a past year), in JSON items (the API's and
  the employee's own log) and in CSV bodies, sent as str or bytes;
* a marked change: its teams are stored names (generated ones become
  'ops') and its day at most a year ahead (a valid day moves into the past);
* a batch of segments: each ends after it starts, in order, without overlap,
  none in the future (SummaryBatch in shared/payload.py): valid times are
  moved to the last three hours (500 fit), keeping their number and states,
  and its timed work items end an hour ago, started at least their
  active_seconds before;
* work types and items: PUT /work-types gets exactly one SLA a type, unique
  keys and keeps the type FUZZ_TYPE (work items name it), and posted items
  name it and the team `ops`, carry a fresh id each (the same id twice in
  one post, or a receipt after a completion stored earlier, is refused), no
  employee or client, and times in the past with the completion after the
  receipt.
* settings: `planning.holidays` gets real calendar days (the pattern cannot say
  2026-02-30 is none); `org.timezone` is an enum in the document.

Only values that are valid on their own are touched, so a negative case
keeps the violation it was made for. Loaded with SCHEMATHESIS_HOOKS.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import schemathesis

from collector.api.models import DAY_PATTERN

MAX_DAYS = 1100
REFERENCES = ("client", "team", "employee")
#: The person test_openapi_fuzz.py enrolls before the admin run.
FUZZ_PERSON = "fuzz"
MAX_ABSENCE_DAYS = 366
#: The work type test_openapi_fuzz.py stores before the admin run.
FUZZ_TYPE = {"key": "fuzz", "name": "Fuzz", "function": "payroll", "sla_business_days": 2}
_TYPE_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def _day(value: object) -> date | None:
    if isinstance(value, str) and re.fullmatch(DAY_PATTERN, value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _fit_range(query: dict) -> None:
    start, end = _day(query.get("from")), _day(query.get("to"))
    if start is None:
        return
    if "to" in query and end is None:
        return  # `to` is the violation under test
    last = end or date.today()
    if start > last:
        start = last
    if (last - start).days > MAX_DAYS:
        start = last - timedelta(days=MAX_DAYS)
    query["from"] = start.isoformat()


_CSV_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _past(day: date) -> date:
    """`day` if it is not after today, else the same day of a past year."""
    today = date.today()
    year = min(day.year, today.year)
    while True:
        try:
            moved = day.replace(year=year)
        except ValueError:  # 29 February
            moved = day.replace(year=year, day=28)
        if moved <= today:
            return moved
        year -= 1


def _past_text(text: str) -> str:
    def move(m: re.Match) -> str:
        try:
            day = date.fromisoformat(m.group(0))
        except ValueError:
            return m.group(0)  # not a real day: the violation under test
        return _past(day).isoformat()

    return _CSV_DAY.sub(move, text)


def _fit_csv(body: str | bytes) -> str | bytes:
    if isinstance(body, bytes):
        try:
            return _past_text(body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return body
    return _past_text(body)


def _fit_dates(items: list) -> None:
    for item in items:
        if isinstance(item, dict):
            day = _any_day(item.get("date"))
            if day is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["date"]):
                item["date"] = _past(day).isoformat()


def _fit_units(items: list) -> None:
    _fit_dates(items)
    for item in items:
        if not isinstance(item, dict):
            continue
        for key in REFERENCES:
            if isinstance(item.get(key), str):
                del item[key]
        units, corrections = item.get("units"), item.get("corrections")
        numbers = all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in (units, corrections)
        )
        if numbers and corrections > units >= 0:  # type: ignore[operator]
            item["corrections"] = units


def _aware(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _fit_segments(segments: list) -> None:
    if not all(
        isinstance(s, dict) and _aware(s.get("start")) and _aware(s.get("end")) for s in segments
    ):
        return
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    for i, segment in enumerate(segments):
        start = base + timedelta(seconds=10 * i)
        segment["start"] = start.isoformat()
        segment["end"] = (start + timedelta(seconds=5)).isoformat()


def _any_day(value: object) -> date | None:
    """An absence's days are any ISO date (no report-range years)."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _fit_absences(items: list) -> None:
    for item in items:
        if not isinstance(item, dict):
            continue
        item.pop("team", None)
        if isinstance(item.get("employee"), str):
            item["employee"] = FUZZ_PERSON
        start, end = _any_day(item.get("from")), _any_day(item.get("to"))
        if start is None or end is None:
            continue
        start, end = min(start, end), max(start, end)
        if (end - start).days >= MAX_ABSENCE_DAYS:
            start = end - timedelta(days=MAX_ABSENCE_DAYS - 1)
        item["from"], item["to"] = start.isoformat(), end.isoformat()


_DAY_SHAPE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _fit_holidays(settings: dict) -> None:
    """The document's pattern says YYYY-MM-DD; a day such as 2989-00-35 fits
    it and is still no calendar day, which the collector rightly refuses."""
    value = settings.get("planning.holidays")
    if not isinstance(value, str):
        return

    def real(m: re.Match) -> str:
        year, month, day = (int(g) for g in m.groups())
        return f"{max(year, 1):04d}-{min(max(month, 1), 12):02d}-{min(max(day, 1), 28):02d}"

    settings["planning.holidays"] = _DAY_SHAPE.sub(real, value)


def _fit_change(body: dict) -> None:
    """A change names stored teams ('ops' is the fuzz collector's) and is at most a
    year ahead: a valid day of any year is moved into the past."""
    teams = body.get("teams")
    if isinstance(teams, list) and teams and all(isinstance(t, str) for t in teams):
        body["teams"] = ["ops"]
    day = _day(body.get("day"))
    if day is not None:
        body["day"] = _past(day).isoformat()


def _fit_work_types(types: list) -> None:
    keys: set[str] = set()
    for i, t in enumerate(types):
        if not isinstance(t, dict):
            continue
        if isinstance(t.get("key"), str) and _TYPE_KEY.fullmatch(t["key"]):
            if t["key"] in keys or t["key"] == "fuzz":
                t["key"] = f"t{i}"  # keys are unique, and FUZZ_TYPE is appended below
            keys.add(t["key"])
        days, hours = t.get("sla_business_days"), t.get("sla_hours")
        if days is None and hours is None:
            t["sla_business_days"] = 2  # exactly one SLA
        elif days is not None and hours is not None:
            t.pop("sla_hours")
    if len(types) < 100:
        types.append(dict(FUZZ_TYPE))


def _fit_work_items(items: list) -> None:
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("type"), str) and _TYPE_KEY.fullmatch(item["type"]):
            item["type"] = "fuzz"
        if isinstance(item.get("team"), str):
            item["team"] = "ops"
        if isinstance(item.get("id"), str) and item["id"].strip() and len(item["id"]) <= 200:
            item["id"] = uuid.uuid4().hex
        for key in ("employee", "client"):
            if isinstance(item.get(key), str):
                del item[key]
        if not _aware(item.get("received_at")):
            continue
        received = base + timedelta(seconds=i)
        item["received_at"] = received.isoformat()
        if _aware(item.get("completed_at")):
            item["completed_at"] = (received + timedelta(hours=1)).isoformat()


def _fit_timed(items: list) -> None:
    ended = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    for item in items:
        if not (
            isinstance(item, dict) and _aware(item.get("started")) and _aware(item.get("ended"))
        ):
            continue
        active = item.get("active_seconds")
        span = active if isinstance(active, int) and not isinstance(active, bool) else 3600
        item["ended"] = ended.isoformat()
        item["started"] = (ended - timedelta(seconds=max(span, 0))).isoformat()


def _fit_work(case) -> None:
    path, body, query = case.operation.path, case.body, case.query
    if (
        path.endswith("/work-types")
        and isinstance(body, dict)
        and isinstance(body.get("types"), list)
    ):
        _fit_work_types(body["types"])
    if (
        path.endswith("/work-items")
        and isinstance(body, dict)
        and isinstance(body.get("items"), list)
    ):
        _fit_work_items(body["items"])
    asked = query.get("type") if isinstance(query, dict) else None
    if path.endswith("/reports/backlog") and isinstance(asked, str) and _TYPE_KEY.fullmatch(asked):
        query["type"] = "fuzz"


@schemathesis.hook
def before_call(ctx, case, kwargs):
    if case.operation.path.endswith("/settings") and isinstance(case.body, dict):
        settings = case.body.get("settings")
        if isinstance(settings, dict):
            _fit_holidays(settings)
    if case.operation.path.endswith("/changes") and isinstance(case.body, dict):
        _fit_change(case.body)
    if isinstance(case.query, dict):
        _fit_range(case.query)
    if case.operation.path.endswith("/absences") and isinstance(case.body, dict):
        items = case.body.get("items")
        if isinstance(items, list):
            _fit_absences(items)
    if case.operation.path.endswith("output-units") and isinstance(case.body, dict):
        items = case.body.get("items")
        if isinstance(items, list):
            _fit_units(items)
    if case.operation.path.endswith("output-units") and isinstance(case.body, str | bytes):
        case.body = _fit_csv(case.body)
    _fit_work(case)
    if case.operation.path.endswith("/summaries") and isinstance(case.body, dict):
        segments = case.body.get("segments")
        if isinstance(segments, list):
            _fit_segments(segments)
        if isinstance(case.body.get("work_items"), list):
            _fit_timed(case.body["work_items"])
