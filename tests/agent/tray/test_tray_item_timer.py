"""The tray's work-item timer, offscreen, over a real core and the fake collector.

The clock is the test's, so the net time is exact: 90 s running, 300 s paused,
30 s running again is 120 s of work. The Xvfb test
(test_tray_item_timer_x11.py) does the same with the real tray process on a
real desktop, reading the wire through the recording proxy.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from agent.core.item_timer import reference_hash
from tests.agent.tray.conftest import WAIT_MS, agree, run_for

TYPES = [
    {"key": "claim", "name": "Claim", "function": "invoicing"},
    {"key": "payrun_query", "name": "Pay-run query", "function": "payroll"},
]
SALT = "org-salt-for-tests"
REF = "CLM-2026-0042"


def with_work_types(qtbot, tray, fake_collector) -> None:
    fake_collector.policy.update(work_types=TYPES, work_item_salt=SALT)
    tray.core.uploader.retry_at = None
    tray.core.upload_now()  # an upload round fetches the new policy
    qtbot.waitUntil(lambda: bool(tray.core.items.work_types()), timeout=WAIT_MS)


def sent_items(fake_collector) -> list[dict]:
    with fake_collector.lock:
        return [i for b in fake_collector.batches.values() for i in b.get("work_items", [])]


def test_start_pause_resume_stop_sends_the_hashed_reference_and_net_seconds(
    qtbot, make_tray, clock, probe, fake_collector
):
    tray = make_tray()
    agree(qtbot, tray)
    tray.refresh_item()
    assert not tray.menu.start_item.isEnabled()  # no work types in the policy yet
    with_work_types(qtbot, tray, fake_collector)
    tray.refresh_item()
    assert tray.menu.start_item.isEnabled() and not tray.menu.pause_item.isEnabled()

    # The tracker has sampled at this moment, as it has on a running agent (the
    # first sample after consent starts the first segment; time before it is
    # nobody's, the item's included).
    qtbot.waitUntil(lambda: probe.calls > 0, timeout=WAIT_MS)
    tray.menu.start_item.trigger()
    d = tray.start_item_dialog
    assert d.isVisible() and d.work_type.count() == 2
    d.work_type.setCurrentIndex(d.work_type.findData("claim"))
    d.reference.setText(f"  {REF}\n")  # pasted with a newline
    qtbot.mouseClick(d.start_button, Qt.MouseButton.LeftButton)
    assert not d.isVisible()
    assert tray.core.items.current().reference == REF

    run_for(qtbot, clock, 90)
    tray.menu.pause_item.trigger()
    assert tray.menu.resume_item.isEnabled() and not tray.menu.pause_item.isEnabled()
    assert tray.menu.start_item.text().startswith("Paused: Claim CLM-2026-0042")
    run_for(qtbot, clock, 300)  # tracked, but not the item's
    tray.menu.resume_item.trigger()
    run_for(qtbot, clock, 30)
    tray.menu.stop_completed.trigger()
    assert tray.core.items.current() is None and tray.menu.start_item.isEnabled()

    qtbot.waitUntil(lambda: bool(sent_items(fake_collector)), timeout=WAIT_MS)
    [item] = sent_items(fake_collector)
    assert item["ref"] == reference_hash(SALT, REF)
    assert (item["type"], item["outcome"]) == ("claim", "completed")
    assert item["active_seconds"] == 120, item
    with fake_collector.lock:
        wire = json.dumps([b for _m, _p, _h, b in fake_collector.log])
    assert REF not in wire

    qtbot.waitUntil(lambda: tray.core.outbox.unsent_items() == 0, timeout=WAIT_MS)
    tray.show_my_day()
    text = tray.my_day.items.text()
    assert "Claim <b>CLM-2026-0042</b>" in text and "completed, sent" in text
    assert any("Stopped Claim CLM-2026-0042 (completed)" in m for m in tray.messages)


def test_a_second_item_cannot_start_while_one_runs(qtbot, make_tray, fake_collector):
    tray = make_tray()
    agree(qtbot, tray)
    with_work_types(qtbot, tray, fake_collector)
    tray.core.items.start("claim", "A-1")
    tray.refresh_item()
    assert not tray.menu.start_item.isEnabled()
    tray.show_start_item()  # from elsewhere: nothing opens
    assert not tray.start_item_dialog.isVisible()
    tray.core.items.stop("not_completed")
    tray.show_start_item()
    d = tray.start_item_dialog
    d.reference.setText("   ")
    d.submit()
    assert d.isVisible() and "Not started" in d.error.text()


def test_return_in_the_reference_starts_the_item(qtbot, make_tray, fake_collector):
    """Return must start, never cancel (the button box's own default was Cancel)."""
    tray = make_tray()
    agree(qtbot, tray)
    with_work_types(qtbot, tray, fake_collector)
    tray.show_start_item()
    d = tray.start_item_dialog
    assert d.start_button.isDefault()
    qtbot.keyClicks(d.reference, "PQ-7")
    qtbot.keyClick(d.reference, Qt.Key.Key_Return)
    assert not d.isVisible()
    assert (tray.core.items.current().type, tray.core.items.current().reference) == (
        "claim",
        "PQ-7",
    )
