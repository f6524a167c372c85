"""How long one person's erasure takes at 1,000 people x 1 year.

Builds the database benchmarks/ingest.py's `fill_rollups` builds (daily
rollups, interruption days, team output units), then erases one person the
way `backlight-collector person erase --yes` does (collector/person_rights.py,
timed in its two steps):
the transaction, the recount of the team levels, and the wipe (VACUUM and
WAL truncation) that leaves no byte of them in the files.

Run: .venv/bin/python benchmarks/erasure.py [--people 1000] [--days 365] [--db FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ingest import fill_rollups  # noqa: E402
from collector.store import open_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--db", type=Path, help="reuse (or keep) the generated database here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "erasure-bench.db"
        if not db.exists():
            t0 = time.perf_counter()
            fill_rollups(db, people=args.people, days=args.days)
            print(
                f"(generated {args.people} people x {args.days} days in "
                f"{time.perf_counter() - t0:.0f} s, {db.stat().st_size / 1e6:.0f} MB)"
            )
        store = open_store(db)
        (person,) = store.people_named("person-7")
        t0 = time.perf_counter()
        removed = store.person_erase(int(person["id"]), "bench")
        t1 = time.perf_counter()
        store.wipe_free_space()
        t2 = time.perf_counter()
        store.close()
        print(
            f"erasure of one person at {args.people:,} people x {args.days} days: "
            f"transaction {t1 - t0:.2f} s, wipe (VACUUM + WAL truncate) {t2 - t1:.2f} s, "
            f"total {t2 - t0:.2f} s; rows removed {sum(removed.values()):,} "
            f"({', '.join(f'{k} {v}' for k, v in removed.items() if v)})"
        )


if __name__ == "__main__":
    main()
