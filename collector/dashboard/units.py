"""Output units: record the work completed per function, by form or CSV upload.

Both paths use `collector.service.output_units`, as the API and the CLI do: every row
is checked and resolved first, and if any row is bad nothing is stored and
each bad row is listed by its row number in the file (the header is row 1).
The page also shows what was recorded in the filtered period, as a chart,
its table and the same rows as CSV.
"""

from __future__ import annotations

import re
from collections import defaultdict

from flask import flash, g, redirect, render_template, request, url_for
from pydantic import ValidationError

from collector.api.errors import from_validation
from collector.api.models import OutputUnit
from collector.dashboard import bp, charts
from collector.dashboard.filters import Filters, range_filters, team_options
from collector.dashboard.formatting import short_day
from collector.dashboard.pages import Chart, Figure, Page
from collector.dashboard.tables import Column, Table
from collector.db import get_store
from collector.metrics.plausibility import implausible_weeks
from collector.service.errors import Forbidden
from collector.service.output_units import (
    COUNT_FIELDS,
    CSV_COLUMNS,
    UnitsRejected,
    check_csv,
    csv_rows,
    parse_count,
    resolve_units,
)
from collector.store import Principal, Store
from collector.web.downloads import csv_download, csv_file_name, export_scope, period
from collector.web.sessions import signed_in
from shared.catalogue import functions

INTRO = (
    "Output units are the work each function completes: schedules published, pay cycles, "
    "evaluations, invoices. Hours per unit need them; record them here or upload a CSV."
)
MAX_UPLOAD = 1024 * 1024
SHOWN_ROWS = 60
FORM_FIELDS = ("date", "function", "units", "corrections", "team", "employee", "client")
_ROW = re.compile(r"^rows\.(\d+)(?:\.(.+))?$")
_NO_CLIENT = re.compile(r"^no client '([a-z0-9][a-z0-9_-]{0,63})'; create it first$")
_CLIENT_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    start, end = f.start.isoformat(), f.end.isoformat()
    page = Page("units", "Output units", INTRO, f, template="dashboard/units.html")
    summary = store.output_units_summary(f.team_ids, start, end)
    names = {fid: fn.name for fid, fn in functions().items()}
    if not summary["rows"]:
        page.empty = (
            f"No output units are recorded for {('team ' + f.team) if f.team else 'this scope'} "
            "in this period. Use the form or the CSV upload above; hours per unit appear on the "
            "Functions page once units are in."
        )
        return page
    size = store.settings()["operation.size"]
    page.extra["operation_size"] = size
    page.extra["warnings"] = implausible_weeks(
        store.weekly_units_by_team(f.team_ids, start, end), size
    )
    # The page lists the newest rows; the CSV download (units_csv) has every row.
    newest = store.recent_output_units(f.team_ids, start, end, SHOWN_ROWS)
    page.table = Table(
        "Output units recorded in the period (newest first)",
        [
            Column("date", "Date", "day"),
            Column("function_name", "Function"),
            Column("units", "Units", "number"),
            Column("corrections", "Corrections", "number"),
            Column("team", "Team"),
            Column("employee", "Employee"),
            Column("client", "Client"),
            Column("source", "Source"),
        ],
        [{**r, "function_name": names.get(r["function"], r["function"])} for r in newest],
        note=(
            f"Showing the newest {SHOWN_ROWS} of {summary['rows']:,} rows; the CSV has them all."
            if summary["rows"] > SHOWN_ROWS
            else ""
        ),
    )
    page.headline = [
        Figure("Rows recorded", f"{summary['rows']:,}"),
        Figure("Functions with units", str(summary["functions"])),
        Figure("Latest entry", short_day(summary["latest"])),
    ]
    if not html:
        return page
    weekly: dict[str, dict[str, float]] = defaultdict(dict)
    for w in store.weekly_units_by_function(f.team_ids, start, end):
        weekly[w["week"]][w["function"]] = w["units"]
    weeks = sorted(weekly)
    order = charts.category_order(fid for w in weekly.values() for fid in w)
    labels = [short_day(w) for w in weeks]
    # Units of different functions are not one quantity: one panel per function.
    panels = [
        charts.TrendPanel(
            fid, names.get(fid, fid), "units", 1.0, [weekly[w].get(fid) for w in weeks]
        )
        for fid in order
    ]
    page.charts.append(
        Chart(
            "Units recorded per week",
            charts.small_multiples(
                labels,
                panels,
                title="Output units recorded per week, one panel per function",
                desc="Small line charts, one per function, of the units recorded each week. "
                "The table below lists the rows.",
            ),
            "Each function has its own scale: a pay cycle and an evaluation are not the same size.",
        )
    )
    return page


def _render(page: Page, status: int = 200, **context):
    f = page.filters
    context.setdefault("form", {})
    context.setdefault("form_errors", {})
    context.setdefault("upload_errors", [])
    return render_template(
        page.template,
        page=page,
        teams=team_options(g.principal),
        with_team=True,
        csv_url=url_for("dashboard.units_csv", **f.args()),
        functions=[(fid, fn.name) for fid, fn in functions().items()],
        columns=CSV_COLUMNS,
        **context,
    ), status


def _page() -> Page:
    f = range_filters(g.principal, request.args)
    return build(get_store(), g.principal, f, True)


@bp.get("/units")
@signed_in()
def units():
    return _render(_page())


@bp.get("/units.csv")
@signed_in()
def units_csv():
    f = range_filters(g.principal, request.args)
    body = csv_rows(get_store(), f.team_ids, f.start.isoformat(), f.end.isoformat())
    scope = export_scope(f.team, f.team_ids, team_options(g.principal))
    return csv_download(body, csv_file_name("units", scope, period(f.start, f.end)))


