"""The backlog page's CSV upload of work items: the same check as the CLI's
`work-items import` and POST /work-items (collector/service/work_items.py):
the whole file first, every problem listed by row and column, nothing stored
unless every row is good; a later file completes items of an earlier one."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from collector.dashboard import bp
from collector.dashboard.filters import day_filters, team_options
from collector.dashboard.pages import backlog
from collector.dashboard.units import MAX_UPLOAD, _row_problem
from collector.db import get_store
from collector.service.errors import Forbidden
from collector.service.work_items import ItemsRejected, check_csv
from collector.web.sessions import signed_in


def _refused(status: int, name: str, problems: list[dict]):
    f = day_filters(g.principal, request.args)
    page = backlog.build(get_store(), g.principal, f, True)
    return render_template(
        page.template,
        page=page,
        teams=team_options(g.principal),
        with_team=True,
        csv_url=url_for("dashboard.backlog_csv", **f.args()),
        upload_errors=problems,
        upload_name=name,
    ), status


@bp.post("/backlog/upload")
@signed_in()
def backlog_upload():
    upload = request.files.get("file")
    raw = upload.read(MAX_UPLOAD + 1) if upload else b""
    name = (upload.filename or "") if upload else ""
    if not upload or not name:
        return _refused(400, "", [_row_problem("", "Choose a CSV file to upload.")])
    if len(raw) > MAX_UPLOAD:
        return _refused(400, name, [_row_problem("", "The file is larger than 1 MB.")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refused(400, name, [_row_problem("", "The file is not UTF-8; save as CSV UTF-8.")])
    store = get_store()
    try:
        rows = check_csv(store, text, g.principal)
    except ItemsRejected as exc:
        return _refused(400, name, [_row_problem(f["field"], f["message"]) for f in exc.fields])
    except Forbidden as exc:
        field, _, message = exc.message.partition(": ")
        return _refused(403, name, [_row_problem(field, f"{message}; nothing was stored")])
    with store.write():
        counts = store.upsert_work_items(rows, "csv")
        store.audit(
            g.principal.label,
            "work_items.upsert",
            "csv",
            {**counts, "file": name[:100]},
            request.remote_addr or "",
        )
    flash(f"Imported {name}: {counts['added']} new items, {counts['updated']} updated.", "success")
    return redirect(url_for("dashboard.backlog", **request.args))
