"""The employee's rights through a real collector process: export holds the
person's data and nobody else's; erasure removes them whole (devices 401,
team figures drop by exactly their time, others unchanged, no byte of their
name or hostname left in any database file), and a kill -9 in the middle
leaves them whole or gone."""

from __future__ import annotations

import contextlib
import io
import json
import signal
import sqlite3
import threading
import time
import zipfile
from pathlib import Path

import pytest
import requests

from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CollectorServer, run_cli

#: Distinctive names so a byte scan cannot hit something else.
ERASED = "Quentinaxolotl"
KEPT = "Berenikeplatypus"


def _seed(c: CollectorServer) -> dict[str, str]:
    tokens = {}
    for name, minutes in ((ERASED, 90), (KEPT, 60)):
        token = c.enroll(name)
        tokens[name] = token
        for days_ago in (1, 2, 3):
            segs = plan(day_at(days_ago, 9), [("payroll", minutes), ("invoicing", 30)])
            r = c.api("POST", "/summaries", token, json=batch(segs))
            assert r.status_code == 200, r.text
        day = day_at(1, 9).date().isoformat()
        r = c.api(
            "POST",
            "/absences",
            c.admin_key,
            json={"items": [{"employee": name, "from": day, "to": day}]},
        )
        assert r.status_code == 200, r.text
        r = c.api(
            "POST",
            "/output-units",
            c.admin_key,
            json={
                "items": [
                    {
                        "date": day,
                        "function": "payroll",
                        "units": 3,
                        "employee": name,
                        "team": "ops",
                    }
                ]
            },
        )
        assert r.status_code == 200, r.text
    return tokens


def _team_active(db: Path) -> dict[tuple[str, str], float]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT day, category, active_s FROM team_rollups").fetchall()
    return {(d, cat): s for d, cat, s in rows}


def _person_active(db: Path, name: str) -> dict[tuple[str, str], float]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT day, category, SUM(active_s) FROM rollups r JOIN people p "
            "ON p.id = r.person_id WHERE p.name = ? GROUP BY day, category",
            (name,),
        ).fetchall()
    return {(d, cat): s for d, cat, s in rows}


def _db_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def test_export_holds_the_person_and_nobody_else(collector):
    tokens = _seed(collector)
    for name, other in ((ERASED, KEPT), (KEPT, ERASED)):
        r = collector.api("GET", "/me/export", tokens[name])
        assert r.status_code == 200, r.text
        assert r.headers["Cache-Control"] == "no-store"
        tables = r.json()["tables"]
        assert [p["name"] for p in tables["person"]] == [name]
        person_id = tables["person"][0]["id"]
        assert [d["hostname"] for d in tables["devices"]] == [f"{name}-pc"]
        assert all("token_hash" not in d for d in tables["devices"])
        assert [c["decision"] for c in tables["consents"]] == ["granted"]
        for table in ("segments", "rollups", "rollups_monthly", "absences", "output_units"):
            assert tables[table], table
            assert {row["person_id"] for row in tables[table]} == {person_id}, table
        assert other not in r.text

        z = collector.api("GET", "/me/export.zip", tokens[name])
        assert z.status_code == 200 and z.headers["Content-Type"] == "application/zip"
        assert z.headers["Cache-Control"] == "no-store"
        with zipfile.ZipFile(io.BytesIO(z.content)) as zf:
            assert json.loads(zf.read("export.json"))["tables"]["person"][0]["name"] == name
            seg_csv = zf.read("segments.csv").decode()
            assert seg_csv.count("\n") == len(tables["segments"]) + 1
            assert other.encode() not in b"".join(zf.read(n) for n in zf.namelist())
    assert collector.api("GET", "/me/export").status_code == 401


