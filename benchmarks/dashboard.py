"""Dashboard page speed, each page beside its baseline in the same run.

Server time of every GET page of the `dashboard` and `admin` blueprints that
takes no URL parameters (so the admin pages are measured too), through
Flask's test client, signed in as an admin, with default filters, over a
generated 1,000 people x 1 year database (benchmarks/ingest.py's
`fill_rollups`). The baseline is the API report call that returns the same
figures, in the same run, on the same database.

Run: .venv/bin/python benchmarks/dashboard.py [--people 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ingest import fill_rollups  # noqa: E402
from collector.app import create_app  # noqa: E402
from collector.dashboard.filters import last_full_month  # noqa: E402
from collector.store import open_store  # noqa: E402

TARGET_MS = 300
PASSWORD = "benchmark-password"
BLUEPRINTS = ("dashboard", "admin")
#: The API report each page shows (same report body); month pages default to last month.
BASELINES = {
    "overview": "/api/v1/reports/overview",
    "functions": "/api/v1/reports/time-per-unit",
    "interruptions": "/api/v1/reports/interruptions",
    "clients": "/api/v1/reports/clients?month={month}",
    "review": "/api/v1/reports/monthly-review?month={month}",
    "workload": "/api/v1/reports/workload",
    "units": "/api/v1/output-units?from={units_from}&to={today}",
}


def pages(app) -> list[tuple[str, str]]:
    """(endpoint, path) of every parameter-less GET route of the two blueprints."""
    out = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".", 1)[0]
        if blueprint in BLUEPRINTS and "GET" in rule.methods and not rule.arguments:
            out.append((rule.endpoint, rule.rule))
    return sorted(out, key=lambda e: (e[0].split(".")[0], e[1]))


def timed(client, path: str, runs: int) -> tuple[float, int]:
    client.get(path)  # warm: templates compiled, pages of the database cached
    times, status = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - t0)
        status = r.status_code
        r.close()
    return statistics.median(times) * 1000, status


def sign_in(client, name: str) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302, r.status_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="reuse (or keep) the generated database here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "dashboard-bench.db"
        if not db.exists():
            t0 = time.perf_counter()
            fill_rollups(db, people=args.people, days=args.days)
            print(
                f"(generated {args.people} people x {args.days} days of rollups "
                f"in {time.perf_counter() - t0:.0f} s)"
            )
        store = open_store(db)
        if store.user_row("bench-admin") is None:
            store.add_user("bench-admin", "admin", PASSWORD, [])
        store.close()
        app = create_app({"DATABASE": str(db)})
        client = app.test_client()
        sign_in(client, "bench-admin")
        month = last_full_month()
        today = date.today()
        fill = {
            "month": month,
            "today": today.isoformat(),
            "units_from": (today - timedelta(days=27)).isoformat(),
        }
        print(
            f"dashboard pages over {args.people:,} people x {args.days} days "
            f"(median of {args.runs}, server time via the Flask test client, admin, "
            "default filters)"
        )
        print(f"  {'page':34s} {'status':>6s} {'page ms':>9s} {'API ms':>9s}  {'note'}")
        slow = []
        for endpoint, path in pages(app):
            ms, status = timed(client, path, args.runs)
            key = endpoint.split(".", 1)[1].removesuffix("_csv")
            api = BASELINES.get(key) if endpoint.startswith("dashboard.") else None
            api_ms = timed(client, api.format(**fill), args.runs)[0] if api else None
            note = "" if status == 200 else "(redirect)" if status in (301, 302) else "(!)"
            if ms > TARGET_MS:
                slow.append(path)
                note += f" over {TARGET_MS} ms"
            api_txt = f"{api_ms:9.1f}" if api_ms is not None else f"{'-':>9s}"
            print(f"  {path:34s} {status:6d} {ms:9.1f} {api_txt}  {note}")
        print(f"target: every page under {TARGET_MS} ms; " + (f"SLOW: {slow}" if slow else "met"))
        # Not the target's default filters, but what a manager may well ask for.
        year = f"from={(today - timedelta(days=364)).isoformat()}&to={today.isoformat()}"
        print(f"the same pages over one year (?{year})")
        for key in ("overview", "functions", "interruptions", "workload", "units"):
            ms, status = timed(client, f"/{key}?{year}", args.runs)
            api = BASELINES[key].split("?")[0]
            api_ms = timed(client, f"{api}?{year}", args.runs)[0]
            print(f"  {'/' + key:34s} {status:6d} {ms:9.1f} {api_ms:9.1f}")


if __name__ == "__main__":
    main()
