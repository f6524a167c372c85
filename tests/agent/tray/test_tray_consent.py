"""The consent window and consent decisions in the tray, offscreen, over a real
core and a fake collector: nothing is tracked before agreeing, and every decision
reaches the collector."""

from __future__ import annotations

from PySide6.QtCore import Qt

from agent.tray import view
from agent.tray.consent_window import TITLE as CONSENT_TITLE
from tests.agent.core.test_uploader_fake_collector import policy_body
from tests.agent.tray.conftest import WAIT_MS, agree, run_for, segments_in

# -- consent ---------------------------------------------------------------------


def test_consent_window_opens_first_and_nothing_is_sampled_while_it_is_open(
    qtbot, make_tray, probe
):
    tray = make_tray()
    w = tray.consent_window
    qtbot.waitUntil(w.isVisible, timeout=WAIT_MS)
    assert CONSENT_TITLE in w.windowTitle() == "Backlight — consent"
    text = w.body.text()
    for words in ("What is read on this computer", "What is sent", "Who sees what"):
        assert words in text
    assert w.agree_button.isVisible() and w.decline_button.isVisible()
    assert not w.agree_button.isDefault() and not w.decline_button.isDefault()
    qtbot.wait(500)  # ten polls of the tracker
    assert probe.calls == 0
    assert segments_in(tray) == 0
    assert tray.view.kind == view.OFF
    assert "waiting for your decision" in tray.tray.toolTip()

    qtbot.mouseClick(w.agree_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tray.bridge.state.tracking, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: probe.calls > 0, timeout=WAIT_MS)
    assert not w.isVisible()
    qtbot.waitUntil(lambda: "tracking: Payroll processing" in tray.tray.toolTip(), timeout=WAIT_MS)
    assert tray.view.kind == view.TRACKING


def test_consent_agree_and_decline_are_keyboard_accessible(qtbot, make_tray):
    tray = make_tray()
    w = tray.consent_window
    qtbot.waitUntil(w.isVisible, timeout=WAIT_MS)
    assert w.agree_button.text() == "&Agree" and w.decline_button.text() == "&Decline"
    assert w.agree_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    w.agree_button.setFocus()
    qtbot.keyClick(w.agree_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: tray.bridge.state.consent == "granted", timeout=WAIT_MS)


