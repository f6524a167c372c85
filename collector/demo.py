"""A realistic synthetic organisation, made through the real paths.

People are enrolled with real enrollment tokens and grant consent; their
days are simulated as window samples (app + title + idle time) that go
through the agent's own rules and segment builder, and the segments are
validated as wire JSON and stored by the same ingest as the API. So the
demo exercises what production runs, and every report has content.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from collector import demo_volumes as volumes
from collector.demo_work import fill_work
from collector.store import Store
from shared.payload import MAX_SEGMENTS_PER_BATCH, SummaryBatch
from shared.rules import RuleSet
from shared.segments import Sample, SegmentBuilder

ZONE = ZoneInfo("Europe/London")
SAMPLE_S = 60  # one simulated look a minute keeps the demo quick to build
DEMO_PASSWORD = "backlight-demo"

#: Windows that the default rule pack maps to each category.
WINDOWS: dict[str, list[tuple[str, str]]] = {
    "scheduling": [("excel", "Weekly schedule v3 - Excel"), ("chrome", "Deputy - Roster")],
    "timesheet_review": [
        ("chrome", "Timesheet approval - Chrome"),
        ("excel", "Timesheets wk - Excel"),
    ],
    "payroll": [("excel", "Payroll run - Excel"), ("chrome", "Paychex Flex - Chrome")],
    "qa_evaluation": [("chrome", "Calabrio QM - Evaluation form")],
    "reporting": [
        ("pbidesktop", "Ops weekly dashboard - Power BI"),
        ("excel", "Weekly ops report - Excel"),
    ],
    "onboarding": [("chrome", "New hire provisioning - BambooHR")],
    "leave_management": [("chrome", "Leave requests - HR portal")],
    "invoicing": [("qbw", "QuickBooks - Invoice 1042")],
    "compliance": [("chrome", "Compliance audit checklist - SharePoint")],
    "communication": [
        ("outlook", "Inbox - Outlook"),
        ("teams", "Chat | Microsoft Teams"),
        ("slack", "Slack - ops"),
    ],
    "meetings": [("zoom", "Zoom Meeting")],
    "non_work": [("chrome", "YouTube - Chrome")],
    "other_work": [("winword", "Document1 - Word")],
    "uncategorised": [
        ("keepass", "KeePass"),
        ("acmecrm", "AcmeCRM - Accounts"),
        ("snippingtool", "Snip"),
    ],
}


@dataclass(frozen=True)
class TeamPlan:
    name: str
    manager: str
    clients: bool = False


TEAMS = [
    TeamPlan("Payroll & HR", "maria"),
    TeamPlan("Workforce planning", "wes"),
    TeamPlan("Client services", "carla", clients=True),
]

#: Seed 001's BPO example: client A, B (same revenue, more back office), C.
CLIENTS = [
    ("client-a", "Client A", 50_000, 35_000, 0.22),
    ("client-b", "Client B", 50_000, 35_000, 0.45),
    ("client-c", "Client C", 30_000, 20_000, 0.33),
]


def _workdays(days: int) -> list[date]:
    today = date.today()
    out = [today - timedelta(days=n) for n in range(days, 0, -1)]
    return [d for d in out if d.weekday() < 5]


class _Person:
    def __init__(self, rng: random.Random, team: TeamPlan):
        self.team = team
        self.interruptions_per_hour = rng.uniform(0.4, 1.4)
        # Hours at the desk, lunch included: about the contracted 40-hour week less
        # the 20% shrinkage (breaks, meetings elsewhere, training) in tracked time.
        self.hours = rng.uniform(6.0, 7.0)
        self.start_minute = rng.randint(7 * 60 + 45, 9 * 60 + 15)
        #: Minutes given to each kind of focused work so far, so the next block
        #: goes where the week's mix is furthest behind (steadier than dice).
        self.done: dict[str, float] = defaultdict(float)
        self.week: date | None = None

    def start_day(self, day: date) -> None:
        """The mix is a week's: the tally starts again each Monday."""
        monday = day - timedelta(days=day.weekday())
        if monday != self.week:
            self.week, self.done = monday, defaultdict(float)

    def next_work(self, rng: random.Random, mix: dict[str, float], block: float) -> str:
        total = sum(self.done.values()) + block
        weight = sum(mix.values())
        behind = {c: mix[c] / weight * total - self.done[c] for c in mix}
        top = max(behind.values())
        choice = rng.choice(sorted(c for c, v in behind.items() if v >= top - 1e-9))
        self.done[choice] += block
        return choice


