"""The report pages: one per report of docs/design.md §3, each a chart and its table.

Every page is built the same way: filters from the query string (checked
against the signed-in user's teams), the report body from
`collector.service.reports` (the figures the API returns), then charts and a table
from that body. `/<page>.csv` answers the same table as CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import g, redirect, render_template, request, url_for
from markupsafe import Markup

from collector.dashboard import bp
from collector.dashboard.filters import (
    Filters,
    day_filters,
    function_filter,
    month_filters,
    quarter_filters,
    range_filters,
    team_options,
)
from collector.dashboard.tables import Table, csv_response
from collector.db import get_store
from collector.metrics import suppression
from collector.store import Principal, Store
from collector.web.downloads import csv_file_name, export_scope, period
from collector.web.sessions import signed_in


@dataclass(frozen=True)
class Chart:
    heading: str
    svg: Markup
    note: str = ""


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    note: str = ""


@dataclass
class Page:
    key: str
    title: str
    intro: str
    filters: Filters
    table: Table | None = None
    charts: list[Chart] = field(default_factory=list)
    headline: list[Figure] = field(default_factory=list)
    headline_title: str = ""
    suppressed: str | None = None
    empty: str | None = None
    template: str = "dashboard/report.html"
    extra: dict[str, Any] = field(default_factory=dict)


Builder = Callable[[Store, Principal, Filters, bool], Page]


def no_data_message(principal: Principal, f: Filters, what: str = "tracked time") -> str:
    scope = f"team {f.team}" if f.team else ("any team" if principal.is_admin else "your teams")
    fix = (
        "Check Admin → Devices that agents are enrolled, have consent and upload, "
        "or widen the date range."
        if principal.is_admin
        else "Widen the date range, or ask an admin to check that the agents of your team "
        "are enrolled and have consent."
    )
    return f"No {what} for {scope} in this period. {fix}"


def suppressed_reason(report: dict) -> str | None:
    if report.get("suppressed"):
        return str(report.get("reason") or "too few people in this group")
    return None


def group_floor(store: Store) -> int:
    """The people a sub-group needs to be shown (1 when individual reports are on)."""
    s = store.settings()
    return 1 if s["privacy.individual_reports"] else int(s["privacy.min_group_size"])


def small_group(store: Store, people: int) -> str | None:
    """The reason a sub-group (a week, a day) is hidden, as the reports decide for a whole
    report: fewer than privacy.min_group_size people, unless individual reports are on."""
    s = store.settings()
    if s["privacy.individual_reports"] and people > 0:
        return None
    hidden = suppression(people, s["privacy.min_group_size"])
    return f"fewer than {s['privacy.min_group_size']} people" if hidden else None


def _route(
    key: str,
    build: Builder,
    kind: str,
    with_team: bool = True,
    path: str | None = None,
    with_function: bool = False,
    days: int | None = None,
) -> None:
    def filters() -> Filters:
        if kind == "month":
            return month_filters(g.principal, request.args, with_team=with_team)
        if kind == "quarter":
            return quarter_filters(g.principal, request.args)
        if kind == "day":
            return day_filters(g.principal, request.args)
        if days:
            return range_filters(g.principal, request.args, days=days)
        return range_filters(g.principal, request.args)

    def parse() -> Filters:
        f = filters()
        return function_filter(f, request.args) if with_function else f

    @signed_in()
    def html():
        page = build(get_store(), g.principal, parse(), True)
        return render_template(
            page.template,
            page=page,
            teams=team_options(g.principal),
            with_team=with_team,
            csv_url=url_for(f"dashboard.{key}_csv", **page.filters.args()),
        )

    @signed_in()
    def csv():
        page = build(get_store(), g.principal, parse(), False)
        table = page.table or Table(page.title, [])
        if page.suppressed:
            table = Table(table.caption, table.columns[:1], [{"suppressed": page.suppressed}])
        f = page.filters
        scope = export_scope(f.team, f.team_ids, team_options(g.principal))
        span = {"month": f.month, "quarter": f.quarter, "day": f.end.isoformat()}.get(
            f.kind
        ) or period(f.start, f.end)
        return csv_response(table, csv_file_name(key, scope, span))

    url = path or key
    bp.add_url_rule(f"/{url}", endpoint=key, view_func=html)
    bp.add_url_rule(f"/{url}.csv", endpoint=f"{key}_csv", view_func=csv)


@bp.get("/")
def home():
    return redirect(url_for("dashboard.overview"))


def _register() -> None:
    from collector.dashboard.pages import (  # noqa: F401 (before_after registers its own routes)
        backlog,
        before_after,
        client_functions,
        clients,
        functions,
        interruptions,
        overview,
        quarterly,
        review,
        spikes,
        teams,
        workload,
    )

    _route("overview", overview.build, "range")
    _route("functions", functions.build, "range")
    _route("teams", teams.build, "range", with_function=True)
    _route("interruptions", interruptions.build, "range")
    _route("clients", clients.build, "month", with_team=False)
    _route(
        "client_functions",
        client_functions.build,
        "month",
        with_team=False,
        path="clients/functions",
        with_function=True,
    )
    _route("review", review.build, "month")
    _route("quarterly", quarterly.build, "quarter")
    _route("workload", workload.build, "range")
    _route("spikes", spikes.build, "range", days=91)
    _route("backlog", backlog.build, "day")


_register()
