"""`backlight-collector work-items import FILE`: the whole file checked in one
pass, every bad row named, nothing stored unless all are good; a second file
completes items of the first."""

from __future__ import annotations

import subprocess
from pathlib import Path

from collector.jobs import open_counting_store
from tests.fixtures.collector_server import CLI, run_cli

GOOD = """id,type,team,received_at,completed_at,quality_passed,employee,client
C-1,claims,ops,2026-11-23T09:00:00+01:00,,,,
C-2,claims,ops,2026-11-23T10:00:00+01:00,2026-11-24T10:00:00+01:00,yes,,
"""
BAD = """id,type,team,received_at,completed_at,quality_passed
C-3,claims,ops,2026-11-23T09:00:00,,
C-4,cases,ops,2026-11-23T09:00:00+01:00,,
C-5,claims,ops,2026-11-23T09:00:00+01:00,2026-11-22T09:00:00+01:00,maybe
C-6,claims,ops,2026-11-23T09:00:00+01:00,,
C-6,claims,ops,2026-11-23T09:00:00+01:00,,
"""


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_import_refuses_a_bad_file_whole_and_a_later_file_completes(tmp_path):
    db = tmp_path / "c.db"
    run_cli(db, "team", "add", "ops")
    store = open_counting_store(db)
    store.replace_work_types(
        [{"key": "claims", "name": "Claims", "function": "compliance", "sla_business_days": 5}]
    )
    store.close()
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    out = _cli(db, "work-items", "import", str(bad))
    assert out.returncode != 0
    for expected in (
        "row 2.received_at:",
        "row 3.type: no work type 'cases'",
        "row 4.completed_at: before received_at",
        "row 4.quality_passed: expected true or false",
        "row 6.id: the same claims id as rows.5",
    ):
        assert expected in out.stderr, out.stderr
    assert "nothing was stored" in out.stderr
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    out = _cli(db, "work-items", "import", str(good))
    assert out.returncode == 0, out.stderr
    assert "2 added, 0 updated" in out.stderr
    good.write_text(
        "id,type,team,received_at,completed_at\n"
        "C-1,claims,ops,2026-11-23T09:00:00+01:00,2026-11-25T09:00:00+01:00\n"
    )
    out = _cli(db, "work-items", "import", str(good))
    assert "0 added, 1 updated" in out.stderr, out.stderr
    store = open_counting_store(db)
    try:
        assert store.row_count("work_items") == 2
        rows = store.work_items_between(None, None, 0.0, 2e9)
        assert all(r["completed_at"] is not None for r in rows)
        assert [r["quality_passed"] for r in rows] == [None, True]
    finally:
        store.close()
    assert b"C-1" not in db.read_bytes()
