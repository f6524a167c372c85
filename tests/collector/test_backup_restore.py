"""`backup` while a real collector ingests, `restore` into a new file, every report reproduced.

Three agents post batches from three threads; `backlight-collector backup`
runs in the middle of it. The copy is intact and holds whole batches only
(each batch's segments, no more, no fewer). Restored into a new file and
served, the restored collector gets every batch again (an agent that never
heard back would resend): those the backup held answer `duplicate`, the
others are stored, and then every report and each person's own summary
answers exactly as on the original. `restore` refuses a database a running
collector holds and leaves it as it was; `backup` refuses to overwrite.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from collector.store.sqlite.integrity import integrity_problems
from tests.collector.batches import batch, day_at, segment
from tests.fixtures.collector_server import CLI, CollectorServer, run_cli

pytestmark = pytest.mark.slow

PEOPLE = ("ana", "ben", "cara")
DAYS = (1, 2, 3, 4)
CATS = ("payroll", "communication", "scheduling", "invoicing", "reporting")
REPORTS = [
    "/reports/time-per-unit?from={start}&to={end}&team=ops",
    "/reports/interruptions?from={start}&to={end}&team=ops",
    "/reports/workload?from={start}&to={end}&team=ops",
    "/reports/overview?from={start}&to={end}&team=ops",
    "/reports/uncategorised?from={start}&to={end}",
    "/reports/clients?month={month}",
    "/reports/monthly-review?month={month}&team=ops",
]


def _batches(person: int) -> list[dict]:
    """A day of work in 12 batches of 20 segments for each day, per person."""
    out = []
    for days_ago in DAYS:
        t = day_at(days_ago, 7) + timedelta(minutes=person)
        for b in range(12):
            segs = []
            for i in range(20):
                minutes = 1 + (i * 7 + b + person) % 4
                cat = CATS[(i + b + person) % len(CATS)]
                segs.append(segment(t, minutes, cat, client="acme" if cat == "invoicing" else None))
                t += timedelta(minutes=minutes)
            out.append(batch(segs))
    return out


def _post_all(
    server: CollectorServer, tokens: list[str], plans: list[list[dict]]
) -> tuple[list[dict], list[threading.Thread]]:
    answers: list[dict] = []

    def agent(token: str, plan: list[dict]) -> None:
        for body in plan:
            r = server.api("POST", "/summaries", token, json=body)
            assert r.status_code == 200, r.text
            answers.append(r.json())
            time.sleep(0.08)  # an agent paced so the backup surely runs amid it

    threads = [
        threading.Thread(target=agent, args=pair) for pair in zip(tokens, plans, strict=True)
    ]
    for t in threads:
        t.start()
    return answers, threads


def _settled(server: CollectorServer) -> None:
    deadline = time.monotonic() + 30
    store = server.store()
    try:
        while store.one("SELECT COUNT(*) FROM interruption_backlog")[0]:
            assert time.monotonic() < deadline, "the settle thread did not catch up"
            time.sleep(0.3)
    finally:
        store.close()


def _reports(server: CollectorServer, tokens: list[str]) -> dict[str, object]:
    start, end = day_at(max(DAYS), 0).date(), day_at(min(DAYS), 0).date()
    out: dict[str, object] = {}
    for path in REPORTS:
        url = path.format(start=start, end=end, month=end.isoformat()[:7])
        r = server.api("GET", url, server.admin_key)
        assert r.status_code == 200, (url, r.text)
        out[url] = r.json()
    for person, token in zip(PEOPLE, tokens, strict=True):
        r = server.api("GET", f"/me/summary?from={start}&to={end}", token)
        assert r.status_code == 200, r.text
        out[person] = r.json()
    return out


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def test_a_backup_under_load_restores_to_the_same_reports(tmp_path: Path):
    original = CollectorServer(tmp_path / "live.db", tmp_path / "live.log")
    run_cli(original.db, "team", "add", "ops")
    run_cli(original.db, "settings", "set", "privacy.min_group_size=1")
    original.admin_key = run_cli(original.db, "apikey", "create", "--role", "admin").strip()
    original.start()
    restored = None
    try:
        tokens = [original.enroll(p) for p in PEOPLE]
        plans = [_batches(i) for i in range(len(PEOPLE))]
        answers, threads = _post_all(original, tokens, plans)
        while len(answers) < 20:  # a good part in, much still to come
            time.sleep(0.02)
        copy = tmp_path / "backup" / "backlight-copy.db"
        copy.parent.mkdir()
        done = _cli("backup", str(copy), "--db", str(original.db))
        assert done.returncode == 0, done.stderr
        assert f"to {copy}" in done.stderr and "batches" in done.stderr
        during = len(answers)
        for t in threads:
            t.join()
        assert during < len(answers) == sum(map(len, plans)), "the backup ran under load"
        assert not Path(f"{copy}.partial").exists() and not Path(f"{copy}-wal").exists()

        again = _cli("backup", str(copy), "--db", str(original.db))
        assert again.returncode != 0 and "exists" in again.stderr

        refused = _cli("restore", str(copy), "--db", str(original.db))
        assert refused.returncode != 0 and "running collector" in refused.stderr
        assert original.api("GET", "/health").status_code == 200

        new_db = tmp_path / "restored" / "backlight.db"
        done = _cli("restore", str(copy), "--db", str(new_db))
        assert done.returncode == 0, done.stderr
        assert f"into {new_db}" in done.stderr
        with sqlite3.connect(new_db) as c:
            assert integrity_problems(c) == []
            held = c.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
            segments = c.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
            assert c.execute("SELECT SUM(segment_count) FROM batches").fetchone()[0] == segments
            assert 0 < held < len(answers)

        restored = CollectorServer(new_db, tmp_path / "restored.log")
        restored.admin_key = original.admin_key
        restored.start()
        duplicates = 0
        for token, plan in zip(tokens, plans, strict=True):
            for body in plan:
                r = restored.api("POST", "/summaries", token, json=body)
                assert r.status_code == 200, r.text
                duplicates += r.json()["duplicate"]
        assert duplicates == held, "the backup held exactly the batches it says, whole"

        _settled(original)
        _settled(restored)
        assert _reports(restored, tokens) == _reports(original, tokens)
    finally:
        original.stop()
        if restored:
            restored.stop()


def test_restore_keeps_the_database_it_replaces(tmp_path: Path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    run_cli(first, "team", "add", "ops")
    run_cli(second, "team", "add", "other")
    copy = tmp_path / "a-copy.db"
    assert _cli("backup", str(copy), "--db", str(first)).returncode == 0
    done = _cli("restore", str(copy), "--db", str(second))
    assert done.returncode == 0, done.stderr
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("b.db.before-restore-")]
    assert len(kept) == 1 and str(kept[0]) in done.stderr
    assert "other" in run_cli(kept[0], "team", "list")
    assert "ops" in run_cli(second, "team", "list")
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello")
    bad = _cli("restore", str(not_a_db), "--db", str(second))
    assert bad.returncode != 0 and "left as it was" in bad.stderr
    assert "ops" in run_cli(second, "team", "list")
