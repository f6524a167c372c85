"""A real collector process on each backend, as an operator runs it
(`backlight-collector serve --db URL`): the same agents' batches in over
HTTP, and every report out equal, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CollectorServer

REPORTS = [
    "/reports/overview",
    "/reports/time-per-unit",
    "/reports/interruptions",
    "/reports/workload",
    "/reports/uncategorised",
    "/reports/clients",
    "/reports/monthly-review",
    "/reports/spikes",
]
PEOPLE = ("ann", "bob", "cem")


def _serve_and_post(db: str, tmp: Path) -> dict:
    """Start a collector on `db`, post the same week of batches, read every report."""
    server = CollectorServer(db, tmp / "collector.log")  # type: ignore[arg-type]
    server.cli("team", "add", "ops")
    server.cli("settings", "set", f"privacy.min_group_size={len(PEOPLE)}")
    admin = server.cli("apikey", "create", "--role", "admin").strip()
    server.start()
    try:
        answers = []
        for n, person in enumerate(PEOPLE):
            token = server.enroll(person)
            for day in range(1, 6):
                steps = plan(
                    day_at(day, 8 + n),
                    [
                        ("payroll", 50 + n),
                        ("communication", 4),
                        ("invoicing", 30),
                        ("meetings", 25),
                    ],
                    client="client-a" if n else None,
                )
                body = batch(steps, f"batch-{person}-{day:03d}")
                answers.append(server.api("POST", "/summaries", token, json=body).json())
                if day == 1:  # a retry of a stored batch stores nothing
                    answers.append(server.api("POST", "/summaries", token, json=body).json())
        start = (day_at(6, 0) - timedelta(days=1)).date().isoformat()
        end = day_at(0, 0).date().isoformat()
        reports = {}
        for path in REPORTS:
            monthly = path in ("/reports/clients", "/reports/monthly-review")
            params = {"month": end[:7]} if monthly else {"from": start, "to": end}
            r = server.api("GET", path, admin, params=params)
            assert r.status_code == 200, (db, path, r.text)
            reports[path] = r.json()
        mark = {"day": day_at(3, 0).date().isoformat(), "note": "Rule pack 2", "teams": ["ops"]}
        r = server.api("POST", "/changes", admin, json=mark)
        assert r.status_code == 201, (db, r.text)
        r = server.api("GET", "/reports/before-after", admin, params={"change": r.json()["id"]})
        assert r.status_code == 200, (db, r.text)
        reports["/reports/before-after"] = r.json()
        reports["/reports/before-after"]["change"].pop("created_at")  # the moment it was made
        with _closing(server.store()) as store:
            counts = {t: store.row_count(t) for t in ("batches", "segments", "rollups")}
        return {"answers": answers, "reports": reports, "counts": counts}
    finally:
        server.stop()


class _closing:
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        return self.store

    def __exit__(self, *_exc):
        self.store.close()


@pytest.mark.slow
def test_a_collector_on_postgresql_answers_as_one_on_sqlite(tmp_path, postgres_url):
    (tmp_path / "sqlite").mkdir()
    (tmp_path / "pg").mkdir()
    on_sqlite = _serve_and_post(f"sqlite:///{tmp_path / 'sqlite' / 'b.db'}", tmp_path / "sqlite")
    on_postgres = _serve_and_post(postgres_url, tmp_path / "pg")
    assert on_sqlite["counts"] == {
        "batches": 15,
        "segments": 60,
        "rollups": on_sqlite["counts"]["rollups"],
    }
    assert [a.get("duplicate") for a in on_sqlite["answers"][:2]] == [False, True]
    overview = on_sqlite["reports"]["/reports/overview"]
    assert overview["people"] == len(PEOPLE) and overview["tracked_hours"] > 0  # not suppressed
    assert on_postgres["answers"] == on_sqlite["answers"]
    assert on_postgres["counts"] == on_sqlite["counts"]
    assert on_sqlite["reports"]["/reports/before-after"]["window_days"] == 2
    for path in [*REPORTS, "/reports/before-after"]:
        assert on_postgres["reports"][path] == on_sqlite["reports"][path], path
