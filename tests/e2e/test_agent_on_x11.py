"""End to end on a real X desktop: windows -> agent -> collector -> reports.

Real xterm windows on Xvfb + openbox, titled so that the shipped default
rules file them under payroll, scheduling, QA evaluation and (a chat window)
communication; each title carries a unique marker, and marker text is typed
into each window with real key events. The headless agent runs as its own
process with the real X11 probe and input monitor, and talks to a real
collector process through a proxy that records every request body.

xdotool moves the focus on a schedule: each function gets two stints with a
short switch to the chat window between them (an interruption each). Then:

* the time-per-unit report gives each function its scheduled time, within 5%;
* the interruptions report counts the three switches to chat, and the two
  switches between functions as task switches;
* privacy: no marker (titles, typed text) is in any byte the agent sent, nor
  in the collector's database files, nor in the agent's own outbox.
"""

from __future__ import annotations

import secrets
import time
from datetime import date
from pathlib import Path

import pytest

from tests.agent.test_faults_collector_down import (
    AgentProcess,
    collector_segments,
    start_collector,
)
from tests.fixtures.recording_proxy import RecordingProxy

pytestmark = [pytest.mark.x11, pytest.mark.slow]

STINT_S = 25.0  # each function: two stints, 50 s in all
AWAY_S = 5.0  # each switch to chat
POLL_S = 0.5
SETTINGS = {
    "interruptions.min_focus_s": 10,  # a stint (25 s) is enough focus
    "interruptions.max_away_s": 60,
    "interruptions.recovery_min_s": 60,
    "interruptions.recovery_max_s": 120,
}


def marker() -> str:
    return f"MARKER-{secrets.token_hex(6)}"


def test_agent_on_a_real_x_desktop_reports_the_schedule_and_keeps_titles_home(
    desktop, tmp_path: Path
):
    marks = {k: marker() for k in ("payroll", "scheduling", "qa", "chat", "notes", "typed")}
    titles = {
        "payroll": f"Payroll run - week 47 - {marks['payroll']}",
        "scheduling": f"Shift schedule - night team - {marks['scheduling']}",
        "qa_evaluation": f"QA evaluation form - call 1182 - {marks['qa']}",
        "communication": f"Slack - ops chat - {marks['chat']}",
        "notes": f"scratch - {marks['notes']}",  # no rule: uncategorised
    }
    wins = {k: desktop.open_window(t) for k, t in titles.items()}

    server = start_collector(tmp_path / "server", **SETTINGS)
    proxy = RecordingProxy(server.url)
    agent = AgentProcess(tmp_path / "agent", poll_s=POLL_S, env=desktop.env)
    try:
        agent.enroll(server, "kim", url=proxy.url)
        desktop.focus(wins["notes"])
        desktop.type_text("hello")  # fresh input: not idle, no screen saver
        agent.start(probe=None)  # the real platform probe for $DISPLAY
        snap = agent.status()
        assert not any("probe" in x for x in snap["limitations"]), snap["limitations"]

        spent = {"payroll": 0.0, "scheduling": 0.0, "qa_evaluation": 0.0, "communication": 0.0}

        def stint(kind: str, seconds: float, text: str) -> None:
            desktop.focus(wins[kind])
            began = time.time()
            desktop.type_text(text)
            time.sleep(max(0.0, seconds - (time.time() - began)))
            spent[kind] += time.time() - began

        for function in ("payroll", "scheduling", "qa_evaluation"):
            stint(function, STINT_S, f"{marks['typed']} {function}")
            stint("communication", AWAY_S, marks["typed"])
            stint(function, STINT_S, marks["typed"])
        desktop.focus(wins["notes"])
        time.sleep(2 * POLL_S + 0.5)
        _, code, _ = agent.terminate()
        assert code == 0, agent.log.read_text()[-3000:]

        assert collector_segments(server, agent.device_id), "nothing arrived"
        today = date.today().isoformat()
        query = {"from": today, "to": today}
        r = server.api("GET", "/reports/time-per-unit", server.admin_key, params=query)
        assert r.status_code == 200, r.text
        report = r.json()
        assert not report.get("suppressed"), report
        hours = {row["function"]: row["hours"] for row in report["functions"]}
        for function in ("payroll", "scheduling", "qa_evaluation"):
            got, want = hours.get(function, 0) * 3600, spent[function]
            print(f"{function}: reported {got:.1f} s, scheduled {want:.1f} s")
            assert abs(got - want) <= 0.05 * want, f"{function}: {got:.1f} s, scheduled {want:.1f}"
        others = set(hours) - {"payroll", "scheduling", "qa_evaluation"}
        assert all(hours[f] * 3600 < 1 for f in others), hours

        r = server.api("GET", "/reports/interruptions", server.admin_key, params=query)
        assert r.status_code == 200, r.text
        report = r.json()
        print(
            f"interruptions {report['count']}, task switches {report['task_switches']}, "
            f"away {report['away_minutes'] * 60:.1f} s (scheduled {spent['communication']:.1f} s)"
        )
        assert report["count"] == 3, report
        assert report["task_switches"] == 2, report
        assert abs(report["away_minutes"] * 60 - spent["communication"]) <= 3, report

        server.stop()  # let the database settle into its files
        sent = proxy.all_bytes().lower()
        assert b"/summaries" in b" ".join(p.encode() for _m, p, _b in proxy.bodies)
        stored = b"".join(
            p.read_bytes().lower()
            for p in server.db.parent.iterdir()
            if p.name.startswith(server.db.name)
        )
        local = b"".join(
            p.read_bytes().lower() for p in (agent.home / "data").glob("outbox.sqlite*")
        )
        for name, mark in marks.items():
            needle = mark.lower().encode()
            assert needle not in sent, f"{name} marker left the workstation"
            assert needle not in stored, f"{name} marker is in the collector's database"
            assert needle not in local, f"{name} marker is in the agent's outbox"
    finally:
        agent.stop_quietly()
        proxy.close()
        server.stop()
