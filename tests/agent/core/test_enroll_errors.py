"""``backlight-agent enroll`` says who it enrolled, and what to do when it cannot.

Against a real collector process: a token that is unknown, used up, expired
or revoked each gets its own sentence (the collector names the case in the
401's ``fields``); an ``https://`` URL pointing at this plain-HTTP collector
says so, with the URL to use, instead of a TLS error or a read timeout.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.agent.test_faults_collector_down import AgentProcess
from tests.fixtures.collector_server import CollectorServer, collector  # noqa: F401


def enroll(tmp_path: Path, name: str, url: str, token: str, user: str = "maria"):
    agent = AgentProcess(tmp_path / name)
    return agent, agent.cli(
        "enroll", "--collector", url, "--token", token, "--user", user, check=False
    )


def test_enroll_says_who_and_which_team(tmp_path: Path, collector: CollectorServer):  # noqa: F811
    token = collector.cli("token", "create", "--team", "ops").strip()
    agent, out = enroll(tmp_path, "a", collector.url, token)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == agent.config["device_id"]  # stdout: the id alone, for scripts
    assert "Enrolled 'maria' in team 'ops'" in out.stderr
    assert agent.config["team"] == "ops"
    assert "as 'maria' (team 'ops')" in agent.cli("status").stdout


def test_each_refused_token_says_which_and_what_to_do(tmp_path: Path, collector: CollectorServer):  # noqa: F811
    _, unknown = enroll(tmp_path, "u", collector.url, "bl_enroll_not-a-real-token")
    assert "does not know this enrollment token" in unknown.stderr, unknown.stderr

    once = collector.cli("token", "create", "--team", "ops", "--uses", "1").strip()
    assert enroll(tmp_path, "o1", collector.url, once)[1].returncode == 0
    _, used = enroll(tmp_path, "o2", collector.url, once, "ines")
    assert "used up" in used.stderr and "ask your admin" in used.stderr, used.stderr

    brief = collector.cli("token", "create", "--team", "ops", "--expires", "0.00001").strip()
    time.sleep(1.2)  # 0.00001 days is 0.86 s
    _, expired = enroll(tmp_path, "e", collector.url, brief)
    assert "has expired" in expired.stderr, expired.stderr

    revoked_token = collector.cli("token", "create", "--team", "ops").strip()
    store = collector.store()
    newest = store.enrollment_tokens()[0]["id"]
    assert store.revoke_enrollment_token(newest)
    _, revoked = enroll(tmp_path, "r", collector.url, revoked_token)
    assert "revoked by an admin" in revoked.stderr, revoked.stderr

    for out in (unknown, used, expired, revoked):
        assert out.returncode == 1 and "(401)" in out.stderr


def test_https_against_a_plain_http_collector_names_the_fix(
    tmp_path: Path,
    collector: CollectorServer,  # noqa: F811
):
    token = collector.cli("token", "create", "--team", "ops").strip()
    wrong = collector.url.replace("http://", "https://")
    started = time.monotonic()
    _, out = enroll(tmp_path, "s", wrong, token)
    assert time.monotonic() - started < 20
    assert out.returncode == 1
    assert "does not answer HTTPS" in out.stderr, out.stderr
    assert f"use --collector {collector.url}" in out.stderr
    assert "ReadTimeout" not in out.stderr and "SSL" not in out.stderr
