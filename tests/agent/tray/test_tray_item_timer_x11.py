"""The real tray's work-item timer on a real X desktop (Xvfb + openbox + tint2).

The employee clicks the icon, picks "Start item…" by its mnemonic, types the
item's reference into the dialog, presses Return; later pauses, resumes and
stops it as completed, each from the menu opened by a real click. Everything
the agent sends goes through the recording proxy, so the test reads exactly
what left the workstation: the batch carries the item with its reference
hashed (HMAC with the organisation's salt) and its net seconds (the pause not
counted), and the clear reference is in no request at all.

The collector behind the proxy is the real one (``backlight-collector serve``)
with two work types set through its API: it hands the tray the types and the
organisation's salt in the policy, accepts the batch and stores the timing.
Screenshots: tray-start-item.png (the dialog in use) and tray-item-menu.png
(the menu while the item is paused).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterator

import pytest

from shared.work_item_ref import hash_reference
from tests.agent.tray.test_tray_x11 import Agent, open_tray_menu, wait_for
from tests.fixtures.recording_proxy import RecordingProxy
from tests.fixtures.screenshots import SCREENSHOTS as DOCS

pytestmark = [pytest.mark.x11, pytest.mark.slow]

REF = "CLM-2026-0042"
TYPES = [
    {"key": "claim", "name": "Claim", "function": "invoicing", "sla_business_days": 2},
    {"key": "payrun_query", "name": "Pay-run query", "function": "payroll", "sla_hours": 8},
]
RUN_S, PAUSE_S = 4.0, 6.0


@pytest.fixture
def wire(collector) -> Iterator[RecordingProxy]:
    collector.cli("settings", "set", "agent.upload_interval_s=5")
    r = collector.api("PUT", "/work-types", collector.admin_key, json={"types": TYPES})
    assert r.status_code == 200, r.text
    proxy = RecordingProxy(collector.url)
    yield proxy
    proxy.close()


def spans(agent: Agent) -> list[tuple[float, float | None]]:
    """The item's spans as the agent recorded them (its own clock)."""
    con = sqlite3.connect(f"file:{agent.home / 'data' / 'outbox.sqlite'}?mode=ro", uri=True)
    try:
        return list(con.execute("SELECT start_ts, end_ts FROM timed_item_spans ORDER BY id"))
    finally:
        con.close()


def menu_choice(desktop, agent: Agent, key: str) -> None:
    (agent.shots / "tray-menu.png").unlink(missing_ok=True)  # so the next opening is waited for
    open_tray_menu(desktop, agent)
    desktop.key(key)  # the entry's mnemonic


def sent_items(proxy: RecordingProxy) -> list[dict]:
    """The work items in the batches as they left the workstation."""
    return [
        item
        for method, path, body in list(proxy.bodies)
        if method == "POST" and path.endswith("/summaries")
        for item in json.loads(body).get("work_items", [])
    ]


def test_start_pause_resume_stop_in_the_real_tray(tray_desktop, collector, wire, tmp_path):
    proxy = wire
    salt = collector.store().work_item_salt()
    agent = Agent(tmp_path / "profile", tray_desktop, tmp_path / "shots")
    token = collector.cli("token", "create", "--team", "ops").strip()
    agent.cli("enroll", "--collector", proxy.url, "--token", token, "--user", "ines")
    agent.cli("consent", "grant")
    agent.start_tray()
    try:
        wait_for(lambda: agent.status()["tracking"], what="tracking")
        time.sleep(1.0)  # some payroll time before the item

        # Start: the dialog, the reference typed, Return.
        menu_choice(tray_desktop, agent, "i")
        wid = tray_desktop.find("Backlight — start an item", timeout=20)
        tray_desktop.focus(wid)
        tray_desktop.type_text(REF)
        dialog_shot = shutil.copyfile(agent.shot("tray-start-item.png"), tmp_path / "start.png")
        tray_desktop.key("Return")
        wait_for(lambda: len(spans(agent)) == 1, what="the item to start")
        assert f"told the employee: Timing Claim {REF}" in agent.log.read_text()

        time.sleep(RUN_S)
        menu_choice(tray_desktop, agent, "u")  # Pause item
        wait_for(lambda: spans(agent)[-1][1] is not None, what="the pause")
        menu_choice(tray_desktop, agent, "Escape")  # the menu names the paused item
        menu_shot = shutil.copyfile(agent.shot("tray-menu.png"), tmp_path / "menu.png")
        time.sleep(PAUSE_S)
        menu_choice(tray_desktop, agent, "m")  # Resume item
        wait_for(lambda: len(spans(agent)) == 2, what="the resume")
        time.sleep(RUN_S)
        menu_choice(tray_desktop, agent, "c")  # Stop item: completed
        wait_for(lambda: spans(agent)[-1][1] is not None, what="the stop")

        [item] = wait_for(lambda: sent_items(proxy), timeout=30, what="the item in a batch")
        stored = wait_for(
            lambda: collector.store().work_item_timings(None, None, 0, 4e9),
            timeout=30,
            what="the timing stored at the collector",
        )
        assert agent.proc.poll() is None
    finally:
        assert agent.stop_tray() == 0

    assert (item["type"], item["outcome"]) == ("claim", "completed")
    assert item["ref"] == hash_reference(salt, REF)  # the collector's own hash of the id
    assert stored == [{"type": "claim", "active_s": pytest.approx(item["active_seconds"])}]
    # Net time: the two running spans, about RUN_S each; the pause between
    # them is not counted. The fixed probe is never idle, so the spans' own
    # lengths (the agent's clock) are the figure, up to a sample (0.2 s) at
    # the resume and the rounding to whole seconds.
    recorded = spans(agent)
    running = sum(end - start for start, end in recorded)
    assert abs(item["active_seconds"] - running) <= 1.5, (item, recorded)
    assert 2 * RUN_S - 0.5 <= running <= 2 * RUN_S + 4
    assert recorded[1][0] - recorded[0][1] >= PAUSE_S - 0.5  # the pause really happened
    assert item["active_seconds"] < running + PAUSE_S - 2  # ...and is not in the figure

    everything = proxy.all_bytes()
    assert b"/summaries" not in everything  # sanity: bodies, not paths
    assert any(p.endswith("/summaries") for _m, p, _b in proxy.bodies)
    assert REF.encode() not in everything
    assert "Stopped Claim CLM-2026-0042 (completed)" in agent.log.read_text()

    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dialog_shot, DOCS / "tray-start-item.png")
    shutil.copyfile(menu_shot, DOCS / "tray-item-menu.png")
