"""The MSI's JScript custom actions, run under Node with stand-ins for Windows.

What is pinned: whatever an admin passes to msiexec comes back unchanged
when the agent parses agent.toml (quotes, backslashes, non-ASCII, characters
beyond the BMP); the file is pure ASCII (FileSystemObject writes the ANSI
code page); a value with a tab fails the install instead of shifting keys;
an existing agent.toml is replaced; purge deletes it. The engine differs
from Windows' JScript 5, so the script keeps to ECMAScript 3.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.fixtures.requirements import need_programs

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "installer" / "windows" / "machine_config.js"
HOST = Path(__file__).with_name("msi_script_host.js")


def run(entry: str, data: str, tmp_path: Path) -> subprocess.CompletedProcess:
    need_programs("node")
    (tmp_path / "data").write_text(data, encoding="utf-8")
    return subprocess.run(
        ["node", str(HOST), str(SCRIPT), entry, str(tmp_path / "data")],
        capture_output=True,
        text=True,
    )


def write(tmp_path: Path, url: str, token: str, ca: str = "", user: str = "") -> str:
    done = run("WriteMachineConfig", "\t".join([f"{tmp_path}/", url, token, ca, user]), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1"
    return (tmp_path / "agent.toml").read_bytes().decode("ascii")


@pytest.mark.parametrize(
    "token",
    [
        "plain-token_123",
        'quote"in',
        "back\\slash\\",
        "x = 1\n[table]",  # would be TOML structure if written unescaped
        "caf\u00e9 \u65e5\u672c",
        "emoji \U0001f600 end",
        "del\x7f and \x01 control",
    ],
)
def test_values_survive_the_round_trip(tmp_path: Path, token: str) -> None:
    text = write(tmp_path, "https://backlight.example.org", token)
    assert tomllib.loads(text) == {
        "collector_url": "https://backlight.example.org",
        "enrollment_token": token,
    }


def test_optional_keys_only_when_given(tmp_path: Path) -> None:
    text = write(
        tmp_path,
        "https://b.example",
        "t",
        r"C:\ProgramData\Backlight\ca.pem",
        "{login}@corp.example",
    )
    assert tomllib.loads(text) == {
        "collector_url": "https://b.example",
        "enrollment_token": "t",
        "ca_bundle": r"C:\ProgramData\Backlight\ca.pem",
        "user_name": "{login}@corp.example",
    }
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")


def test_existing_config_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "agent.toml").write_text('collector_url = "https://old.example"\n')
    assert tomllib.loads(write(tmp_path, "https://new.example", "t2"))["collector_url"] == (
        "https://new.example"
    )
    assert not (tmp_path / "agent.toml.new").exists()


def test_a_tab_in_a_value_fails_the_install(tmp_path: Path) -> None:
    done = run("WriteMachineConfig", f"{tmp_path}/\thttps://b.example\tto\tken\t\t", tmp_path)
    assert done.returncode != 0
    assert re.search(r"expected 5 fields .* got 6", done.stderr)
    assert not (tmp_path / "agent.toml").exists()


def test_missing_token_fails(tmp_path: Path) -> None:
    done = run("WriteMachineConfig", f"{tmp_path}/\thttps://b.example\t\t\t", tmp_path)
    assert done.returncode != 0 and "both required" in done.stderr


def test_purge_removes_the_config_only(tmp_path: Path) -> None:
    (tmp_path / "agent.toml").write_text("x")
    (tmp_path / "ca.pem").write_text("admin's own file")
    done = run("PurgeMachineConfig", f"{tmp_path}/", tmp_path)
    assert done.returncode == 0 and done.stdout == "1"
    assert not (tmp_path / "agent.toml").exists()
    assert (tmp_path / "ca.pem").exists()
    assert run("PurgeMachineConfig", f"{tmp_path}/", tmp_path).returncode == 0  # nothing left: fine


def test_script_keeps_to_ecmascript_3() -> None:
    source = SCRIPT.read_text()
    code = re.sub(r"//[^\n]*", "", source)
    for construct in (r"\blet\b", r"\bconst\b", "=>", r"\bJSON\b", r"\.trim\(", "`", r"\bclass\b"):
        assert not re.search(construct, code), construct
