"""New interruption thresholds recount all of history in a real collector.

A collector process holds six days of five people's segments. The thresholds
are changed once on the admin Settings page (the server's background job
recounts) and once with `settings set` (which waits, with a progress line);
each time the interruptions report, once the recount is done, gives the
figures of a fresh database that had the new thresholds from the start, and
its stamp names them.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from collector.jobs import open_counting_store
from collector.service.reports import interruptions_report
from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CLI, CollectorServer, run_cli, web_sign_in

PASSWORD = "a long enough password"
PEOPLE = ["ana", "ben", "cai", "dee", "eli"]
DAYS = range(1, 7)

#: With the defaults (120 s focus, 900 s away) two interruptions a day; with
#: 240/300 none (3 minutes of focus is too short, 8 minutes away too long).
DAY = [
    ("payroll", 3),
    ("communication", 4),
    ("payroll", 5),
    ("meetings", 8),
    ("payroll", 10),
    ("non_work", 2),
    ("reporting", 6),
]


def _bodies() -> dict[str, list[dict]]:
    return {p: [batch(plan(day_at(d, 9 + i), DAY)) for d in DAYS] for i, p in enumerate(PEOPLE)}


def _span() -> dict[str, str]:
    today = date.today()
    return {"from": (today - timedelta(days=10)).isoformat(), "to": today.isoformat()}


def _fresh_count(tmp: Path, bodies: dict[str, list[dict]], thresholds: dict) -> dict:
    """The report of a database that had `thresholds` before any segment arrived."""
    store = open_counting_store(tmp / f"fresh-{time.monotonic_ns()}.db")
    try:
        store.set_settings(thresholds)
        team = store.add_team("ops")
        for person, batches in bodies.items():
            token = store.create_enrollment_token(team, 1, None)
            device_id, device_token = store.enroll(token, f"{person}-pc", "linux", "t", person)
            store.record_consent(device_id, "granted", 1, "2026-01-01T00:00:00+00:00")
            device = store.device_by_token(device_token)
            for body in batches:
                store.ingest(device, SummaryBatch.model_validate_json(json.dumps(body)))
        store.settle_interruptions()
        span = _span()
        return interruptions_report(store, None, "ops", span["from"], span["to"])
    finally:
        store.close()


def _figures(body: dict) -> dict:
    return {
        "count": body["count"],
        "away_minutes": round(body["away_minutes"], 6),
        "task_switches": body["task_switches"],
        "days": [(d["day"], d["count"], round(d["away_minutes"], 6)) for d in body["days"]],
    }


def _report(server: CollectorServer) -> dict:
    r = server.api(
        "GET", "/reports/interruptions", server.admin_key, params={**_span(), "team": "ops"}
    )
    assert r.status_code == 200, r.text
    return r.json()


def _recounted(server: CollectorServer, min_focus_s: float) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = _report(server)
        if body["thresholds"]["min_focus_s"] == min_focus_s and not body["recount"]["running"]:
            return body
        time.sleep(0.2)
    raise AssertionError(f"recount never finished: {body['recount']}")


@pytest.fixture
def server(tmp_path: Path):
    server = CollectorServer(tmp_path / "c.db", tmp_path / "c.log")
    run_cli(server.db, "team", "add", "ops")
    run_cli(server.db, "user", "add", "root", "--role", "admin", stdin=PASSWORD + "\n")
    server.admin_key = run_cli(server.db, "apikey", "create", "--role", "admin").strip()
    server.start()
    yield server
    server.stop()


def test_changed_thresholds_recount_all_history_and_reports_say_so(server, tmp_path):
    bodies = _bodies()
    for person, batches in bodies.items():
        device = server.enroll(person)
        for body in batches:
            assert server.api("POST", "/summaries", device, json=body).status_code == 200
    before = _report(server)
    assert before["count"] == 2 * len(PEOPLE) * len(DAYS)
    assert before["thresholds"] == {"min_focus_s": 120, "max_away_s": 900}
    assert before["recount"]["running"] is False

    # 1. The admin Settings page; the server's background job recounts.
    session, _ = web_sign_in(server.url, "root", PASSWORD)
    page = session.get(f"{server.url}/admin/settings", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = session.post(
        f"{server.url}/admin/settings",
        data={
            "csrf_token": csrf,
            "interruptions.min_focus_s": "240",
            "interruptions.max_away_s": "300",
        },
        timeout=30,
    )
    assert r.status_code == 200 and "being recounted" in r.text, r.text
    after = _recounted(server, 240)
    assert after["thresholds"] == {"min_focus_s": 240, "max_away_s": 300}
    assert after["recount"]["done"] == after["recount"]["total"] == len(PEOPLE) * len(DAYS)
    fresh = _fresh_count(
        tmp_path, bodies, {"interruptions.min_focus_s": "240", "interruptions.max_away_s": "300"}
    )
    assert after["count"] == 0
    assert _figures(after) == _figures(fresh)
    page = session.get(f"{server.url}/interruptions", timeout=10).text
    assert "Counted with at least 4 min of focus before a switch away, away at most 5 min." in (
        page
    )
    assert "Recount under way" not in page
    settings = session.get(f"{server.url}/admin/settings", timeout=10).text
    assert "the last recount (30 person-days) finished" in settings

    # 2. `settings set`, which waits for the recount and shows its progress.
    out = subprocess.run(
        [*CLI, "settings", "set", "interruptions.min_focus_s=60", "--db", str(server.db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "recounting interruptions: 30 of 30 person-days, done" in out.stderr
    body = _report(server)  # no waiting: the command returned when it was done
    assert body["recount"]["running"] is False
    assert body["thresholds"] == {"min_focus_s": 60, "max_away_s": 300}
    fresh = _fresh_count(
        tmp_path, bodies, {"interruptions.min_focus_s": "60", "interruptions.max_away_s": "300"}
    )
    assert body["count"] == len(PEOPLE) * len(DAYS)  # only the 4-minute chat counts
    assert _figures(body) == _figures(fresh)


@pytest.fixture
def json_server(tmp_path: Path):
    server = CollectorServer(tmp_path / "j.db", tmp_path / "j.log")
    run_cli(server.db, "team", "add", "ops")
    server.admin_key = run_cli(server.db, "apikey", "create", "--role", "admin").strip()
    server.serve_args = ["--log-format", "json"]
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_wait_leaves_the_recount_to_the_server(request, log_format):
    server = request.getfixturevalue("server" if log_format == "text" else "json_server")
    device = server.enroll("ana")
    for body in _bodies()["ana"]:
        assert server.api("POST", "/summaries", device, json=body).status_code == 200
    out = subprocess.run(
        [
            *CLI,
            "settings",
            "set",
            "--no-wait",
            "interruptions.max_away_s=300",
            "--db",
            str(server.db),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "6 person-days queued for a recount" in out.stderr
    assert "the running server carries it out" in out.stderr
    store = open_counting_store(server.db)
    try:
        deadline = time.monotonic() + 30
        while store.recount_status()["running"]:
            assert time.monotonic() < deadline, store.recount_status()
            time.sleep(0.2)
    finally:
        store.close()
    deadline = time.monotonic() + 10
    while "interruption recount: 6 of 6" not in server.log.read_text():
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.1)
    lines = server.log.read_text().splitlines()
    if log_format == "json":
        records = [json.loads(line) for line in lines]  # every line stays one JSON object
        done = [r for r in records if r["message"] == "interruption recount: 6 of 6 person-days"]
        assert done and done[0]["level"] == "INFO", records
    else:
        assert "interruption recount: 6 of 6 person-days" in "\n".join(lines)
