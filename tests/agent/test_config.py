"""Profiles: where files go, the config file's safety, one agent per profile."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from agent.config import (
    ENV_HOME,
    ENV_POLL,
    AgentConfig,
    AlreadyRunning,
    ConfigError,
    Paths,
    ProfileLock,
    load_config,
    save_config,
)


def test_the_home_env_var_puts_config_and_data_under_one_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_HOME, str(tmp_path / "home"))
    paths = Paths.resolve()
    assert paths.config_file == tmp_path / "home" / "config.json"
    assert paths.outbox == tmp_path / "home" / "data" / "outbox.sqlite"


def test_a_config_path_keeps_its_data_beside_it_so_profiles_never_share_an_outbox(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(ENV_HOME, str(tmp_path / "ignored"))
    a = Paths.resolve(tmp_path / "a" / "agent.json")
    b = Paths.resolve(tmp_path / "b" / "agent.json")
    assert a.data_dir == tmp_path / "a" and b.data_dir == tmp_path / "b"
    assert a.outbox != b.outbox


def test_a_data_dir_key_in_the_config_wins(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_HOME, raising=False)
    cfg = tmp_path / "agent.json"
    cfg.write_text(json.dumps({"data_dir": str(tmp_path / "elsewhere")}))
    assert Paths.resolve(cfg).data_dir == tmp_path / "elsewhere"


def test_without_overrides_the_os_per_user_folders_are_used(monkeypatch):
    monkeypatch.delenv(ENV_HOME, raising=False)
    paths = Paths.resolve()
    assert "backlight" in str(paths.config_file).lower()
    assert "backlight" in str(paths.data_dir).lower()


def test_the_config_round_trips_keeps_unknown_keys_and_is_private(tmp_path):
    paths = Paths.resolve(tmp_path / "agent.json")
    paths.config_file.write_text(json.dumps({"collector_url": "https://c", "future": 1}))
    cfg = load_config(paths)
    assert cfg.collector_url == "https://c" and not cfg.enrolled
    save_config(paths, AgentConfig("https://c", "dev-1", "secret", extra=cfg.extra))
    again = load_config(paths)
    assert again.enrolled and again.device_token == "secret"
    assert json.loads(paths.config_file.read_text())["future"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["agent.json"]  # no temp file left
    if sys.platform != "win32":
        assert stat.S_IMODE(paths.config_file.stat().st_mode) == 0o600


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_a_config_readable_by_others_is_made_private_on_load(tmp_path):
    paths = Paths.resolve(tmp_path / "agent.json")
    paths.config_file.write_text(json.dumps({"device_token": "secret"}))
    os.chmod(paths.config_file, 0o644)
    load_config(paths)
    assert stat.S_IMODE(paths.config_file.stat().st_mode) == 0o600


def test_a_missing_config_is_a_fresh_profile_and_a_broken_one_an_error(tmp_path):
    paths = Paths.resolve(tmp_path / "agent.json")
    assert load_config(paths) == AgentConfig()
    paths.config_file.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config(paths)
    paths.config_file.write_text(json.dumps({"poll_interval_s": "fast"}))
    with pytest.raises(ConfigError):
        load_config(paths)


def test_the_poll_interval_comes_from_the_config_and_the_env_var_overrides_it(monkeypatch):
    monkeypatch.delenv(ENV_POLL, raising=False)
    assert AgentConfig(poll_interval_s=2).effective_poll_s() == 2
    monkeypatch.setenv(ENV_POLL, "0.2")
    assert AgentConfig(poll_interval_s=2).effective_poll_s() == 0.2
    monkeypatch.setenv(ENV_POLL, "nonsense")
    assert AgentConfig(poll_interval_s=2).effective_poll_s() == 2


def test_checkpoints_can_be_made_faster_but_never_rarer_than_a_minute():
    assert AgentConfig(checkpoint_s=600).effective_checkpoint_s() == 60
    assert AgentConfig(checkpoint_s=0.5).effective_checkpoint_s() == 0.5


def test_a_second_agent_on_the_same_profile_is_refused_until_the_first_lets_go(tmp_path):
    first = ProfileLock(tmp_path / "agent.lock")
    with pytest.raises(AlreadyRunning):
        ProfileLock(tmp_path / "agent.lock")
    first.release()
    ProfileLock(tmp_path / "agent.lock").release()
