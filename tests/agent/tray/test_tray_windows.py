"""The tray's windows and menu actions, offscreen, over a real core and a fake collector."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from agent.tray import view
from tests.agent.core.test_uploader_fake_collector import policy_body
from tests.agent.tray.conftest import WAIT_MS, agree, run_for, seed_day, segments_in

# -- pause -----------------------------------------------------------------------


def test_pause_resumes_by_itself_at_the_right_time(qtbot, make_tray, probe, clock):
    tray = make_tray()
    agree(qtbot, tray)
    tray.menu.pause_actions[15].trigger()
    s = tray.bridge.state
    assert s.paused and not s.tracking
    assert s.paused_until == clock.now.replace() + (s.paused_until - clock.now)
    assert (s.paused_until - clock.now).total_seconds() == 15 * 60
    assert tray.view.kind == view.PAUSED
    assert f"paused until {view.clock_time(s.paused_until)}" in tray.tray.toolTip()
    assert tray.menu.resume.isEnabled() and not tray.menu.pause_actions[30].isEnabled()
    qtbot.wait(300)  # a sample already under way when the pause came may still land
    calls = probe.calls
    clock.advance(minutes=14, seconds=59)
    qtbot.wait(300)
    assert tray.bridge.state.paused and probe.calls == calls
    clock.advance(seconds=1)
    qtbot.waitUntil(lambda: tray.bridge.state.tracking, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tray.view.kind == view.TRACKING, timeout=WAIT_MS)
    assert probe.calls > calls
    assert "The pause is over: tracking again." in tray.messages
    assert tray.core.outbox.get_meta("paused_until") is None  # `status` agrees


@pytest.mark.parametrize("minutes", [30, 60])
def test_pause_30_and_60_minutes(qtbot, make_tray, clock, minutes):
    tray = make_tray()
    agree(qtbot, tray)
    tray.menu.pause_actions[minutes].trigger()
    until = tray.bridge.state.paused_until
    assert (until - clock.now).total_seconds() == minutes * 60
    clock.advance(minutes=minutes)
    qtbot.waitUntil(lambda: tray.bridge.state.tracking, timeout=WAIT_MS)


def test_pause_until_resumed_waits_for_resume(qtbot, make_tray, clock, probe):
    tray = make_tray()
    agree(qtbot, tray)
    tray.menu.pause_actions[None].trigger()
    assert tray.bridge.state.paused and tray.bridge.state.paused_until is None
    assert "paused until you resume" in tray.tray.toolTip()
    clock.advance(hours=8)
    qtbot.wait(300)
    assert tray.bridge.state.paused
    calls = probe.calls
    tray.menu.resume.trigger()
    assert tray.bridge.state.tracking
    qtbot.waitUntil(lambda: probe.calls > calls, timeout=WAIT_MS)
    assert "The pause is over: tracking again." not in tray.messages  # they did it


# -- my day ------------------------------------------------------------------------


def test_my_day_shows_today_and_the_collectors_totals(qtbot, make_tray, clock, profile):
    seed_day(profile, clock, [("excel", "payroll", 20)])
    tray = make_tray()
    agree(qtbot, tray)
    tray.menu.my_day.trigger()
    w = tray.my_day
    assert w.isVisible() and w.windowTitle() == "Backlight — my day"
    qtbot.waitUntil(lambda: w.summary_state == "ok", timeout=WAIT_MS)
    assert w.chart.rows and w.chart.rows[0][0] == "payroll"
    assert w.chart.rows[0][1] == pytest.approx(20 * 60, abs=5)
    assert "Active time: <b>20 min</b>" in w.facts.text()
    assert "Interruptions: <b>none</b>" in w.facts.text()
    assert "Longest focus: <b>20 min</b> on Payroll processing" in w.facts.text()
    assert "Focus time: <b>20 min</b> in 1 session (15 min or more" in w.facts.text()
    assert "Waiting to be sent" in w.queue.text() and "Last sent" in w.queue.text()
    assert "1 h 30 min" in w.remote.text()  # the fake collector's 1.5 h
    assert w.remote_chart.rows == [("payroll", 1.5 * 3600)]
    # the status line opens it too
    w.close()
    tray.menu.status.trigger()
    assert w.isVisible()


def test_my_day_says_collector_unreachable(qtbot, make_tray, fake_collector):
    tray = make_tray()
    agree(qtbot, tray)
    fake_collector.script["/me/summary"] = [503]
    tray.show_my_day()
    qtbot.waitUntil(lambda: tray.my_day.summary_state == "unreachable", timeout=WAIT_MS)
    assert "Collector unreachable" in tray.my_day.remote.text()
    assert not tray.my_day.remote_chart.isVisible()


def test_my_day_counts_interruptions_and_minutes_lost(qtbot, make_tray, probe, clock):
    tray = make_tray()
    agree(qtbot, tray)
    run_for(qtbot, clock, 130)  # focus on payroll for over two minutes
    payroll = probe.window
    probe.window = payroll._replace(app="outlook", title="Inbox - Outlook")  # away ...
    run_for(qtbot, clock, 60)
    probe.window = payroll  # ... and back: one interruption
    run_for(qtbot, clock, 10)
    tray.show_my_day()
    facts = tray.my_day.facts.text()
    assert "Interruptions: <b>1</b>" in facts
    assert "about <b>11–16 min</b> lost" in facts  # 1 min away + 10..15 recovery
    assert "plus 10–15 min each" in facts  # no interruptions block in the policy: defaults


def test_my_day_uses_the_organisations_interruption_rule(
    qtbot, make_tray, probe, clock, fake_collector
):
    tray = make_tray()
    agree(qtbot, tray)
    fake_collector.policy["interruptions"] = {
        "min_focus_s": 60,
        "max_away_s": 900,
        "recovery_min_s": 240,
        "recovery_max_s": 360,
    }
    tray.core.uploader.retry_at = None
    tray.core.upload_now()  # an upload round fetches the new policy
    qtbot.waitUntil(
        lambda: tray.core.policies.current.interruptions.recovery_min_s == 240, timeout=WAIT_MS
    )
    run_for(qtbot, clock, 70)  # 70 s of focus: enough under this rule, not under the default
    payroll = probe.window
    probe.window = payroll._replace(app="outlook", title="Inbox - Outlook")
    run_for(qtbot, clock, 60)
    probe.window = payroll
    run_for(qtbot, clock, 10)
    tray.show_my_day()
    facts = tray.my_day.facts.text()
    assert "Interruptions: <b>1</b>" in facts
    assert "about <b>5–7 min</b> lost" in facts and "plus 4–6 min each" in facts


# -- log work, client ---------------------------------------------------------------


def test_log_completed_work_is_sent_to_the_collector(qtbot, make_tray, fake_collector):
    tray = make_tray()
    agree(qtbot, tray)
    tray.menu.log_work.trigger()
    d = tray.log_work
    assert d.isVisible() and d.windowTitle() == "Backlight — log completed work"
    d.function.setCurrentIndex(d.function.findData("scheduling"))
    d.units.setValue(4)
    d.corrections.setValue(1)
    d.client.setCurrentIndex(d.client.findData("acme"))
    qtbot.mouseClick(d.log_button, Qt.MouseButton.LeftButton)
    assert not d.isVisible()
    qtbot.waitUntil(lambda: bool(fake_collector.units), timeout=WAIT_MS)
    item = fake_collector.units[0]
    assert (item["function"], item["units"], item["corrections"], item["client"]) == (
        "scheduling",
        4,
        1,
        "acme",
    )
    assert any("Logged 4 for Schedule building" in m for m in tray.messages)


def test_log_work_payroll_corrections_count_paychecks(qtbot, make_tray, fake_collector):
    """One pay cycle pays the whole operation, so it may have 3 corrected paychecks."""
    tray = make_tray()
    agree(qtbot, tray)
    tray.show_log_work()
    d = tray.log_work
    d.function.setCurrentIndex(d.function.findData("payroll"))
    d.units.setValue(1)
    d.corrections.setValue(3)
    assert d.corrections.value() == 3
    d.submit()
    qtbot.waitUntil(lambda: bool(fake_collector.units), timeout=WAIT_MS)
    item = fake_collector.units[0]
    assert (item["function"], item["units"], item["corrections"]) == ("payroll", 1, 3)
    assert isinstance(item["units"], int) and isinstance(item["corrections"], int)
    # Back to a function counted per unit: corrections fall back to at most the units.
    d.function.setCurrentIndex(d.function.findData("reporting"))
    assert d.corrections.maximum() == 1


def test_log_work_offline_is_queued_and_shown_as_waiting(qtbot, make_tray, fake_collector):
    tray = make_tray()
    agree(qtbot, tray)
    fake_collector.script["/me/output-units"] = [503] * 5
    tray.show_log_work()
    tray.log_work.units.setValue(2)
    assert tray.log_work.corrections.maximum() == 2  # never more corrections than units
    tray.log_work.submit()
    qtbot.waitUntil(lambda: tray.bridge.state.offline, timeout=WAIT_MS)
    assert tray.bridge.state.pending_units == 1
    assert tray.view.kind == view.OFFLINE
    tray.show_my_day()
    assert "1 work item" in tray.my_day.queue.text()


def test_current_client_is_sticky_and_attributes_new_segments(
    qtbot, make_tray, fake_collector, clock
):
    tray = make_tray()
    agree(qtbot, tray)
    assert tray.menu.client.isEnabled()
    tray.menu.client.trigger()
    picker = tray.client_picker
    assert picker.isVisible()
    names = [b.text() for _, b in picker.choices]
    assert names == ["No particular client", "Acme"]
    assert picker.choices[0][1].isChecked()
    picker.choices[1][1].setChecked(True)
    picker.apply()
    assert tray.bridge.state.current_client == "acme"
    assert tray.menu.client.text() == "Current client: Acme…"
    assert "client Acme" in tray.tray.toolTip()
    run_for(qtbot, clock, 10)
    tray.menu.pause_actions[15].trigger()  # closes the open segment
    tray.core.upload_now()
    qtbot.waitUntil(
        lambda: any(s["client"] == "acme" for s in fake_collector.segments()), timeout=WAIT_MS
    )
    # sticky: a new core on the same profile keeps the choice
    paths = tray.core.paths
    tray.shutdown()
    again = make_tray(paths=paths)
    assert again.bridge.state.current_client == "acme"


def test_no_clients_in_the_policy_disables_current_client(qtbot, make_tray, fake_collector):
    fake_collector.policy = policy_body(clients=[])
    tray = make_tray()
    agree(qtbot, tray)
    tray.core.upload_now()
    qtbot.waitUntil(lambda: not tray.core.clients(), timeout=WAIT_MS)
    tray.bridge.refresh()
    assert not tray.menu.client.isEnabled()


# -- desktops without a tray, quitting, a second start ----------------------------------


def test_no_system_tray_opens_a_status_window_instead(qtbot, make_tray):
    tray = make_tray(tray_available=False)
    w = tray.status_window
    assert w is not None and w.isVisible() and w.windowTitle() == "Backlight — status"
    assert "no system tray" in w.findChild(type(w.headline), "noTrayNote").text()
    assert w.menu_button.menu() is tray.menu
    agree(qtbot, tray)
    qtbot.waitUntil(lambda: "Tracking" in w.headline.text(), timeout=WAIT_MS)
    qtbot.mouseClick(w.my_day, Qt.MouseButton.LeftButton)
    assert tray.my_day.isVisible()
    w.close()  # closing it keeps the agent running
    assert tray.core.running
    tray.show_self()  # what a second start asks for
    assert w.isVisible()


def test_quit_stops_the_core_and_writes_the_open_segment(qtbot, make_tray, monkeypatch, clock):
    quits = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(1)))
    tray = make_tray()
    agree(qtbot, tray)
    run_for(qtbot, clock, 10)
    tray.menu.quit.trigger()
    assert quits == [1]
    tray.shutdown()  # what aboutToQuit runs
    assert not tray.core.running
    assert not tray.tray.isVisible()
    assert segments_in(tray) >= 1


def test_a_second_start_asks_the_first_to_show_itself(qtbot, profile):
    from agent.tray.instance import SingleInstance, ask_running_to_show, server_name

    name = server_name(profile)
    assert len(name) < 40
    assert not ask_running_to_show(name)  # nobody listens yet
    first = SingleInstance(name)
    assert first.listen()
    try:
        with qtbot.waitSignal(first.showRequested, timeout=WAIT_MS):
            assert ask_running_to_show(name)
    finally:
        first.close()


def test_a_refused_batch_shows_as_an_error_and_can_be_sent_again(
    qtbot, make_tray, fake_collector, clock
):
    tray = make_tray()
    agree(qtbot, tray)
    run_for(qtbot, clock, 10)
    fake_collector.script["/summaries"] = [400]
    tray.pause(15)  # closes the segment; the next upload is refused once
    tray.core.upload_now()
    qtbot.waitUntil(lambda: tray.bridge.state.quarantined_batches == 1, timeout=WAIT_MS)
    assert tray.view.kind == view.ERROR
    assert "refused by the collector" in tray.tray.toolTip()
    tray.show_my_day()
    w = tray.my_day
    assert "Refused by the collector: 1 batch" in w.queue.text()
    assert w.retry_button.isVisible()
    qtbot.mouseClick(w.retry_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(fake_collector.segments()), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tray.bridge.state.quarantined_batches == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not w.retry_button.isVisible(), timeout=WAIT_MS)
    assert tray.view.kind == view.PAUSED
    qtbot.mouseClick(w.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.summary_state == "ok", timeout=WAIT_MS)
