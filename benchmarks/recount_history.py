"""The recount of history after new interruption thresholds, beside baselines
in the same run, on one SQLite file:

1. settling the same person-days after ingest (what every upload already
   costs: the baseline the recount is measured against), then the recount of
   all of them (collector/jobs.py recount_history) with new thresholds;
2. the latency of a small ingest batch while idle and while the recount runs
   (it works in chunks so that ingest is not held up behind it).

Run: .venv/bin/python benchmarks/recount_history.py [--people N] [--days N] [--segments N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collector import jobs  # noqa: E402
from collector.jobs import open_counting_store  # noqa: E402
from shared.payload import SummaryBatch  # noqa: E402

TZ = timezone(timedelta(hours=1))
CATS = ["payroll", "communication", "payroll", "meetings", "reporting", "scheduling"]


def day_batch(day: datetime, n: int, rng: random.Random) -> SummaryBatch:
    segments, t = [], day.replace(hour=8)
    for _ in range(n):
        end = t + timedelta(minutes=rng.uniform(1, 9))
        segments.append(
            {
                "start": t.isoformat(),
                "end": end.isoformat(),
                "category": rng.choice(CATS),
                "client": None,
                "app": "excel",
                "state": "active",
                "keys": 10,
                "clicks": 2,
            }
        )
        t = end
    body = {
        "batch_id": uuid.uuid4().hex,
        "sent_at": datetime.now(UTC).isoformat(),
        "rules_version": 0,
        "timezone": "Europe/Berlin",
        "segments": segments,
    }
    return SummaryBatch.model_validate_json(json.dumps(body))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=20)
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--segments", type=int, default=60)
    args = ap.parse_args()
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        store = open_counting_store(url)
        team = store.add_team("ops")
        devices = []
        for i in range(args.people + 1):
            token = store.create_enrollment_token(team, 1, None)
            device_id, device_token = store.enroll(token, f"pc{i}", "linux", "b", f"p{i}")
            store.record_consent(device_id, "granted", 1, datetime.now(UTC).isoformat())
            devices.append(store.device_by_token(device_token))
        today = datetime.now(TZ).replace(minute=0, second=0, microsecond=0)
        t0 = time.perf_counter()
        for device in devices[:-1]:
            for d in range(1, args.days + 1):
                store.ingest(device, day_batch(today - timedelta(days=d), args.segments, rng))
        ingest_s = time.perf_counter() - t0
        person_days = args.people * args.days

        t0 = time.perf_counter()
        settled = store.settle_interruptions()
        settle_s = time.perf_counter() - t0

        store.set_settings({"interruptions.min_focus_s": "240", "interruptions.max_away_s": "600"})
        queued = store.recount_status()["total"]

        idle = []
        writer = devices[-1]
        for i in range(20):
            t0 = time.perf_counter()
            store.ingest(writer, day_batch(today - timedelta(days=200 + i), 10, rng))
            idle.append(time.perf_counter() - t0)

        busy: list[float] = []
        done = threading.Event()

        def write_while_recounting() -> None:
            other = open_counting_store(url, migrate=False)
            i = 0
            while not done.is_set():
                t0 = time.perf_counter()
                other.ingest(writer, day_batch(today - timedelta(days=300 + i), 10, rng))
                busy.append(time.perf_counter() - t0)
                i += 1
                time.sleep(0.02)
            other.close()

        thread = threading.Thread(target=write_while_recounting)
        recounter = open_counting_store(url, migrate=False)
        thread.start()
        t0 = time.perf_counter()
        recounted = jobs.recount_history(recounter)
        recount_s = time.perf_counter() - t0
        done.set()
        thread.join()
        recounter.close()

        segments = person_days * args.segments
        print(f"{person_days:,} person-days, {segments:,} segments (ingest {ingest_s:.1f} s)")
        print(
            f"baseline: settle after ingest  {settled:>7,} person-days  {settle_s:7.2f} s  "
            f"{1000 * settle_s / max(settled, 1):6.2f} ms each"
        )
        print(
            f"recount of history             {recounted:>7,} person-days  {recount_s:7.2f} s  "
            f"{1000 * recount_s / max(recounted, 1):6.2f} ms each (queued {queued:,}; "
            f"x{recount_s / max(settle_s, 1e-9):.2f} the baseline, sleeps between chunks included)"
        )

        def ms(values: list[float], q: float) -> float:
            return 1000 * statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 2 else 0

        print(
            f"10-segment ingest while idle:        p50 {ms(idle, 50):6.1f} ms  "
            f"p99 {ms(idle, 99):6.1f} ms  ({len(idle)} batches)"
        )
        print(
            f"10-segment ingest during the recount: p50 {ms(busy, 50):6.1f} ms  "
            f"p99 {ms(busy, 99):6.1f} ms  ({len(busy)} batches)"
        )
        store.close()


if __name__ == "__main__":
    main()
