"""Reports for managers (their teams) and admins (everyone)."""

from __future__ import annotations

from datetime import date

from collector.api import models as m
from collector.api import quarterly_models as q
from collector.api import report_models as r
from collector.api import spike_models as sm
from collector.api.errors import field_error
from collector.auth import require_client_finance, team_scope
from collector.db import get_store
from collector.service import capacity, quarterly, reports, spikes

from . import bp
from .endpoint import operation

MAX_DAYS = 1100


def _range(query: m.DateRange, days: int = 28) -> tuple[str, str]:
    start, end = reports.default_range(query.from_, query.to, days)
    if start > end:
        raise field_error("from", "must not be after to")
    if (end - start).days > MAX_DAYS:
        raise field_error("from", f"a range may cover at most {MAX_DAYS} days")
    return start.isoformat(), end.isoformat()


def _month(value: str | None) -> str:
    return value or date.today().strftime("%Y-%m")


@operation(
    bp,
    "/reports/time-per-unit",
    "GET",
    summary="Hours per output unit per function",
    tag="reports",
    auth_as="manager",
    query=m.TeamRangeBy,
    responses={200: r.TimePerUnitReport},
)
def time_per_unit(principal, *, query: m.TeamRangeBy):
    team_ids, team = team_scope(principal, query.team)
    if query.by == "team":
        return reports.time_per_unit_by_team(get_store(), team_ids, team, *_range(query))
    return reports.time_per_unit_report(get_store(), team_ids, team, *_range(query))


@operation(
    bp,
    "/reports/interruptions",
    "GET",
    summary="Interruptions and what they cost",
    tag="reports",
    auth_as="manager",
    query=m.TeamRange,
    responses={200: r.InterruptionsReport},
)
def interruptions(principal, *, query: m.TeamRange):
    team_ids, team = team_scope(principal, query.team)
    return reports.interruptions_report(get_store(), team_ids, team, *_range(query))


@operation(
    bp,
    "/reports/clients",
    "GET",
    summary="Back-office cost and margin per client",
    tag="reports",
    auth_as="manager",
    query=m.MonthQuery,
    responses={200: r.Clients},
)
def clients(principal, *, query: m.MonthQuery):
    """Organisation-wide, for admins and managers with the client-finance permission
    (403 for other managers): a client's margin is not a team's figure."""
    require_client_finance(principal)
    return reports.clients_report(get_store(), _month(query.month))


@operation(
    bp,
    "/reports/monthly-review",
    "GET",
    summary="This month against last, per function",
    tag="reports",
    auth_as="manager",
    query=m.TeamMonth,
    responses={200: r.MonthlyReviewReport},
)
def monthly_review(principal, *, query: m.TeamMonth):
    team_ids, team = team_scope(principal, query.team)
    return reports.monthly_review_report(get_store(), team_ids, team, _month(query.month))


@operation(
    bp,
    "/reports/quarterly-review",
    "GET",
    summary="This quarter against last: hours per operation member, quality, the decision",
    tag="reports",
    auth_as="manager",
    query=m.TeamQuarter,
    responses={200: q.QuarterlyReviewReport},
)
def quarterly_review(principal, *, query: m.TeamQuarter):
    team_ids, team = team_scope(principal, query.team)
    name = query.quarter or quarterly.last_full_quarter()
    return quarterly.quarterly_review_report(get_store(), team_ids, team, name)


@operation(
    bp,
    "/reports/workload",
    "GET",
    summary="Hours per person against the team",
    tag="reports",
    auth_as="manager",
    query=m.TeamRange,
    responses={200: r.WorkloadReport},
)
def workload(principal, *, query: m.TeamRange):
    team_ids, team = team_scope(principal, query.team)
    return capacity.workload_report(get_store(), team_ids, team, *_range(query))


@operation(
    bp,
    "/reports/overview",
    "GET",
    summary="Hours by function per week",
    tag="reports",
    auth_as="manager",
    query=m.TeamRange,
    responses={200: r.OverviewReport},
)
def overview(principal, *, query: m.TeamRange):
    team_ids, team = team_scope(principal, query.team)
    return capacity.overview_report(get_store(), team_ids, team, *_range(query))


@operation(
    bp,
    "/reports/spikes",
    "GET",
    summary="Spike calendar: each day against its weekday baseline, recurring spikes named",
    tag="reports",
    auth_as="manager",
    query=sm.SpikeQuery,
    responses={200: sm.SpikeReport},
)
def spike_calendar(principal, *, query: sm.SpikeQuery):
    """Per work function, each day's hours against the median of the same weekday over
    the previous eight weeks; a spike is 1.5 times that and an hour above it. Recurring
    spikes (pay-run days, month end, hiring waves) are judged over the last six months."""
    team_ids, team = team_scope(principal, query.team)
    start, end = _range(query, days=spikes.DEFAULT_DAYS)
    return spikes.spike_report(get_store(), team_ids, team, start, end, query.function)


@operation(
    bp,
    "/reports/uncategorised",
    "GET",
    summary="Apps no rule matched (names only)",
    tag="reports",
    auth_as="admin",
    query=m.DateRange,
    responses={200: r.Uncategorised},
)
def uncategorised(_principal, *, query: m.DateRange):
    start, end = _range(query)
    return {"from": start, "to": end, "apps": get_store().uncategorised_apps(start, end)}
