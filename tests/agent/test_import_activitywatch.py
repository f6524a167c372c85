"""``backlight-agent import-activitywatch`` end to end, with a real collector.

An employee enrolled and consented imports last week's ActivityWatch
export: the time arrives at the collector per function, with the AFK
stretch idle; the titles are in neither the outbox nor the collector's
database; the same file again adds nothing, and a later export repeating
those days adds only the new day. Before consent nothing is imported."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.agent.test_faults_collector_down import (
    AgentProcess,
    collector_segments,
    start_collector,
)

UTC = ZoneInfo("UTC")
SECRET_TITLE = "Payroll run - salary of Jane Roe.xlsx"


def day_start(days_ago: int) -> datetime:
    local = datetime.now().astimezone() - timedelta(days=days_ago)
    return local.replace(hour=9, minute=0, second=0, microsecond=0)


def event(start: datetime, minutes: float, **data) -> dict:
    return {"timestamp": start.astimezone(UTC).isoformat(), "duration": minutes * 60, "data": data}


def workday(days_ago: int) -> tuple[list[dict], list[dict]]:
    """60 min of payroll (10 of them away), then 30 min of scheduling."""
    t = day_start(days_ago)
    windows = [
        event(t, 60, app="EXCEL.EXE", title=SECRET_TITLE),
        event(t + timedelta(minutes=60), 30, app="chrome", title="Shift plan - Deputy"),
    ]
    afk = [
        event(t, 20, status="not-afk"),
        event(t + timedelta(minutes=20), 10, status="afk"),
        event(t + timedelta(minutes=30), 60, status="not-afk"),
    ]
    return windows, afk


def write_export(path: Path, days_ago: list[int]) -> Path:
    windows, afk = [], []
    for d in days_ago:
        w, a = workday(d)
        windows += w
        afk += a
    path.write_text(
        json.dumps(
            {
                "buckets": {
                    "aw-watcher-window_ws17": {
                        "id": "aw-watcher-window_ws17",
                        "type": "currentwindow",
                        "hostname": "ws17",
                        "client": "aw-watcher-window",
                        "events": windows,
                    },
                    "aw-watcher-afk_ws17": {
                        "id": "aw-watcher-afk_ws17",
                        "type": "afkstatus",
                        "hostname": "ws17",
                        "client": "aw-watcher-afk",
                        "events": afk,
                    },
                }
            }
        )
    )
    return path


def seconds_by(rows, *keys: str) -> dict:
    out: dict = {}
    for r in rows:
        k = tuple(r[key] for key in keys)
        out[k] = out.get(k, 0) + r["end"] - r["start"]
    return {k: round(v) for k, v in out.items()}


@pytest.mark.slow
def test_an_import_arrives_per_function_once_and_without_titles(tmp_path: Path):
    server = start_collector(tmp_path / "server")
    agent = AgentProcess(tmp_path / "agent")
    try:
        token = server.cli("token", "create", "--team", "ops").strip()
        agent.cli("enroll", "--collector", server.url, "--token", token, "--user", "maria")
        first = write_export(tmp_path / "aw-export.json", [3, 2])
        refused = agent.cli("import-activitywatch", str(first), check=False)
        assert refused.returncode == 1
        assert "nothing is imported before you agree" in refused.stderr

        agent.cli("consent", "grant")
        out = agent.cli("import-activitywatch", str(first)).stdout
        assert "Imported 8 segment(s) from ws17: 2.7 h active, 0.3 h idle" in out, out
        assert "not kept or sent" in out
        sent = agent.cli("upload").stdout
        assert "sent 8 segment(s)" in sent, sent

        rows = collector_segments(server, agent.device_id)
        assert seconds_by(rows, "category", "state") == {
            ("payroll", "active"): 2 * 50 * 60,
            ("payroll", "idle"): 2 * 10 * 60,
            ("scheduling", "active"): 2 * 30 * 60,
        }

        again = agent.cli("import-activitywatch", str(first)).stdout
        assert "This file was imported on" in again and "nothing added" in again, again
        later = write_export(tmp_path / "aw-export-later.json", [3, 2, 1])
        out = agent.cli("import-activitywatch", str(later)).stdout
        assert "Imported 4 segment(s)" in out, out
        assert "Left out 3.0 h already imported from an earlier file" in out, out
        agent.cli("upload")
        rows = collector_segments(server, agent.device_id)
        assert seconds_by(rows, "category") == {("payroll",): 3 * 3600, ("scheduling",): 3 * 1800}
        days = {datetime.fromtimestamp(r["start"]).date() for r in rows}
        assert days == {day_start(d).date() for d in (3, 2, 1)}

        for path in [*agent.home.rglob("*.sqlite*"), *Path(server.db).parent.glob("*.db*")]:
            data = path.read_bytes()
            assert b"Jane Roe" not in data and b"salary" not in data, path
    finally:
        server.stop()


def test_a_broken_export_is_refused_naming_the_place_and_queues_nothing(tmp_path: Path):
    server = start_collector(tmp_path / "server")
    agent = AgentProcess(tmp_path / "agent")
    try:
        agent.enroll(server, "maria")
        path = write_export(tmp_path / "aw.json", [2])
        raw = json.loads(path.read_text())
        raw["buckets"]["aw-watcher-window_ws17"]["events"][1]["timestamp"] = "2026-13-40"
        path.write_text(json.dumps(raw))
        out = agent.cli("import-activitywatch", str(path), check=False)
        assert out.returncode == 1
        assert "buckets.aw-watcher-window_ws17.events.1.timestamp" in out.stderr, out.stderr
        assert agent.status()["queue"]["segments"] == 0
        del raw["buckets"]["aw-watcher-afk_ws17"]
        raw["buckets"]["aw-watcher-window_ws17"]["events"].pop(1)
        path.write_text(json.dumps(raw))
        out = agent.cli("import-activitywatch", str(path), check=False)
        assert "no AFK bucket for ws17" in out.stderr and "--without-afk" in out.stderr
        out = agent.cli("import-activitywatch", str(path), "--without-afk").stdout
        assert "Imported 1 segment(s) from ws17: 1.0 h active, 0.0 h idle" in out, out
    finally:
        server.stop()
