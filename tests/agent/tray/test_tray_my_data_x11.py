"""The real tray's "Download my data…" on a real X desktop (Xvfb + openbox +
tint2) against a real collector with an enrolled device.

The employee opens the tray menu with a real click, picks "Download my
data…" by keyboard, and answers the save dialog twice: once accepting the
place it proposes (~/Downloads/backlight-my-data-DATE.zip), once typing a
place of their own. Each time the zip must land exactly where the tray then
says it saved it, whole (a valid zip holding this person's JSON and nobody
else's), with no ``.part`` left beside it. The dialog's screenshot is
tray-my-data.png (tests/fixtures/screenshots.py says where it goes).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.agent.tray.test_tray_x11 import Agent, collector_segments, open_tray_menu, seed_morning
from tests.agent.tray.test_tray_x11 import wait_for as wait_until
from tests.fixtures.screenshots import SCREENSHOTS as DOCS

pytestmark = [pytest.mark.x11, pytest.mark.slow]

SAVED = re.compile(r"told the employee: Your data was saved to (\S+\.zip)")


def saved_paths(agent: Agent) -> list[str]:
    return SAVED.findall(agent.log.read_text(errors="replace"))


def choose_download(desktop, agent: Agent) -> None:
    """Open the menu by clicking the icon; from the bottom: Quit, Withdraw
    consent, Download my data."""
    (agent.shots / "tray-menu.png").unlink(missing_ok=True)  # so a second opening is waited for
    open_tray_menu(desktop, agent)
    desktop.key("Up", "Up", "Up", "Return")
    desktop.find("Save my data", timeout=20)

    def focused() -> bool:
        wid = desktop.active_window()
        return wid is not None and desktop.xdotool("getwindowname", str(wid), check=False) == (
            "Save my data"
        )

    wait_until(focused, what="the save dialog to have the keyboard")


def assert_whole_export(path: Path, person: str, stranger: str) -> None:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        doc = json.loads(zf.read("export.json"))
        everything = b"".join(zf.read(n) for n in zf.namelist())
    assert [p["name"] for p in doc["tables"]["person"]] == [person]
    assert [d["hostname"] for d in doc["tables"]["devices"]]
    assert doc["tables"]["segments"], "the person's segments are in the export"
    assert stranger.encode() not in everything
    assert not list(path.parent.glob("*.part"))


def test_download_my_data_from_the_real_tray(tray_desktop, collector, tmp_path):
    collector.cli("settings", "set", "agent.upload_interval_s=5")
    collector.enroll("Yolandeserval")  # someone else, who must not be in the export
    home = tmp_path / "person-home"
    (home / "Downloads").mkdir(parents=True)
    agent = Agent(tmp_path / "profile", tray_desktop, tmp_path / "shots")
    agent.env["HOME"] = str(home)  # where the dialog proposes to save
    agent.enroll(collector, "hana")
    agent.cli("consent", "grant")
    seed_morning(agent)
    agent.start_tray()
    try:
        wait_until(lambda: agent.status()["tracking"], what="tracking")
        wait_until(lambda: collector_segments(collector), timeout=30, what="the morning uploaded")

        # 1. Accept the proposed place.
        choose_download(tray_desktop, agent)
        shot = shutil.copyfile(agent.shot("tray-my-data.png"), tmp_path / "first-dialog.png")
        tray_desktop.key("Return")
        proposed = home / "Downloads" / f"backlight-my-data-{date.today().isoformat()}.zip"
        wait_until(lambda: saved_paths(agent), what="the tray to say where it saved")
        assert saved_paths(agent) == [str(proposed)]
        assert proposed.is_file()
        assert_whole_export(proposed, "hana", "Yolandeserval")

        # 2. Type a place of one's own.
        choose_download(tray_desktop, agent)
        chosen = tmp_path / "elsewhere" / "for-the-works-council.zip"
        chosen.parent.mkdir()
        tray_desktop.key("ctrl+a")
        tray_desktop.type_text(str(chosen))
        tray_desktop.key("Return")
        wait_until(lambda: len(saved_paths(agent)) == 2, what="the second save")
        assert saved_paths(agent)[1] == str(chosen)
        assert_whole_export(chosen, "hana", "Yolandeserval")
        assert agent.proc.poll() is None
    finally:
        assert agent.stop_tray() == 0
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, DOCS / "tray-my-data.png")
