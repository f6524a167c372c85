"""``backlight-agent`` with no arguments starts the tray; ``--headless`` does not."""

from __future__ import annotations

import agent.service
import agent.tray
from agent.cli import main


def test_no_arguments_start_the_tray(tmp_path, monkeypatch):
    calls = []
    monkeypatch.delenv("BACKLIGHT_MACHINE_CONFIG", raising=False)
    monkeypatch.setattr(agent.tray, "run", lambda paths, enroller: calls.append(paths) or 7)
    monkeypatch.setattr(agent.service, "run_headless", lambda paths, enroller: 99)
    assert main(["--config", str(tmp_path / "config.json")]) == 7
    assert calls and calls[0].config_file == tmp_path / "config.json"


def test_headless_stays_headless(tmp_path, monkeypatch):
    monkeypatch.setattr(agent.tray, "run", lambda paths, enroller: 7)
    monkeypatch.setattr(agent.service, "run_headless", lambda paths, enroller: 0)
    assert main(["--headless", "--config", str(tmp_path / "config.json")]) == 0


def test_only_the_default_profile_gets_the_machine_configs_auto_enrollment(tmp_path, monkeypatch):
    from agent.core.auto_enroll import AutoEnroller

    got = {}
    monkeypatch.delenv("BACKLIGHT_MACHINE_CONFIG", raising=False)
    monkeypatch.delenv("BACKLIGHT_AGENT_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(
        agent.service, "run_headless", lambda paths, enroller: got.update(e=enroller(paths)) or 0
    )
    assert main(["--headless"]) == 0
    assert isinstance(got["e"], AutoEnroller)
    assert main(["--headless", "--config", str(tmp_path / "other.json")]) == 0
    assert got["e"] is None  # a chosen profile: tests, side-by-side profiles


def test_the_tray_without_any_display_runs_headless_and_says_so(tmp_path, monkeypatch, capsys):
    from agent.config import Paths
    from agent.tray import process

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(process.sys, "platform", "linux")
    monkeypatch.setattr(agent.service, "run_headless", lambda paths, enroller: 0)
    assert process.run(Paths.resolve(tmp_path / "config.json")) == 0
    assert "no display; running headless" in capsys.readouterr().err
