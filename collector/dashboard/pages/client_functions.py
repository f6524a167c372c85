"""Clients per function: one function's hours, units and hours per unit across
clients (seed 001: Client A's monthly report taking 12 hours, Client B's 3)."""

from __future__ import annotations

from collector.auth import require_client_finance
from collector.dashboard import charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import hours, per_unit
from collector.dashboard.pages import Chart, Figure, Page
from collector.dashboard.tables import Column, Table
from collector.service import reports
from collector.store import Principal, Store
from shared.catalogue import functions

INTRO = (
    "The same function, client by client: back-office hours, the output units recorded "
    "with the client and the hours each unit took. A client whose unit takes four times "
    "as long may be asking for more, or may be served by a slower process."
)
PAINT = "#b3541e"


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    require_client_finance(principal)
    report = reports.clients_report(store, f.month)
    page = Page("client_functions", "Clients per function", INTRO, f)
    catalogue = functions()
    rows = []
    for c in report["clients"]:
        if c.get("suppressed"):
            rows.append({"client_name": c["name"], "suppressed": c["reason"]})
            continue
        for r in c["functions"]:
            if f.function and r["function"] != f.function:
                continue
            label = {"client_name": c["name"], "function_name": r["name"]}
            if r.get("suppressed"):
                rows.append({**label, "suppressed": r["reason"]})
            else:
                rows.append({**label, **r, "_none": None})
    seen = {r["function"] for c in report["clients"] for r in c.get("functions", [])}
    page.extra["function_options"] = [(fid, fn.name) for fid, fn in catalogue.items()]
    if not rows:
        page.empty = (
            "No back-office time or output units name a client for "
            + (catalogue[f.function].name if f.function else "any function")
            + f" in {f.month}. Rules or the employee's current-client choice in the tray "
            "attribute time to a client; output units carry a client in their `client` column."
        )
        return page
    chosen = catalogue[f.function].name if f.function else "every function"
    page.table = Table(
        f"Hours per unit per client, {chosen}, {f.month}",
        [
            Column("client_name", "Client"),
            Column("function_name", "Function"),
            Column("hours", "Back-office hours", "hours"),
            Column("units", "Units", "count"),
            Column("output_unit", "Unit"),
            Column("hours_per_unit", "Hours per unit", "per_unit"),
        ],
        rows,
        note="Units count only output recorded with the client. No units: hours per unit is "
        "a dash (no output recorded), never zero. A function fewer than the minimum group "
        "of people worked on for a client is hidden.",
    )
    shown = [r for r in rows if not r.get("suppressed") and r.get("hours_per_unit") is not None]
    if f.function and shown:
        slowest = max(shown, key=lambda r: r["hours_per_unit"])
        fastest = min(shown, key=lambda r: r["hours_per_unit"])
        page.headline = [
            Figure("Clients", str(len({r["client_name"] for r in rows}))),
            Figure(
                "Slowest",
                per_unit(slowest["hours_per_unit"]),
                f"{slowest['client_name']}, per {slowest['output_unit']}",
            ),
            Figure(
                "Fastest",
                per_unit(fastest["hours_per_unit"]),
                f"{fastest['client_name']}, per {fastest['output_unit']}",
            ),
            Figure(
                "Spread",
                f"{slowest['hours_per_unit'] / fastest['hours_per_unit']:.1f}×"
                if fastest["hours_per_unit"]
                else "—",
                "slowest against fastest",
            ),
        ]
    elif not f.function:
        page.headline = [
            Figure("Functions with client time", str(len(seen))),
            Figure("Pick one", "Function ▸", "to compare it across clients"),
        ]
    if not html or not f.function:
        return page
    page.charts.append(
        Chart(
            f"{chosen}: hours per unit, client by client",
            charts.stacked_rows(
                [
                    charts.StackedRow(r["client_name"], [], suppressed=r["suppressed"])
                    if r.get("suppressed")
                    else charts.StackedRow(
                        r["client_name"],
                        [("hours per unit", r["hours_per_unit"] or 0.0, PAINT)],
                        value_text=per_unit(r["hours_per_unit"])
                        if r["hours_per_unit"] is not None
                        else f"{hours(r['hours'])}, no output recorded",
                    )
                    for r in rows
                ],
                title=f"Hours per unit of {chosen} per client, {f.month}",
                desc="One bar per client: the hours one unit of this function took for it. "
                "The table below gives hours and units.",
                unit="h",
            ),
            "The same unit taking much longer for one client is the seed's question: "
            "a more demanding client, or a less efficient process for it?",
        )
    )
    return page