def test_decline_means_no_tracking_and_the_decision_reaches_the_collector(
    qtbot, make_tray, probe, fake_collector
):
    tray = make_tray()
    qtbot.waitUntil(tray.consent_window.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(tray.consent_window.decline_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tray.bridge.state.consent == "declined", timeout=WAIT_MS)
    qtbot.wait(400)
    assert probe.calls == 0 and segments_in(tray) == 0
    assert not tray.bridge.state.tracking
    assert tray.view.kind == view.OFF and "you declined" in tray.tray.toolTip()
    assert tray.menu.consent.text() == "Agree to tracking…"
    assert not tray.menu.pause_actions[15].isEnabled()
    qtbot.waitUntil(
        lambda: (fake_collector.consent or {}).get("decision") == "declined", timeout=WAIT_MS
    )
    assert not tray.consent_window.isVisible()  # no nagging after a no


def test_a_decision_made_offline_is_kept_and_sent_later(qtbot, make_tray, fake_collector):
    fake_collector.script["/policy"] = [503] * 3
    fake_collector.script["/consent"] = [503] * 3
    tray = make_tray()
    agree(qtbot, tray)
    assert tray.core.consent.record.decision == "granted"  # kept locally at once
    qtbot.waitUntil(lambda: tray.bridge.state.offline, timeout=WAIT_MS)
    tray.core.uploader.retry_at = None  # skip the backoff wait
    fake_collector.script.clear()
    tray.core.upload_now()
    qtbot.waitUntil(
        lambda: (fake_collector.consent or {}).get("decision") == "granted", timeout=WAIT_MS
    )


def test_withdraw_stops_tracking_at_once(qtbot, make_tray, probe, fake_collector, clock):
    tray = make_tray()
    agree(qtbot, tray)
    run_for(qtbot, clock, 20)
    assert tray.menu.consent.text() == "Withdraw consent"
    tray.menu.consent.trigger()
    box = tray.withdraw_box
    qtbot.waitUntil(box.isVisible, timeout=WAIT_MS)
    assert tray.bridge.state.consent == "granted"  # asked, not yet done
    box.yes.click()
    assert tray.bridge.state.consent == "withdrawn" and not tray.bridge.state.tracking
    calls = probe.calls
    qtbot.wait(400)
    assert probe.calls == calls
    assert tray.view.kind == view.OFF and "withdrew" in tray.tray.toolTip()
    assert any("withdrawn" in m for m in tray.messages)
    qtbot.waitUntil(
        lambda: (fake_collector.consent or {}).get("decision") == "withdrawn", timeout=WAIT_MS
    )
    # what was recorded before the withdrawal was consented to, and was sent first
    assert [s["category"] for s in fake_collector.segments()] == ["payroll"]


def test_a_new_consent_version_asks_again_and_stops_tracking(qtbot, make_tray, fake_collector):
    tray = make_tray()
    agree(qtbot, tray)
    fake_collector.policy = policy_body(consent_version=2)
    tray.core.upload_now()  # the round refreshes the policy
    qtbot.waitUntil(lambda: tray.bridge.state.consent == "outdated", timeout=WAIT_MS)
    qtbot.waitUntil(tray.consent_window.isVisible, timeout=WAIT_MS)
    assert not tray.bridge.state.tracking
    assert tray.consent_window.version == 2 and "v2" in tray.consent_window.body.text()
    assert "Consent version 2" in tray.consent_window.footer.text()
    qtbot.mouseClick(tray.consent_window.agree_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tray.bridge.state.tracking, timeout=WAIT_MS)
    assert tray.core.consent.record.version == 2


def test_what_is_collected_shows_the_text_without_asking_once_granted(qtbot, make_tray):
    tray = make_tray()
    agree(qtbot, tray)
    tray.menu.collected.trigger()
    w = tray.consent_window
    assert w.isVisible() and not w.ask
    assert w.close_button.isVisible() and not w.agree_button.isVisible()
    assert "You agreed." in w.footer.text()
    qtbot.mouseClick(w.close_button, Qt.MouseButton.LeftButton)
    assert not w.isVisible() and tray.bridge.state.tracking


def test_show_self_brings_consent_forward_while_undecided(qtbot, make_tray):
    tray = make_tray()
    qtbot.waitUntil(tray.consent_window.isVisible, timeout=WAIT_MS)
    tray.consent_window.close()  # closed without answering: not asked again by itself
    tray.bridge.refresh()
    assert not tray.consent_window.isVisible()
    tray.show_self()
    assert tray.consent_window.isVisible() and tray.consent_window.ask


def test_after_declining_the_menu_offers_to_agree_later(qtbot, make_tray, probe):
    tray = make_tray()
    qtbot.waitUntil(tray.consent_window.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(tray.consent_window.decline_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tray.bridge.state.consent == "declined", timeout=WAIT_MS)
    tray.menu.consent.trigger()  # "Agree to tracking…"
    assert tray.consent_window.isVisible() and tray.consent_window.ask
    assert "You declined." in tray.consent_window.footer.text()
    qtbot.mouseClick(tray.consent_window.agree_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: probe.calls > 0, timeout=WAIT_MS)


def test_withdraw_asks_first_and_keep_tracking_changes_nothing(qtbot, make_tray, probe, clock):
    tray = make_tray()
    agree(qtbot, tray)
    tray.menu.consent.trigger()
    box = tray.withdraw_box
    qtbot.waitUntil(box.isVisible, timeout=WAIT_MS)
    assert box.defaultButton() is box.no and box.escapeButton() is box.no
    box.no.click()
    assert not box.isVisible()
    assert tray.bridge.state.consent == "granted" and tray.bridge.state.tracking
    calls = probe.calls
    run_for(qtbot, clock, 3)
    assert probe.calls > calls  # still sampling


def test_consent_window_links_the_collectors_privacy_page(qtbot, make_tray, fake_collector):
    tray = make_tray()
    w = tray.consent_window
    qtbot.waitUntil(w.isVisible, timeout=WAIT_MS)
    assert w.privacy_link.isVisible()
    assert f'href="{fake_collector.url}/privacy"' in w.privacy_link.text()
    assert w.privacy_link.openExternalLinks()
