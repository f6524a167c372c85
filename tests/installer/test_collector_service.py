"""The collector's systemd unit and reverse-proxy recipes, as admins get them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.requirements import need_programs

FOLDER = Path(__file__).resolve().parents[2] / "installer" / "collector"
UNIT = FOLDER / "backlight-collector.service"


def unit_entries(text: str) -> list[tuple[str, str, str]]:
    """(section, key, value) in order; systemd allows a key more than once."""
    section, out = "", []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if m := re.fullmatch(r"\[(\w+)\]", line):
            section = m.group(1)
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not a key=value line: {line!r}"
        out.append((section, key.strip(), value.strip()))
    return out


def test_the_unit_is_hardened_and_serves_on_loopback_from_its_state_directory():
    entries = unit_entries(UNIT.read_text())
    service = {}
    for section, key, value in entries:
        if section == "Service":
            service.setdefault(key, []).append(value)
    one = {k: v[-1] for k, v in service.items()}
    assert {s for s, _, _ in entries} == {"Unit", "Service", "Install"}
    assert one.get("User") == "backlight" or one.get("DynamicUser") == "yes"
    for key, value in {
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "NoNewPrivileges": "yes",
        "StateDirectory": "backlight",
        "CapabilityBoundingSet": "",
        "RestrictSUIDSGID": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectControlGroups": "yes",
        "SystemCallArchitectures": "native",
    }.items():
        assert one.get(key) == value, f"{key}={one.get(key)!r}, want {value!r}"
    assert "@system-service" in service["SystemCallFilter"]
    exec_start = one["ExecStart"].split()
    assert exec_start[1] == "serve"
    assert exec_start[exec_start.index("--host") + 1] == "127.0.0.1"  # TLS proxy in front
    assert one["Environment"] == "BACKLIGHT_DB=/var/lib/backlight/collector.db"
    assert one["Restart"] == "on-failure"


def test_systemd_analyze_verifies_the_unit(tmp_path: Path):
    need_programs("systemd-analyze")
    collector = Path(sys.executable).with_name("backlight-collector")
    assert collector.exists(), collector
    # The unit as installed, but pointing at this tree's collector (verify checks it exists).
    text = UNIT.read_text().replace("/opt/backlight-collector/bin/backlight-collector",
                                    str(collector))  # fmt: skip
    unit = tmp_path / UNIT.name
    unit.write_text(text)
    env = {**os.environ, "SYSTEMD_LOG_LEVEL": "warning"}
    out = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    ours = [ln for ln in out.stderr.splitlines() if UNIT.name in ln]
    assert out.returncode == 0 and not ours, out.stderr


@pytest.mark.parametrize(
    ("name", "must"),
    [
        ("nginx.conf", ["client_header_timeout", "client_body_timeout", "proxy_read_timeout",
                        "proxy_send_timeout", "ssl_certificate", "127.0.0.1:8000"]),
        ("Caddyfile", ["read_header", "read_body", "reverse_proxy 127.0.0.1:8000"]),
    ],
)  # fmt: skip
def test_the_proxy_recipes_set_tls_and_slow_client_timeouts(name, must):
    text = (FOLDER / name).read_text()
    for needle in must:
        assert needle in text, f"{name} lacks {needle}"