def _client(rng: random.Random, person: _Person, function: str) -> str | None:
    if person.team.clients and function in ("invoicing", "reporting", "qa_evaluation"):
        return rng.choices([c[0] for c in CLIENTS], [c[4] for c in CLIENTS])[0]
    return None


def _day_samples(
    rng: random.Random,
    person: _Person,
    day: date,
    mix: dict[str, float],
    run: str | None = None,
) -> list[tuple[Sample, str | None]]:
    """A day as (sample, current client) pairs: focus blocks (chosen by the
    team's mix of work that week), interruptions, meetings, a lunch break
    with the screen locked, a little non-work. A `run` (the pay run, month-end
    invoicing, the month's reports) comes first, in one sitting, on top of
    the week's mix."""
    person.start_day(day)
    t = datetime.combine(day, time(0), ZONE) + timedelta(minutes=person.start_minute)
    end = t + timedelta(hours=person.hours)
    lunch = t + timedelta(hours=rng.uniform(3.5, 4.5))
    out: list[tuple[Sample, str | None]] = []

    def emit(category: str, minutes: float, client: str | None, idle: bool = False) -> None:
        nonlocal t
        app, title = rng.choice(WINDOWS[category])
        for i in range(max(1, round(minutes))):
            idle_s = 60.0 * (i + 1) if idle else rng.uniform(0, 20)
            keys = 0 if idle else rng.randint(10, 90)
            out.append(
                (Sample(t, app, title, idle_s, keys, 0 if idle else rng.randint(1, 15)), client)
            )
            t += timedelta(seconds=SAMPLE_S)

    if rng.random() < 0.5:
        emit("meetings", rng.choice([15, 30]), None)
    if run:
        emit(run, volumes.RUN_MINUTES, _client(rng, person, run))
    while t < end:
        if lunch <= t < lunch + timedelta(hours=1):
            t += timedelta(minutes=rng.randint(35, 55))  # locked screen: no samples
            lunch = end
            continue
        block = rng.uniform(20, 80)
        function = person.next_work(rng, mix, block)
        client = _client(rng, person, function)
        while block > 0 and t < end:
            run = min(block, rng.expovariate(person.interruptions_per_hour / 60))
            emit(function, run, client)
            block -= run
            if block > 0:
                away = rng.choices(["communication", "non_work", "meetings"], [0.85, 0.1, 0.05])[0]
                emit(away, rng.uniform(2, 9), None)
        roll = rng.random()
        if roll < 0.08:
            emit("other_work", rng.uniform(5, 20), None)
        elif roll < 0.12:
            emit("uncategorised", rng.uniform(3, 12), None)
        elif roll < 0.16:
            emit("communication", 6, None, idle=True)  # away from the desk
        elif roll < 0.2:
            emit("meetings", rng.choice([30, 45, 60]), None)
    return out


def _segments_for(rules: RuleSet, samples: list[tuple[Sample, str | None]]) -> list[dict]:
    builder = SegmentBuilder(rules, idle_after_s=300, max_gap_s=SAMPLE_S * 1.5)
    segs = []
    for sample, client in samples:
        builder.default_client = client
        segs += builder.add(sample)
    segs += builder.close()
    return [s.to_payload() for s in segs]


