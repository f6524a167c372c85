"""The desktop fixture itself: real windows take focus, the tray host comes and goes."""

import pytest

pytestmark = pytest.mark.x11


def test_focus_follows_xdotool(desktop):
    a = desktop.open_window("Fixture window A")
    b = desktop.open_window("Fixture window B")
    desktop.focus(a)
    assert desktop.active_window() == a
    desktop.focus(b)
    assert desktop.active_window() == b


def test_tray_host_owns_the_selection(tray_desktop):
    assert tray_desktop.tray_host_running()
