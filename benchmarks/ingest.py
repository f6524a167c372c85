"""Ingest and report speed, each beside a baseline in the same run.

1. Batches of 500 segments through the real HTTP server, against raw sqlite3
   `executemany` of the same rows into the same table with the same pragmas.
2. p50/p99 latency of 10-segment batches at concurrency 16.
3. Each report over a generated 1,000 people x 1 year of rollups.

Run: .venv/bin/python benchmarks/ingest.py [--batches N] [--rounds N] [--people N]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collector.jobs import open_counting_store  # noqa: E402
from collector.store import open_store  # noqa: E402
from collector.store.sqlite.rollups import rebuild  # noqa: E402
from shared.catalogue import CATEGORY_IDS, FUNCTION_IDS  # noqa: E402
from tests.fixtures.collector_server import CollectorServer, free_port  # noqa: E402

TZ = timezone(timedelta(hours=1))
CATS = ["payroll", "communication", "scheduling", "reporting", "meetings", "qa_evaluation"]


def segments(start: datetime, n: int, rng: random.Random) -> list[dict]:
    out, t = [], start
    for _ in range(n):
        minutes = rng.uniform(0.2, 1.5)
        end = t + timedelta(minutes=minutes)
        out.append(
            {
                "start": t.isoformat(),
                "end": end.isoformat(),
                "category": rng.choice(CATS),
                "client": rng.choice([None, None, "client-a"]),
                "app": "excel",
                "state": "active",
                "keys": rng.randint(0, 200),
                "clicks": rng.randint(0, 40),
            }
        )
        t = end
    return out


def body(segs: list[dict]) -> bytes:
    return json.dumps(
        {
            "batch_id": uuid.uuid4().hex,
            "sent_at": datetime.now(TZ).isoformat(),
            "rules_version": 0,
            "timezone": "Europe/Berlin",
            "segments": segs,
        }
    ).encode()


def setup_server(
    tmp: Path, devices: int, db: str | None = None
) -> tuple[CollectorServer, list[str]]:
    """A served collector with `devices` enrolled and consenting; `db` a URL
    (benchmarks/backends.py), else a SQLite file in `tmp`."""
    server = CollectorServer(db or tmp / "bench.db", tmp / "bench.log")
    store = open_store(server.db)
    team = store.add_team("bench")
    tokens = []
    for i in range(devices):
        token = store.create_enrollment_token(team, 1, None)
        device_id, device_token = store.enroll(token, f"pc{i}", "linux", "bench", f"user{i}")
        store.record_consent(device_id, "granted", 1, datetime.now(TZ).isoformat())
        tokens.append(device_token)
    server.admin_key = store.create_api_key("admin", [], "bench")
    store.close()
    server.start()
    return server, tokens


def _post(session: requests.Session, url: str, tok: str, data: bytes) -> None:
    r = session.post(
        f"{url}/api/v1/summaries",
        data=data,
        timeout=60,
        headers={"Authorization": f"Bearer {tok}", "Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text


def _raw_rows(segs: list[dict]) -> list[tuple]:
    return [
        (
            "dev",
            1,
            datetime.fromisoformat(s["start"]).timestamp(),
            datetime.fromisoformat(s["end"]).timestamp(),
            60,
            s["start"][:10],
            s["category"],
            s["client"],
            s["app"],
            s["state"],
            s["keys"],
            s["clicks"],
        )
        for s in segs
    ]


#: A bare Flask app on waitress that only reads the body: what HTTP alone
#: costs, so the figures below can be read against it.
BARE_APP = """
import sys
from flask import Flask, request
from waitress import serve
app = Flask("bare")
@app.post("/api/v1/summaries")
def read_only():
    request.get_data()
    return {}
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8)
"""


@contextmanager
def bare_server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE_APP, str(port)], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(url, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def bench_throughput(
    server: CollectorServer, tokens: list[str], batches: int, rounds: int, tmp: Path
) -> None:
    """Rounds alternate HTTP and raw, so both see the same disk and load; the
    medians are compared. fsync time on a shared disk varies by 2x between
    seconds, which a single pair of runs would report as a change of ratio."""
    rng = random.Random(1)
    days = batches * rounds * 2
    start = datetime.now(TZ).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=days + 2
    )
    plans = [
        (tokens[i % len(tokens)], segments(start + timedelta(days=i), 500, rng))
        for i in range(days)
    ]
    bodies = [(tok, body(segs)) for tok, segs in plans]
    raw = [_raw_rows(segs) for _tok, segs in plans[: batches * rounds]]

    raw_db = tmp / "raw.db"
    open_store(raw_db).close()
    conn = sqlite3.connect(raw_db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    insert = """INSERT INTO segments (device_id, person_id, start, end, utc_offset_min, day,
                category, client, app, state, keys, clicks) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"""

    session = requests.Session()
    http_rates, raw_rates, parallel_rates, bare_rates = [], [], [], []
    n = batches * 500
    with bare_server() as bare_url:
        for r in range(rounds):
            t0 = time.perf_counter()
            for tok, data in bodies[r * batches : (r + 1) * batches]:
                _post(session, bare_url, tok, data)
            bare_rates.append(n / (time.perf_counter() - t0))
    for r in range(rounds):
        part = bodies[r * batches : (r + 1) * batches]
        t0 = time.perf_counter()
        for tok, data in part:
            _post(session, server.url, tok, data)
        http_rates.append(n / (time.perf_counter() - t0))

        t0 = time.perf_counter()
        for batch_rows in raw[r * batches : (r + 1) * batches]:
            with conn:  # one transaction per batch, as the server does
                conn.executemany(insert, batch_rows)
        raw_rates.append(n / (time.perf_counter() - t0))

        # Several agents at once: the server overlaps one batch's disk wait
        # with the next one's parsing.
        part = bodies[(rounds + r) * batches : (rounds + r + 1) * batches]
        sessions = [requests.Session() for _ in range(4)]
        jobs = [(sessions[i % 4], server.url, *item) for i, item in enumerate(part)]
        with ThreadPoolExecutor(4) as pool:
            t0 = time.perf_counter()
            list(pool.map(lambda job: _post(*job), jobs))
            parallel_rates.append(n / (time.perf_counter() - t0))
    conn.close()

    # Interruption counts are recounted after ingest; time that work too.
    store = open_counting_store(server.db)
    t0 = time.perf_counter()
    settled = store.settle_interruptions()
    settle_s = time.perf_counter() - t0
    store.close()

    http_rate = statistics.median(http_rates)
    raw_rate = statistics.median(raw_rates)
    parallel_rate = statistics.median(parallel_rates)
    bare_rate = statistics.median(bare_rates)
    print(f"ingest, {rounds} rounds of {batches} batches x 500 segments (median of rounds)")
    print(f"  raw sqlite3 executemany (baseline):      {raw_rate:10,.0f} segments/s")
    print(
        f"  HTTP alone (bare Flask, reads the body): {bare_rate:10,.0f} segments/s"
        f"   ratio {bare_rate / raw_rate:.0%}"
    )
    print(
        f"  through HTTP, one agent at a time:       {http_rate:10,.0f} segments/s"
        f"   ratio {http_rate / raw_rate:.0%}  (target >= 50%)"
    )
    print(
        f"  through HTTP, four agents at once:       {parallel_rate:10,.0f} segments/s"
        f"   ratio {parallel_rate / raw_rate:.0%}"
    )
    print(
        f"  interruption recount left after ingest:  {settled} person-days in "
        f"{settle_s * 1000:.0f} ms (the server's background thread may have done some)"
    )


def bench_latency(server: CollectorServer, tokens: list[str], requests_n: int = 800) -> None:
    rng = random.Random(2)
    base = datetime.now(TZ) - timedelta(days=1)
    # Each device posts its own ordered stream, so no two posts overlap in time.
    work = []
    for i in range(requests_n):
        tok = tokens[i % len(tokens)]
        k = i // len(tokens)
        work.append(
            (
                tok,
                body(segments(base - timedelta(hours=k * 0.5 + 0.01 * (i % len(tokens))), 10, rng)),
            )
        )
    sessions: dict[int, requests.Session] = {}

    def post(item):
        import threading

        s = sessions.setdefault(threading.get_ident(), requests.Session())
        t0 = time.perf_counter()
        r = s.post(
            f"{server.url}/api/v1/summaries",
            data=item[1],
            timeout=60,
            headers={"Authorization": f"Bearer {item[0]}", "Content-Type": "application/json"},
        )
        assert r.status_code == 200, r.text
        return time.perf_counter() - t0

    with ThreadPoolExecutor(16) as pool:
        t0 = time.perf_counter()
        times = sorted(pool.map(post, work))
        wall = time.perf_counter() - t0
    p50 = times[len(times) // 2] * 1000
    p99 = times[int(len(times) * 0.99)] * 1000
    print(f"latency, {requests_n} batches of 10 segments at concurrency 16")
    print(f"  p50 {p50:.1f} ms   p99 {p99:.1f} ms   throughput {requests_n / wall:,.0f} batches/s")


def fill_rollups(db: Path, people: int = 1000, days: int = 365) -> None:
    """1,000 people x 1 year of rollups, interruption days and output units."""
    store = open_store(db)
    teams = [store.add_team(f"team-{i:02d}") for i in range(20)]
    store.close()
    conn = sqlite3.connect(db)
    rng = random.Random(3)
    today = date.today()
    conn.executemany(
        "INSERT INTO people (id, team_id, name, created_at) VALUES (?, ?, ?, '')",
        [(10_000 + p, teams[p % 20], f"person-{p}") for p in range(people)],
    )
    rows, intr, units = [], [], []
    for d in range(days):
        day = (today - timedelta(days=d)).isoformat()
        for p in range(people):
            pid, team = 10_000 + p, teams[p % 20]
            for cat in rng.sample(CATEGORY_IDS, 6):
                client = rng.choice(["", "", "client-a", "client-b"]) if cat in FUNCTION_IDS else ""
                rows.append((pid, team, day, cat, client, rng.uniform(600, 7200), 60.0, 100, 10))
            intr.append(
                (pid, team, day, rng.randint(0, 10), rng.uniform(0, 3000), rng.randint(0, 8))
            )
        for team in teams:
            for f in FUNCTION_IDS:
                units.append(
                    (day, f, team, rng.uniform(1, 20), rng.uniform(0, 1), "bench", "", "bench")
                )
        if len(rows) > 200_000:
            _flush(conn, rows, intr, units)
    _flush(conn, rows, intr, units)
    conn.execute("INSERT INTO clients VALUES ('client-a','Client A',''),('client-b','Client B','')")
    conn.commit()
    conn.close()
    store = open_store(db)
    with store.write() as c:  # the monthly and per-team levels, as ingest would keep them
        rebuild(c)
    store.close()


def _flush(conn, rows, intr, units) -> None:
    with conn:
        conn.executemany("INSERT OR IGNORE INTO rollups VALUES (?,?,?,?,?,?,?,?,?)", rows)
        conn.executemany(
            "INSERT INTO interruption_days (person_id, team_id, day, count, away_s,"
            " task_switches) VALUES (?,?,?,?,?,?)",
            intr,
        )
        conn.executemany(
            "INSERT INTO output_units (date, function, team_id, units, corrections, source,"
            " created_at, created_by) VALUES (?,?,?,?,?,?,?,?)",
            units,
        )
    rows.clear(), intr.clear(), units.clear()


def bench_reports(server: CollectorServer) -> None:
    today = date.today()
    year = {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}
    month = {"month": today.strftime("%Y-%m")}
    reports = [
        ("time-per-unit", year),
        ("interruptions", year),
        ("workload", year),
        ("overview", year),
        ("clients", month),
        ("monthly-review", month),
        ("time-per-unit (one team, 4 weeks)", {"team": "team-03"}),
        ("uncategorised", year),
    ]
    session = requests.Session()
    print("reports over 1,000 people x 1 year of rollups (median of 5, through HTTP)")
    for name, params in reports:
        path = name.split(" ")[0]
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            r = session.get(
                f"{server.url}/api/v1/reports/{path}",
                params=params,
                timeout=120,
                headers={"Authorization": f"Bearer {server.admin_key}"},
            )
            times.append(time.perf_counter() - t0)
            assert r.status_code == 200, r.text
        print(f"  {name:38s} {statistics.median(times) * 1000:8.1f} ms  (target < 200 ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=20, help="batches per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--people", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        server, tokens = setup_server(tmp_path, devices=32)
        try:
            bench_throughput(server, tokens, args.batches, args.rounds, tmp_path)
            bench_latency(server, tokens)
        finally:
            server.stop()
        big = CollectorServer(tmp_path / "big.db", tmp_path / "big.log")
        t0 = time.perf_counter()
        fill_rollups(big.db, people=args.people)
        print(
            f"(generated {args.people} people x 365 days of rollups "
            f"in {time.perf_counter() - t0:.0f} s)"
        )
        store = open_store(big.db)
        big.admin_key = store.create_api_key("admin", [], "bench")
        store.close()
        big.start()
        try:
            bench_reports(big)
        finally:
            big.stop()


if __name__ == "__main__":
    main()
