"""The alert conditions' edges, worked by hand (collector/service/alert_conditions.py);
the whole path through a real collector, SMTP server and webhook is in
tests/collector/test_alerts_commands.py."""

from __future__ import annotations

from datetime import date

from collector.service.alert_conditions import function_alerts, last_full_week, overload_alert


class Settings:
    """Only what a link needs: a unit test of the conditions, not of the store."""

    def settings(self) -> dict:
        return {"alerts.dashboard_url": "https://b.example/"}


TEAM = {"id": 7, "name": "ops"}
WEEK = last_full_week(date(2026, 12, 7))  # a Monday: the week before


def test_the_last_full_week_is_monday_to_sunday_before_this_one():
    assert (WEEK.start, WEEK.end, WEEK.label) == (date(2026, 11, 30), date(2026, 12, 6), "2026-W49")
    assert last_full_week(date(2026, 12, 6)).start == date(2026, 11, 23)  # a Sunday
    assert last_full_week(date(2027, 1, 6)).label == "2026-W53"


def _load(people: int, overloaded: int, not_rated: int = 0) -> dict:
    return {"people": people, "overloaded": overloaded, "not_rated": not_rated}


def test_overload_alerts_above_a_fifth_of_the_rated_people_only():
    assert overload_alert(Settings(), TEAM, WEEK, _load(5, 1)) == []  # 20%: not above
    (alert,) = overload_alert(Settings(), TEAM, WEEK, _load(5, 2))  # 40%
    assert (alert.kind, alert.figure, alert.threshold, alert.period) == (
        "overloaded",
        0.4,
        0.2,
        "2026-W49",
    )
    assert alert.link == "https://b.example/workload?team=ops&from=2026-11-30&to=2026-12-06"
    assert alert.key == "alert|overloaded|ops||2026-W49"
    # 1 of 4 rated (a fifth person not rated) = 25%: an alert.
    assert overload_alert(Settings(), TEAM, WEEK, _load(5, 1, not_rated=1))
    assert overload_alert(Settings(), TEAM, WEEK, {"suppressed": True}) == []


def _row(band, **kw) -> dict:
    return {
        "function": "payroll",
        "name": "Payroll processing",
        "output_unit": "pay cycles completed",
        "band": band,
        "hours_per_unit": kw.get("hpu"),
        "benchmark": {"slow_above": 12.0},
        "error_rate": kw.get("err"),
        "quality_limit": 0.02,
    }


def test_slow_and_below_quality_alert_and_the_other_bands_do_not():
    rows = [_row(b, hpu=5.0) for b in ("efficient", "reasonable", "watch", None)]
    assert function_alerts(Settings(), TEAM, WEEK, {"functions": rows}) == []
    slow, poor = function_alerts(
        Settings(),
        TEAM,
        WEEK,
        {"functions": [_row("slow", hpu=14.0), _row("below_quality", err=0.03)]},
    )
    assert (slow.kind, slow.figure, slow.threshold, slow.function) == (
        "slow",
        14.0,
        12.0,
        "payroll",
    )
    assert (poor.kind, poor.figure, poor.threshold) == ("below_quality", 0.03, 0.02)
    assert "an error rate of 3.0% against a limit of 2.0%" in poor.summary
    assert poor.webhook_body() == {
        "kind": "below_quality",
        "team": "ops",
        "function": "payroll",
        "figure": 0.03,
        "threshold": 0.02,
        "period": "2026-W49",
        "link": "https://b.example/functions?team=ops&from=2026-11-30&to=2026-12-06",
    }
    assert function_alerts(Settings(), TEAM, WEEK, {"suppressed": True}) == []


def test_a_backlog_projected_past_due_raises_one_alert_per_work_type(store):
    """Ten open claims, due one business day after they came in, and nothing
    completed in the window: at a rate of 0 a day they are late within the
    horizon. A team with no items raises nothing (both backends)."""
    import time

    from collector.service.alert_conditions import projected_breach_alerts

    store.set_settings({"alerts.dashboard_url": "https://b.example/"})
    ops, quiet = store.add_team("ops"), store.add_team("quiet")
    store.replace_work_types(
        [{"key": "claims", "name": "Claims", "function": "claims", "sla_business_days": 1}]
    )
    came_in = time.time() - 3600
    store.upsert_work_items(
        [
            {
                "type": "claims",
                "ref": f"{i:064x}",
                "team_id": ops,
                "person_id": None,
                "client_key": None,
                "received_at": came_in,
                "completed_at": None,
                "quality_passed": None,
            }
            for i in range(10)
        ],
        "api",
    )
    (alert,) = projected_breach_alerts(store, {"id": ops, "name": "ops"}, WEEK)
    assert (alert.kind, alert.work_type, alert.figure, alert.threshold) == (
        "projected_breach",
        "claims",
        10.0,
        0.0,
    )
    assert alert.key == "alert|projected_breach|ops|claims|2026-W49"
    assert alert.link == "https://b.example/backlog?team=ops&type=claims"
    assert "10 item(s) projected past due" in alert.summary
    assert projected_breach_alerts(store, {"id": quiet, "name": "quiet"}, WEEK) == []
