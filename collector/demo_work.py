"""The demo organisation's deferred work (issue 12): work types and three
months of items, so the Backlog & SLA page tells a story.

Items arrive in weekday waves (Monday heaviest, Friday lightest), from 7:30
to 18:00; what comes in after noon waits for the next day. Spikes
recur: pay queries the two business days after each pay date, invoice
disputes in the last three business days of the month. Each type is worked
at a steady capacity a business day, earliest due first, so the spikes build
a backlog that takes days to clear and some items go past their SLA; the
last week runs short on pay queries (the lead is on leave), which the page's
projection shows as breach days ahead. About one item in twenty fails its
quality check.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from collector.demo_volumes import pay_dates
from collector.metrics.backlog.calendar import BusinessCalendar
from collector.store import Store
from shared.work_item_ref import hash_reference


@dataclass(frozen=True)
class DemoType:
    key: str
    name: str
    function: str
    team: str
    sla_business_days: int | None
    sla_hours: float | None
    per_day: float  # arrivals on an ordinary Wednesday
    capacity: float  # completions a business day
    prefix: str


TYPES = [
    DemoType("pay-queries", "Pay queries", "payroll", "Payroll & HR", 2, None, 18, 25, "PQ"),
    DemoType(
        "leave-requests",
        "Leave requests",
        "leave_management",
        "Payroll & HR",
        3,
        None,
        30,
        32,
        "LR",
    ),
    DemoType(
        "schedule-changes",
        "Schedule changes",
        "scheduling",
        "Workforce planning",
        None,
        24.0,
        14,
        18,
        "SC",
    ),
    DemoType(
        "invoice-disputes",
        "Invoice disputes",
        "invoicing",
        "Client services",
        5,
        None,
        5,
        8,
        "ID",
    ),
]
WEEKDAY_WAVE = (1.35, 1.1, 1.0, 0.9, 0.65)
CLIENT_KEYS = ("client-a", "client-b", "client-c")
#: The business days of the last week that pay queries run short.
SHORT_DAYS, SHORT_SHARE = 5, 0.8
#: Seconds into the day after which an arrival waits for the next business day.
NOON = 12 * 3600


def _spike(t: DemoType, day: date, pay_after: set[date], month_end: set[date]) -> float:
    if t.key == "pay-queries" and day in pay_after:
        return 2.0
    if t.key == "invoice-disputes" and day in month_end:
        return 2.5
    return 1.0


def _moment(day: date, zone: ZoneInfo, rng: random.Random, start_h: float, end_h: float):
    hours = rng.uniform(start_h, end_h)
    local = datetime.combine(day, time(0), zone) + timedelta(hours=hours)
    return local.timestamp()


def _simulate(
    t: DemoType,
    days: list[date],
    cal: BusinessCalendar,
    zone: ZoneInfo,
    rng: random.Random,
    salt: str,
    team_id: int,
    now: float,
) -> list[dict]:
    pays = pay_dates(days[0], days[-1])
    pay_after = {d for p in pays for d in cal.business_days_after(p, 2)}
    month_end = {
        d for d in days if d.month != (cal.business_days_after(d, 3)[-1]).month
    }  # the last three business days of its month
    items: list[dict] = []
    waiting: list[dict] = []
    for n, day in enumerate(days):
        expected = t.per_day * WEEKDAY_WAVE[day.weekday()] * _spike(t, day, pay_after, month_end)
        arrivals = max(0, round(rng.gauss(expected, expected**0.5)))
        for _ in range(arrivals):
            received = _moment(day, zone, rng, 7.5, 18.0)
            if received > now:
                continue  # today's, not yet come in
            item = {
                "type": t.key,
                "ref": hash_reference(salt, f"{t.prefix}-{len(items) + 10001}"),
                "team_id": team_id,
                "person_id": None,
                "client_key": rng.choice(CLIENT_KEYS) if t.key == "invoice-disputes" else None,
                "received_at": received,
                "completed_at": None,
                "quality_passed": None,
                "due": cal.due_time(received, t.sla_business_days, t.sla_hours),
            }
            items.append(item)
            waiting.append(item)
        short = t.key == "pay-queries" and n >= len(days) - SHORT_DAYS
        capacity = round(t.capacity * (SHORT_SHARE if short else 1.0) * rng.uniform(0.9, 1.1))
        waiting.sort(key=lambda i: i["due"])
        done = 0
        for item in list(waiting):
            if done >= capacity:
                break
            if item["received_at"] >= cal.day_start(day) + NOON:
                continue  # came in this afternoon: tomorrow's work
            finish = max(_moment(day, zone, rng, 9.0, 17.5), item["received_at"] + 1200)
            if finish > now:
                continue  # today's work still to do
            item["completed_at"] = finish
            item["quality_passed"] = rng.random() > 0.05
            waiting.remove(item)
            done += 1
    for item in items:
        del item["due"]
    return items


def fill_work(store: Store, workdays: list[date], team_ids: dict[str, int], seed: int) -> int:
    """Work types and their items over `workdays` (business days, oldest first)
    and today so far, so the page's default day (today) is not a day of no
    work; returns how many items were stored."""
    rng = random.Random(seed)
    now = datetime.now(ZoneInfo("UTC")).timestamp()
    settings = store.settings()
    zone = ZoneInfo(settings["org.timezone"])
    cal = BusinessCalendar(settings["org.timezone"], frozenset())
    store.replace_work_types(
        [
            {
                "key": t.key,
                "name": t.name,
                "function": t.function,
                "sla_business_days": t.sla_business_days,
                "sla_hours": t.sla_hours,
            }
            for t in TYPES
        ]
    )
    salt = store.work_item_salt()
    total = 0
    today = datetime.now(zone).date()
    days = [*workdays, today] if cal.is_business_day(today) else workdays
    for t in TYPES:
        rows = _simulate(t, days, cal, zone, rng, salt, team_ids[t.team], now)
        for i in range(0, len(rows), 1000):
            store.upsert_work_items(rows[i : i + 1000], "demo")
        total += len(rows)
    return total
