"""Clients (BPO): back-office hours, their cost, and the gross margin per client."""

from __future__ import annotations

from collector.auth import require_client_finance
from collector.dashboard import charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import hours, money, share
from collector.dashboard.pages import Chart, Figure, Page
from collector.dashboard.tables import Column, Table
from collector.service import reports
from collector.store import Principal, Store

INTRO = (
    "Back-office time attributed to each client account, its cost at the hourly rate, and "
    "the gross margin once agent cost and back-office cost are taken from revenue."
)
AGENT = "#7c8797"
BACK_OFFICE = "#b3541e"
MARGIN = "#2a7a3b"


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    require_client_finance(principal)  # 403 page (and no CSV) for other managers
    report = reports.clients_report(store, f.month)
    page = Page("clients", "Clients", INTRO, f, template="dashboard/clients.html")
    cur = report["currency"]
    clients = report["clients"]
    if not clients:
        page.empty = (
            "No clients are set up, and no tracked time names a client. An admin adds clients "
            "(key and name) and their monthly revenue and agent cost through the API "
            "(POST /api/v1/clients, PUT /api/v1/clients/{key}/financials); rules or the "
            "employee's current-client choice in the tray attribute time to them."
        )
        return page
    rows = []
    for c in clients:
        if c.get("suppressed"):
            rows.append({"name": c["name"], "suppressed": c["reason"]})
        else:
            rows.append(
                {
                    **c,
                    "_none": "no financials entered" if c["gross_margin"] is None else None,
                }
            )
    page.table = Table(
        f"Back-office cost and margin per client, {f.month}",
        [
            Column("name", "Client"),
            Column("revenue", "Revenue", "money"),
            Column("agent_cost", "Agent cost", "money"),
            Column("back_office_hours", "Back-office hours", "hours"),
            Column("back_office_cost", "Back-office cost", "money"),
            Column("gross_margin", "Gross margin", "money"),
            Column("margin_share", "Margin", "share"),
        ],
        rows,
        currency=cur,
        note=f"Back-office cost = hours x {money(report['hourly_rate'], cur)} an hour. Gross "
        "margin = revenue − agent cost − back-office cost. Client figures are "
        "organisation-wide, the same for every team.",
    )
    shown = [c for c in clients if not c.get("suppressed")]
    total_hours = sum(c["back_office_hours"] for c in shown)
    total_cost = sum(c["back_office_cost"] for c in shown)
    margins = [c for c in shown if c["margin_share"] is not None]
    lowest = min(margins, key=lambda c: c["margin_share"]) if margins else None
    page.headline = [
        Figure("Clients", str(len(clients))),
        Figure("Back-office hours", hours(total_hours), "attributed to clients"),
        Figure("Back-office cost", money(total_cost, cur)),
        Figure(
            "Thinnest margin",
            share(lowest["margin_share"]) if lowest else "—",
            lowest["name"] if lowest else "no financials entered",
        ),
    ]
    if not html:
        return page
    bars = []
    for c in clients:
        if c.get("suppressed"):
            bars.append(charts.StackedRow(c["name"], [], suppressed=c["reason"]))
            continue
        margin = c["gross_margin"]
        segments = [
            ("agent cost", c["agent_cost"] or 0.0, AGENT),
            ("back-office cost", c["back_office_cost"], BACK_OFFICE),
            ("gross margin", max(margin or 0.0, 0.0), MARGIN),
        ]
        text = (
            f"{money(margin, cur)} ({share(c['margin_share'])})"
            if margin is not None
            else "no financials"
        )
        bars.append(charts.StackedRow(c["name"], segments, c["revenue"], text))
    page.charts.append(
        Chart(
            "Where each client's revenue goes",
            charts.stacked_rows(
                bars,
                title=f"Revenue split per client, {f.month}",
                desc="One bar per client: agent cost, back-office cost and gross margin, adding "
                "up to revenue (the black tick). The table below gives the figures.",
                marker_label="revenue",
                unit=cur,
            ),
            "Same revenue can hide different margins: a client that needs more back-office "
            "time earns less.",
        )
    )
    page.charts.append(
        Chart(
            "Back-office hours per client",
            charts.stacked_rows(
                [
                    charts.StackedRow(
                        c["name"],
                        [("back-office hours", c["back_office_hours"], BACK_OFFICE)],
                        value_text=hours(c["back_office_hours"]),
                    )
                    if not c.get("suppressed")
                    else charts.StackedRow(c["name"], [], suppressed=c["reason"])
                    for c in clients
                ],
                title=f"Back-office hours per client, {f.month}",
                desc="One bar per client giving the back-office hours attributed to it.",
                unit="h",
            ),
        )
    )
    return page