def fill(
    store: Store,
    people: int = 27,
    days: int = 92,
    seed: int = 7,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict:
    rng = random.Random(seed)
    store.set_settings(
        {
            "operation.size": volumes.OPERATION_SIZE,
            "privacy.min_group_size": 5,
            "org.timezone": "Europe/London",
        }
    )
    version, rule_dicts = store.current_rules()
    rules = RuleSet.from_dicts(rule_dicts, version)

    team_ids = {}
    for plan in TEAMS:
        team_ids[plan.name] = store.team_id(plan.name) or store.add_team(plan.name)
    store.add_user("admin", "admin", DEMO_PASSWORD, [])
    for plan in TEAMS:
        # The manager of the client-facing team may see per-client finance.
        store.add_user(plan.manager, "manager", DEMO_PASSWORD, [team_ids[plan.name]], plan.clients)
    api_key = store.create_api_key("admin", [], "demo")

    from collector.service.agent_policy import build

    consent_version = build(store)["consent"]["version"]
    workdays = _workdays(days)
    months = sorted({d.strftime("%Y-%m") for d in workdays})
    for key, name, revenue, agent_cost, _share in CLIENTS:
        store.upsert_client(key, name)
        for month in months:
            store.set_financials(key, month, revenue, agent_cost)

    devices = []
    names = iter(_NAMES)
    for i in range(people):
        plan = TEAMS[i % len(TEAMS)]
        token = store.create_enrollment_token(team_ids[plan.name], 1, 1)
        user = next(names)
        device_id, device_token = store.enroll(token, f"{user.lower()}-pc", "linux", "demo", user)
        store.record_consent(device_id, "granted", consent_version, datetime.now(ZONE).isoformat())
        person = _Person(rng, plan)
        if i == 0:
            person.hours = 8.8  # one person carries too much: the page should say so
        devices.append((store.device_by_token(device_token), person))

    # The last full month carries the planted changes the review should find.
    planted = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    changed_on = volumes.change_day(workdays)
    units, week_hours = volumes.plan(workdays, planted, [(c[0], c[4]) for c in CLIENTS], changed_on)
    runs = volumes.runs(workdays)
    team_size = Counter(person.team.name for _, person in devices)
    total = 0
    away: list[dict] = []
    for n, (device, person) in enumerate(devices, 1):
        for day in workdays:
            if rng.random() < 0.04:  # a day of leave: recorded, with no reason (docs/design.md §5)
                away.append(
                    {
                        "person_id": device.person_id,
                        "first_day": day.isoformat(),
                        "last_day": day.isoformat(),
                    }
                )
                continue
            monday = day - timedelta(days=day.weekday())
            mix = volumes.mix(week_hours[(person.team.name, monday)], team_size[person.team.name])
            run = runs.get((person.team.name, day))
            segs = _segments_for(rules, _day_samples(rng, person, day, mix, run))
            for i in range(0, len(segs), MAX_SEGMENTS_PER_BATCH):
                body = {
                    "batch_id": uuid.uuid4().hex,
                    "sent_at": datetime.now(ZONE).isoformat(),
                    "rules_version": version,
                    "timezone": "Europe/London",
                    "segments": segs[i : i + MAX_SEGMENTS_PER_BATCH],
                }
                batch = SummaryBatch.model_validate_json(json.dumps(body))
                total += store.ingest(device, batch)[0]
        progress(f"demo: {n}/{len(devices)} people simulated")
    store.settle_interruptions()

    rows = [
        {
            "date": u.day.isoformat(),
            "function": u.function,
            "team_id": team_ids[u.team],
            "person_id": None,
            "client_key": u.client,
            "units": u.units,
            "corrections": u.corrections,
        }
        for u in units
    ]
    store.add_output_units(rows, "demo", "demo")
    store.add_absences(away, "demo")
    store.add_change(
        changed_on.isoformat(), volumes.CHANGE[3], [team_ids[volumes.CHANGE[1]]], "user:admin"
    )
    work_items = fill_work(store, workdays, team_ids, seed)
    store.audit(
        "demo",
        "demo.fill",
        "",
        {"people": people, "days": days, "segments": total, "work_items": work_items},
    )
    return {
        "people": people,
        "workdays": len(workdays),
        "segments": total,
        "output_unit_rows": len(rows),
        "work_items": work_items,
        "planted_month": planted,
        "change_day": changed_on.isoformat(),
        "api_key": api_key,
        "password": DEMO_PASSWORD,
    }


_NAMES = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jon",
    "Kemi",
    "Liam",
    "Mei",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Wen",
    "Xavi",
    "Yara",
    "Zoe",
    "Alba",
    "Bram",
    "Cleo",
    "Dara",
    "Emil",
    "Fern",
    "Gabe",
    "Hana",
    "Ivo",
    "Jade",
    "Kai",
    "Lena",
    "Milo",
    "Nora",
] + [f"Person {i}" for i in range(41, 2001)]
