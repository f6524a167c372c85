"""Weekly counts that cannot fit the operation are flagged, not refused."""

from collector.metrics.plausibility import implausible_weeks

WEEK = "2026-11-02"


def rows(*items):
    return [{"week": WEEK, "function": f, "team": t, "units": u} for f, t, u in items]


def test_more_timesheets_a_week_than_people_in_the_operation():
    (w,) = implausible_weeks(rows(("timesheet_review", "a", 30), ("timesheet_review", "b", 30)), 50)
    assert (w["function"], w["units"], w["bound"]) == ("timesheet_review", 60, 50)
    assert "one timesheet per person a week" in w["message"]
    assert implausible_weeks(rows(("timesheet_review", "a", 50)), 50) == []


def test_more_than_one_schedule_a_week_per_team():
    found = implausible_weeks(rows(("scheduling", "a", 1), ("scheduling", "b", 2)), 50)
    assert [(w["team"], w["units"]) for w in found] == [("b", 2)]


def test_more_pay_cycles_than_a_weekly_calendar_allows():
    (w,) = implausible_weeks(rows(("payroll", "a", 2)), 50)
    assert w["function"] == "payroll" and w["bound"] == 1
    assert implausible_weeks(rows(("payroll", "a", 1), ("qa_evaluation", "a", 900)), 50) == []
