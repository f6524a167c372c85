"""The tray's wording and icons, without windows."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from agent.core.state import AgentState
from agent.outbox.quarantine import Quarantined
from agent.tray import view
from agent.tray.consent_window import render

BASE = AgentState(
    consent="granted",
    consent_version=1,
    tracking=True,
    paused=False,
    paused_until=None,
    current_category="payroll",
    current_client=None,
    queued_segments=0,
    pending_batches=0,
    quarantined_batches=0,
    quarantined=(),
    pending_consent=0,
    pending_units=0,
    last_upload_at=None,
    last_error=None,
    write_error=None,
    offline=False,
    enrolled=True,
    unauthorised=False,
    running=True,
    probe="x11",
    limitations=(),
)


def test_tracking_names_the_function_and_the_client():
    v = view.describe(replace(BASE, current_client="acme"), {"acme": "Acme Corp"})
    assert v.kind == view.TRACKING
    assert v.headline == "tracking: Payroll processing · client Acme Corp"
    assert v.tooltip.startswith("Backlight — tracking: Payroll processing")


@pytest.mark.parametrize(
    ("consent", "words"),
    [
        ("none", "waiting for your decision"),
        ("outdated", "the terms changed"),
        ("declined", "you declined"),
        ("withdrawn", "you withdrew"),
    ],
)
def test_without_a_grant_it_says_not_tracking_and_why(consent, words):
    v = view.describe(replace(BASE, consent=consent, tracking=False, current_category=None))
    assert v.kind == view.OFF
    assert v.headline.startswith("not tracking") and words in v.headline


def test_not_enrolled():
    v = view.describe(replace(BASE, consent="none", consent_version=None, enrolled=False))
    assert v.kind == view.OFF and "not set up" in v.headline


def test_paused_until_a_time_or_until_resumed():
    until = datetime.now().astimezone() + timedelta(minutes=30)
    v = view.describe(replace(BASE, paused=True, tracking=False, paused_until=until))
    assert v.kind == view.PAUSED and v.headline == f"paused until {until.strftime('%H:%M')}"
    v = view.describe(replace(BASE, paused=True, tracking=False))
    assert v.headline == "paused until you resume"


def test_offline_says_how_much_is_waiting():
    v = view.describe(replace(BASE, offline=True, queued_segments=12))
    assert v.kind == view.OFFLINE
    assert "Offline: the collector cannot be reached; 12 segments waiting to be sent" in v.details


@pytest.mark.parametrize(
    "change",
    [
        {"unauthorised": True},
        {"write_error": "cannot write the outbox: disk full"},
        {"quarantined_batches": 1, "quarantined": (Quarantined("b1", 3, 400, "bad", "t"),)},
        {"limitations": ("no foreground probe, nothing can be tracked: no display",)},
    ],
)
def test_errors_win_and_say_what_to_do(change):
    v = view.describe(replace(BASE, **change))
    assert v.kind == view.ERROR
    assert v.details and len(v.details[0]) > 10


def test_durations_read_like_people_talk():
    assert view.duration(0) == "0 min"
    assert view.duration(20) == "< 1 min"
    assert view.duration(45 * 60) == "45 min"
    assert view.duration(2 * 3600 + 5 * 60) == "2 h 05 min"


def test_consent_text_is_escaped_and_headings_are_bold():
    html = render("Intro <b>not markup</b>.\n\nWhat is sent: time per function.")
    assert "&lt;b&gt;not markup&lt;/b&gt;" in html
    assert "<b>What is sent:</b> time per function." in html


def test_each_state_has_its_own_icon(qapp):
    from PySide6.QtCore import QBuffer, QIODevice

    from agent.tray import icons

    pictures = set()
    for kind in view.KINDS:
        pm = icons.draw(kind, 32)
        assert not pm.isNull() and pm.width() == 32
        buf = QBuffer()
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        pm.toImage().save(buf, "PNG")
        pictures.add(bytes(buf.data()))
        assert not icons.icon(kind).isNull()
    assert len(pictures) == len(view.KINDS)
    with pytest.raises(ValueError):
        icons.draw("sparkly")
