"""Backlog report latency: GET /api/v1/reports/backlog and the /backlog page.

Two sizes: the demo (`backlight-collector demo`: 27 people, four work types,
three months of items) and 1,000 people x 1 year (benchmarks/ingest.py's
`fill_rollups`) with eight work types of a year of items, a hundred a
business day each (about 200,000 items), 5% of them still open. Server time
through Flask's test client, signed in as an admin (every team), default
filters (as of today), median of --runs after one warm-up call.

Run: .venv/bin/python benchmarks/backlog.py [--runs 5] [--db-dir DIR]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.dashboard import PASSWORD, sign_in  # noqa: E402
from benchmarks.ingest import fill_rollups  # noqa: E402
from collector.app import create_app  # noqa: E402
from collector.store import open_store  # noqa: E402
from shared.work_item_ref import hash_reference  # noqa: E402

FUNCTIONS = ["payroll", "leave_management", "scheduling", "invoicing", "onboarding"]
TYPES = 8
PER_DAY = 100
ROOT = Path(__file__).resolve().parents[1]


def add_work(db: Path, days: int = 365) -> int:
    """Eight work types and a year of items over the benchmark's 20 teams."""
    store = open_store(db)
    rng = random.Random(5)
    store.replace_work_types(
        [
            {
                "key": f"type-{k}",
                "name": f"Type {k}",
                "function": FUNCTIONS[k % len(FUNCTIONS)],
                "sla_business_days": 1 + k % 4 if k % 3 else None,
                "sla_hours": None if k % 3 else 24.0 * (1 + k % 2),
            }
            for k in range(TYPES)
        ]
    )
    salt, teams = store.work_item_salt(), [t["id"] for t in store.teams()]
    zone, now = ZoneInfo("UTC"), time.time()
    total = 0
    for k in range(TYPES):
        rows = []
        for d in range(days, -1, -1):
            day = date.today() - timedelta(days=d)
            if day.weekday() >= 5:
                continue
            start = datetime(day.year, day.month, day.day, 7, tzinfo=zone).timestamp()
            for n in range(PER_DAY):
                received = start + rng.uniform(0, 11 * 3600)
                if received > now:
                    continue
                done = received + rng.expovariate(1 / (30 * 3600))
                rows.append(
                    {
                        "type": f"type-{k}",
                        "ref": hash_reference(salt, f"{k}-{d}-{n}"),
                        "team_id": rng.choice(teams),
                        "person_id": None,
                        "client_key": None,
                        "received_at": received,
                        "completed_at": None if rng.random() < 0.05 or done > now else done,
                        "quality_passed": rng.random() > 0.05,
                    }
                )
        for i in range(0, len(rows), 5000):
            store.upsert_work_items(rows[i : i + 5000], "bench")
        total += len(rows)
    store.close()
    return total


def measure(db: Path, runs: int, label: str) -> None:
    store = open_store(db)
    if store.user_row("bench-admin") is None:
        store.add_user("bench-admin", "admin", PASSWORD, [])
    items = store.row_count("work_items")
    store.close()
    client = create_app({"DATABASE": str(db)}).test_client()
    sign_in(client, "bench-admin")
    print(f"{label}: {items:,} work items")
    for path in ("/api/v1/reports/backlog", "/backlog", "/backlog.csv"):
        client.get(path)
        times, status = [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            r = client.get(path)
            times.append(time.perf_counter() - t0)
            status = r.status_code
        print(f"  {path:28s} {status:4d} {statistics.median(times) * 1000:9.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db-dir", type=Path, help="reuse (or keep) the databases here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.db_dir or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        demo = where / "demo.db"
        if not demo.exists():
            subprocess.run(
                [
                    str(Path(sys.executable).parent / "backlight-collector"),
                    "demo",
                    "--db",
                    str(demo),
                ],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
        measure(demo, args.runs, "demo (27 people, 3 months)")
        big = where / "rollups.db"
        if not big.exists():
            fill_rollups(big)
        store = open_store(big)
        has_work = store.row_count("work_items") > 0
        store.close()
        if not has_work:
            t0 = time.perf_counter()
            n = add_work(big)
            print(f"(added {n:,} work items in {time.perf_counter() - t0:.0f} s)")
        measure(big, args.runs, "1,000 people x 1 year")


if __name__ == "__main__":
    main()
