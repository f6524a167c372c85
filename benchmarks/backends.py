"""Ingest on each storage backend, side by side in one run (docs/storage.md).

Two real collectors, one on a SQLite file and one on a throwaway PostgreSQL
cluster (the same one the tests start), take the same batches from the same
enrolled devices: 500-segment batches from one agent and from four at once,
and one-segment posts. Rounds alternate between the backends so both see the
same disk and load; medians of the rounds are printed, with PostgreSQL's
figure as a ratio of SQLite's.

Run: .venv/bin/python benchmarks/backends.py [--batches N] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import pwd
import random
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import TZ, _post, body, segments, setup_server  # noqa: E402

from tests.fixtures.postgres import PostgresServer, _server_user, server_programs  # noqa: E402


def _cluster(durable: bool = False) -> tuple[PostgresServer, Path]:
    bindir = server_programs()
    if bindir is None:
        raise SystemExit("no PostgreSQL here: bash scripts/system-deps.sh installs it")
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="backlight-pg-bench-"))
    if user is not None:
        os.chown(root, pwd.getpwnam(user).pw_uid, -1)
    server = PostgresServer(bindir, root, user, durable=durable)
    server.start()
    server.admin("CREATE DATABASE bench")
    return server, root


def _rate(jobs: list, threads: int, per_job: int) -> float:
    sessions = [requests.Session() for _ in range(threads)]
    work = [(sessions[i % threads], *job) for i, job in enumerate(jobs)]
    t0 = time.perf_counter()
    if threads == 1:
        for job in work:
            _post(*job)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda job: _post(*job), work))
    return len(jobs) * per_job / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=10, help="500-segment batches per round")
    parser.add_argument("--singles", type=int, default=200, help="one-segment posts per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pg, pg_root = _cluster()
    tmp = Path(tempfile.mkdtemp(prefix="backlight-bench-"))
    servers = {}
    try:
        (tmp / "sqlite").mkdir()
        (tmp / "pg").mkdir()
        servers["sqlite"] = setup_server(tmp / "sqlite", devices=8)
        servers["postgresql"] = setup_server(tmp / "pg", devices=8, db=pg.url("bench"))
        rng = random.Random(7)
        start = datetime.now(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
        rates: dict[tuple[str, str], list[float]] = {}
        day = 0
        for _round in range(args.rounds):
            for name, (server, tokens) in servers.items():
                for label, threads, n, size in (
                    ("500-segment batches, one agent", 1, args.batches, 500),
                    ("500-segment batches, four agents", 4, args.batches, 500),
                    ("one-segment posts, four agents", 4, args.singles, 1),
                ):
                    jobs = []
                    for i in range(n):
                        day += 1
                        when = start - timedelta(days=day % 300 + 2, minutes=day // 300)
                        segs = segments(when, size, rng)
                        jobs.append((server.url, tokens[i % len(tokens)], body(segs)))
                    rates.setdefault((name, label), []).append(_rate(jobs, threads, size))
        print(f"ingest by backend, median of {args.rounds} alternating rounds (segments/s)")
        for label in dict.fromkeys(label for _name, label in rates):
            lite = statistics.median(rates[("sqlite", label)])
            post = statistics.median(rates[("postgresql", label)])
            print(
                f"  {label:34s} SQLite {lite:9,.0f}   PostgreSQL {post:9,.0f}"
                f"   ratio {post / lite:.2f}"
            )
    finally:
        for server, _tokens in servers.values():
            server.stop()
        pg.stop()
        shutil.rmtree(pg_root, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
