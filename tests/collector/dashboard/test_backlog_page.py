"""The Backlog & SLA page through Flask's test client on the demo database:
the page shows the report's own figures, hides the people figures below the
minimum group and says why, its CSV carries the same rows, a bad date falls
back with a message, and it says what to do when there are no work types."""

from __future__ import annotations

from datetime import date

from collector.service.backlog import backlog_report
from collector.store import open_store
from tests.collector.dashboard.test_pages import rows, sign_in


def test_page_and_csv_show_the_reports_figures(client, db):
    assert sign_in(client, "admin").status_code == 302
    html = client.get("/backlog").text
    assert "<script" not in html and " style=" not in html
    store = open_store(db)
    try:
        report = backlog_report(store, None, None, date.today())
    finally:
        store.close()
    got = {r["name"]: r for r in rows(client.get("/backlog.csv").text)}
    for t in report["types"]:
        assert int(got[t["name"]]["open"]) == t["open"]
        assert int(got[t["name"]]["breached"]) == t["breached"]
        assert float(got[t["name"]]["fte_required"]) == round(t["fte_required"], 2)
        assert f"{t['name']}: open items by age" in html
    assert "Some figures are hidden" not in html


def test_people_figures_hidden_below_the_group_with_the_reason(client, db):
    store = open_store(db)
    try:
        store.set_settings({"privacy.min_group_size": 100})  # the demo tracks 27 people
    finally:
        store.close()
    assert sign_in(client, "admin").status_code == 302
    html = client.get("/backlog").text
    assert "Some figures are hidden" in html and "FTE put in" in html
    body = rows(client.get("/backlog.csv").text)
    assert all(r["fte_required"] == "" and r["handle_hours"] == "" for r in body)
    assert any(int(r["open"]) > 0 for r in body)  # item figures stay


def test_a_bad_date_falls_back_and_no_types_says_what_to_do(client, db):
    assert sign_in(client, "admin").status_code == 302
    html = client.get("/backlog?date=2026-13-01").text
    assert "is not a date" in html
    html = client.get("/backlog?type=nope").text
    assert "no work type &#39;nope&#39;" in html or "no work type 'nope'" in html
    store = open_store(db)
    try:
        with store.write() as c:
            c.execute("DELETE FROM work_items")
        store.replace_work_types([])
    finally:
        store.close()
    html = client.get("/backlog").text
    assert "No work types yet" in html and "work-items import" in html