def test_erasure_removes_the_person_and_only_them(collector):
    tokens = _seed(collector)
    team_before = _team_active(collector.db)
    erased_time = _person_active(collector.db, ERASED)
    kept_before = _person_active(collector.db, KEPT)
    kept_export = collector.api("GET", "/me/export", tokens[KEPT]).json()["tables"]
    assert ERASED.encode() in _db_bytes(collector.db)

    bad = collector.api("POST", "/me/erase", tokens[ERASED], json={"confirm": False})
    assert bad.status_code == 400 and "confirm" in bad.text
    r = collector.api("POST", "/me/erase", tokens[ERASED], json={"confirm": True})
    assert r.status_code == 200, r.text
    assert r.json()["erased"] is True

    assert collector.api("GET", "/me/export", tokens[ERASED]).status_code == 401
    assert collector.api("GET", "/policy", tokens[ERASED]).status_code == 401
    team_after = _team_active(collector.db)
    for key, seconds in team_before.items():
        assert team_after.get(key, 0) == pytest.approx(seconds - erased_time.get(key, 0)), key
    assert _person_active(collector.db, KEPT) == kept_before
    after = collector.api("GET", "/me/export", tokens[KEPT]).json()["tables"]
    assert after == kept_export

    with sqlite3.connect(collector.db) as conn:
        erasures = conn.execute(
            "SELECT actor, target, detail FROM audit_log WHERE action = 'person.erase'"
        ).fetchall()
    assert erasures == [("device:self-erasure", "", "{}")]
    data = _db_bytes(collector.db)
    assert ERASED.encode() not in data
    assert f"{ERASED}-pc".encode() not in data
    assert KEPT.encode() in data


def test_cli_export_and_erase(collector, tmp_path):
    _seed(collector)
    out = json.loads(collector.cli("person", "export", KEPT))
    assert out["tables"]["person"][0]["name"] == KEPT
    collector.cli("person", "export", KEPT, "--zip", str(tmp_path / "k.zip"))
    assert "segments.csv" in zipfile.ZipFile(tmp_path / "k.zip").namelist()
    # Without --yes it asks; "n" leaves the person whole.
    with pytest.raises(AssertionError):
        collector.cli("person", "erase", ERASED, stdin="n\n")
    assert _person_active(collector.db, ERASED)
    collector.cli("person", "erase", ERASED, stdin="y\n")
    assert not _person_active(collector.db, ERASED)
    assert ERASED.encode() not in _db_bytes(collector.db)
    with pytest.raises(AssertionError, match="no person named"):
        collector.cli("person", "erase", ERASED, "--yes")


def _state(db: Path, name: str) -> tuple[int, ...]:
    with sqlite3.connect(db) as conn:
        q = [
            "SELECT COUNT(*) FROM people WHERE name = ?",
            "SELECT COUNT(*) FROM devices d JOIN people p ON p.id = d.person_id WHERE p.name = ?",
            "SELECT COUNT(*) FROM segments s JOIN people p ON p.id = s.person_id WHERE p.name = ?",
            "SELECT COUNT(*) FROM rollups s JOIN people p ON p.id = s.person_id WHERE p.name = ?",
            "SELECT COUNT(*) FROM absences s JOIN people p ON p.id = s.person_id WHERE p.name = ?",
        ]
        return tuple(conn.execute(sql, (name,)).fetchone()[0] for sql in q)


@pytest.mark.slow
def test_kill_9_during_erasure_leaves_the_person_whole_or_gone(tmp_path):
    server = CollectorServer(
        tmp_path / "collector.db",
        tmp_path / "collector.log",
        {"BACKLIGHT_TEST_ERASE_DELAY_S": "0.15"},
    )
    run_cli(server.db, "team", "add", "ops")
    server.admin_key = run_cli(server.db, "apikey", "create", "--role", "admin").strip()
    server.start()
    try:
        tokens = _seed(server)
        whole = _state(server.db, ERASED)
        team_whole = _team_active(server.db)
        assert all(whole)
        outcomes = []
        for wait in (0.1, 0.4, 0.8, 1.2):
            t = threading.Thread(target=lambda: _quiet_erase(server, tokens[ERASED]), daemon=True)
            t.start()
            time.sleep(wait)
            server.proc.send_signal(signal.SIGKILL)
            server.proc.wait(10)
            server._log.close()
            server.proc = None
            t.join(5)
            state = _state(server.db, ERASED)
            assert state in (whole, (0, 0, 0, 0, 0)), (wait, state)
            if state == whole:
                assert _team_active(server.db) == team_whole
            outcomes.append(state == whole)
            server.start()
            if state != whole:
                break
        assert any(outcomes), "no kill landed inside the transaction"
        if all(outcomes):  # still whole: a restarted collector erases them to the end
            r = server.api("POST", "/me/erase", tokens[ERASED], json={"confirm": True})
            assert r.status_code == 200, r.text
        assert _state(server.db, ERASED) == (0, 0, 0, 0, 0)
        assert ERASED.encode() not in _db_bytes(server.db)
    finally:
        server.stop()


def _quiet_erase(server: CollectorServer, token: str) -> None:
    with contextlib.suppress(requests.RequestException):  # killed under the request
        server.api("POST", "/me/erase", token, json={"confirm": True})