@bp.post("/units")
@signed_in()
def units_add():
    form = {k: request.form.get(k, "").strip() for k in FORM_FIELDS}
    data = {k: v for k, v in form.items() if v != ""}
    errors: dict[str, str] = {}
    if not g.principal.is_admin and not data.get("team"):
        errors["team"] = "Choose one of your teams."
    for key in COUNT_FIELDS:
        if key in data:
            try:
                data[key] = parse_count(data[key])
            except ValueError:
                errors[key] = "Enter a whole number, such as 12: units are counted, not measured."
    item = None
    if not errors:
        try:
            item = OutputUnit.model_validate(data, strict=False)
        except ValidationError as exc:
            for fe in from_validation(exc).fields:
                errors.setdefault(fe["field"].split(".")[0], _friendly(fe["message"]))
    store = get_store()
    if item is not None and not errors:
        try:
            rows = resolve_units(store, [item], g.principal, prefix="form")
        except UnitsRejected as exc:
            for fe in exc.fields:
                errors.setdefault(fe["field"].split(".")[-1], _friendly(fe["message"]))
        else:
            with store.write():
                store.add_output_units(rows, "dashboard", g.principal.label)
                store.audit(
                    g.principal.label,
                    "output_units.add",
                    "dashboard",
                    {"rows": 1},
                    request.remote_addr or "",
                )
            name = functions()[item.function].name
            flash(f"Recorded {item.units:,} units of {name} on {item.date.isoformat()}.", "success")
            return redirect(
                url_for("dashboard.units", **({"team": item.team} if item.team else {}))
            )
    missing = missing_clients([{"message": errors.get("client", "")}])
    return _render(_page(), 400, form=form, form_errors=errors, form_missing_clients=missing)


@bp.post("/units/upload")
@signed_in()
def units_upload():
    upload = request.files.get("file")
    raw = upload.read(MAX_UPLOAD + 1) if upload else b""
    if not upload or not upload.filename:
        return _upload_refused("", "Choose a CSV file to upload.")
    if len(raw) > MAX_UPLOAD:
        return _upload_refused(upload.filename, "The file is larger than 1 MB.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _upload_refused(upload.filename, "The file is not UTF-8 text; save as CSV UTF-8.")
    return _import(text, upload.filename)


def _upload_refused(name: str, message: str):
    problem = {"row": "", "column": "", "message": message}
    return _render(_page(), 400, upload_errors=[problem], upload_name=name)


def _import(text: str, name: str):
    """Check the whole file and store it, or show every problem; a client the
    file names that does not exist yet can be created from the error."""
    store = get_store()
    status = 400
    try:
        rows = check_csv(store, text, g.principal)  # rows named as in the file: header = 1
    except UnitsRejected as exc:
        problems = [_row_problem(fe["field"], fe["message"]) for fe in exc.fields]
        missing = missing_clients(exc.fields)
    except Forbidden as exc:
        field, _, message = exc.message.partition(": ")
        problems, missing = [_row_problem(field, f"{message}; nothing was stored")], []
        status = 403
    else:
        with store.write():
            n = store.add_output_units(rows, "csv", g.principal.label)
            store.audit(
                g.principal.label,
                "output_units.add",
                "csv",
                {"rows": n, "file": name[:100]},
                request.remote_addr or "",
            )
        flash(f"Imported {n} rows from {name}.", "success")
        return redirect(url_for("dashboard.units"))
    return _render(
        _page(),
        status,
        upload_errors=problems,
        upload_name=name,
        missing_clients=missing,
        upload_text=text if missing else "",
    )


def missing_clients(fields: list[dict]) -> list[str]:
    """The client keys the problems call unknown, in the order the file names them."""
    keys = [m.group(1) for fe in fields if (m := _NO_CLIENT.match(fe["message"]))]
    return list(dict.fromkeys(keys))


@bp.post("/units/clients")
@signed_in()
def units_create_clients():
    """Create the clients an upload (or the form) named and did not find, then
    import the same file (or record the same units) again."""
    keys = request.form.getlist("client_key")
    if "upload_text" not in request.form:  # from the form: its fields came along
        if keys:
            _create_clients(keys)
        return units_add()
    text = request.form.get("upload_text", "")
    name = request.form.get("upload_name", "")[:200] or "the file"
    if not text or not keys or len(text) > MAX_UPLOAD:
        return _upload_refused(name, "Nothing to import again: upload the file once more.")
    _create_clients(keys)
    return _import(text, name)


def _create_clients(keys: list[str]) -> None:
    """Each key not yet a client becomes one, named as the form says (or by its
    key), audited, in one transaction."""
    store = get_store()
    made = []
    with store.write():
        for i, key in enumerate(keys[:50]):
            label = (request.form.get(f"client_name_{i}", "") or key).strip()[:100]
            if not _CLIENT_KEY.match(key) or store.client_exists(key):
                continue
            if not label or any(ord(ch) < 32 for ch in label):
                label = key
            store.upsert_client(key, label)
            store.audit(
                g.principal.label,
                "client.create",
                key,
                {"name": label, "from": "units page"},
                request.remote_addr or "",
            )
            made.append(key)
    if made:
        flash(f"Created client{'s' if len(made) != 1 else ''} {', '.join(made)}.", "success")


def _row_problem(field: str, message: str) -> dict:
    m = _ROW.match(field)
    if m:
        row = int(m.group(1))
        return {"row": row, "column": m.group(2) or "", "message": _friendly(message)}
    return {"row": "", "column": field, "message": _friendly(message)}


def _friendly(message: str) -> str:
    if message.startswith("Input should be "):
        return "should be " + message.removeprefix("Input should be ")
    return message
