"""The machine config: the file three installers write and every agent reads."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from agent import machine_config as mc
from agent.machine_config import MachineConfigError

GOOD = b"""
collector_url = "https://backlight.example.org/"
enrollment_token = "tok-123"
ca_bundle = "/etc/backlight/ca.pem"
user_name = "{login}@corp.example"
"""


def write(tmp_path: Path, text: bytes, name: str = "agent.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text)
    return path


def test_all_four_keys_parse_and_the_url_loses_its_trailing_slash(tmp_path):
    config = mc.load_file(write(tmp_path, GOOD))
    assert config is not None
    assert config.collector_url == "https://backlight.example.org"
    assert config.enrollment_token == "tok-123"
    assert config.ca_bundle == "/etc/backlight/ca.pem"
    assert config.employee_name("kim") == "kim@corp.example"
    assert config.can_enroll


def test_a_missing_file_is_no_config_and_empty_values_count_as_absent(tmp_path):
    assert mc.load_file(tmp_path / "nope.toml") is None
    config = mc.load_file(write(tmp_path, b'collector_url = "http://c"\nenrollment_token = ""\n'))
    assert config is not None and not config.can_enroll
    assert config.employee_name("kim") == "kim"  # the default mapping


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (b'collector_url = "https://c"\ntoken = "x"\n', "'token'"),
        (b"enrollment_token = 42\n", "enrollment_token must be a string, not int"),
        (b"collector_url = true\n", "collector_url must be a string, not bool"),
        (b'collector_url = "ftp://c"\n', "collector_url must be an http(s) URL"),
        (b'ca_bundle = "ca.pem"\n', "ca_bundle must be an absolute path"),
        (b'user_name = "{user}@corp"\n', "user_name must contain {login}"),
        (b'user_name = "{login!r}"\n', "user_name must contain {login}"),
        (b'user_name = "{login"\n', "user_name"),
        (b"[backlight]\ncollector_url = 1\n", "'backlight'"),
        (b'collector_url = "unterminated\n', "not valid TOML"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_wrong_file_is_an_error_naming_the_key(tmp_path, text, named):
    path = write(tmp_path, text)
    with pytest.raises(MachineConfigError) as e:
        mc.load_file(path)
    assert named in str(e.value)
    assert str(path) in str(e.value)


def test_the_managed_preference_wins_key_by_key_and_its_payload_keys_are_ignored(tmp_path):
    toml = write(tmp_path, b'collector_url = "https://file"\nenrollment_token = "file-token"\n')
    plist = tmp_path / "org.backlight.agent.plist"
    plist.write_bytes(plistlib.dumps({"enrollment_token": "mdm-token", "PayloadUUID": "ABC-123"}))
    config = mc.load_file(toml, managed=plist)
    assert config is not None
    assert (config.collector_url, config.enrollment_token) == ("https://file", "mdm-token")
    assert str(plist) in config.source
    plist.write_bytes(plistlib.dumps({"enrollment_token": 7}))
    with pytest.raises(MachineConfigError, match="enrollment_token must be a string"):
        mc.load_file(toml, managed=plist)


def test_locations_per_os_and_the_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("PROGRAMDATA", r"D:\Data")
    assert str(mc.default_path("linux")) == "/etc/backlight/agent.toml"
    assert mc.default_path("darwin") == Path("/Library/Application Support/Backlight/agent.toml")
    assert mc.default_path("win32").parts[-2:] == ("Backlight", "agent.toml")
    assert "Data" in str(mc.default_path("win32"))
    path = write(tmp_path, GOOD)
    monkeypatch.setenv(mc.ENV_MACHINE_CONFIG, str(path))
    assert mc.load("darwin").source == str(path)  # the override turns the plist off too


def test_the_installers_writer_round_trips_odd_characters_and_merges(tmp_path):
    path = tmp_path / "etc" / "agent.toml"
    env = {
        "BACKLIGHT_COLLECTOR_URL": "https://c.example/",
        "BACKLIGHT_ENROLLMENT_TOKEN": 'a"b\\c',
    }
    assert mc.write_from_env(path, env)
    assert path.stat().st_mode & 0o777 == 0o644
    config = mc.load_file(path)
    assert (config.collector_url, config.enrollment_token) == ("https://c.example", 'a"b\\c')
    assert not mc.write_from_env(path, {})  # no parameter: the file stays as it was
    assert mc.write_from_env(path, {"BACKLIGHT_ENROLLMENT_TOKEN": "rotated"})
    config = mc.load_file(path)
    assert (config.collector_url, config.enrollment_token) == ("https://c.example", "rotated")
    with pytest.raises(MachineConfigError, match="collector_url"):
        mc.write_from_env(path, {"BACKLIGHT_COLLECTOR_URL": "backlight.example.org"})
    assert mc.load_file(path).enrollment_token == "rotated"  # a bad call changed nothing


def test_which_enrollment_failures_are_final():
    from agent.core.enrollment import EnrollmentFailed

    assert EnrollmentFailed("used up", 401).refused
    assert EnrollmentFailed("bad", 422).refused
    assert not EnrollmentFailed("slow down", 429).refused
    assert not EnrollmentFailed("server", 503).refused
    assert not EnrollmentFailed("unreachable").refused
