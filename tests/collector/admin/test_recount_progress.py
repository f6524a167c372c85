"""While a recount of history runs, the Settings page shows how far it is and
the interruptions report and page say their figures mix both thresholds.

The test app runs no background jobs, so the recount stays where it is until
the test steps it (the finished case runs in a real collector:
tests/collector/test_interruption_recount.py)."""

from __future__ import annotations

import json

from collector.jobs import open_counting_store
from shared.payload import SummaryBatch
from tests.collector.admin.conftest import post, text_of
from tests.collector.batches import batch, day_at, plan


def _fill(app, people: int = 5, days: int = 4) -> None:
    store = open_counting_store(app.config["DATABASE"])
    try:
        team = store.team_id("ops")
        for i in range(people):
            token = store.create_enrollment_token(team, 1, None)
            device_id, device_token = store.enroll(token, f"pc{i}", "linux", "t", f"p{i}")
            store.record_consent(device_id, "granted", 1, "2026-01-01T00:00:00+00:00")
            device = store.device_by_token(device_token)
            for d in range(1, days + 1):
                body = batch(plan(day_at(d, 9), [("payroll", 3), ("communication", 4)] * 2))
                store.ingest(device, SummaryBatch.model_validate_json(json.dumps(body)))
        store.settle_interruptions()
    finally:
        store.close()


def test_progress_on_settings_page_and_stamp_on_the_report(app, admin):
    _fill(app)
    r = post(admin, "/admin/settings", {"interruptions.min_focus_s": "240"})
    assert r.status_code == 302
    page = text_of(admin.get("/admin/settings"))
    assert "being recounted with the new thresholds over all 20 stored person-days" in page
    assert "recounting: 0 of 20 person-days" in page

    body = admin.get("/api/v1/reports/interruptions?team=ops").get_json()
    assert body["thresholds"] == {"min_focus_s": 240, "max_away_s": 900}
    assert body["recount"] == {
        "running": True,
        "done": 0,
        "total": 20,
        "previous_thresholds": {"min_focus_s": 120, "max_away_s": 900},
    }
    report = text_of(admin.get("/interruptions"))
    assert "Counted with at least 4 min of focus before a switch away, away at most 15 min." in (
        report
    )
    assert "Recount under way" in report
    assert "Recounting: 0 of 20 person-days done with these thresholds" in report
    assert "previous thresholds (at least 2 min of focus" in report

    store = open_counting_store(app.config["DATABASE"])
    try:
        store.recount_history_step(limit=5)
    finally:
        store.close()
    assert "recounting: 5 of 20 person-days" in text_of(admin.get("/admin/settings"))
