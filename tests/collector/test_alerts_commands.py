"""`backlight-collector alerts send [--now]` against a real SMTP server (aiosmtpd)
and a webhook receiver on 127.0.0.1, on a collector fed through its API.

Worked by hand over the last full Monday-to-Sunday week, minimum group 3,
available hours 40 x (1 - 0.20) / 5 = 6.4 h a day, overload above 110%:

* ops, 3 people: one works 8 h a day (40 h, 125%: overloaded), two 6.5 h
  (32.5 h, 102%: balanced); 1 of 3 = 33% overloaded > 20%: an alert. All of it
  is reporting: 105 h for 21 reports = 5.0 h a report, slow above 3: an alert.
* west, 3 people at 6.5 h: 97.5 h for 65 reports = 1.5 h, reasonable: none.
* solo, 1 person: below the group, hidden; no alert, whatever its figures.

maria manages ops, wes west and solo, olga ops without an address; the admin
has an address but no digest (managers get one, of their teams).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.collector.batches import batch, plan
from tests.fixtures.collector_server import CollectorServer, _make, run_cli

pytestmark = pytest.mark.slow

TODAY = date.today()
MONDAY = TODAY - timedelta(days=TODAY.weekday() + 7)
SUNDAY = MONDAY + timedelta(days=6)
WEEK = f"{MONDAY.isocalendar()[0]}-W{MONDAY.isocalendar()[1]:02d}"
PEOPLE = {
    "ops": [("Zoe Quist", 480), ("Yann Oberg", 390), ("Xia Pemberton", 390)],
    "west": [("Walt Nygaard", 390), ("Vera Mollison", 390), ("Uma Lindqvist", 390)],
    "solo": [("Tom Kettering", 600)],
}
NAMES = [name for team in PEOPLE.values() for name, _ in team]
PASSWORD = "a long enough password"


def _add_user(c, name: str, role: str, teams: list[str], email: str) -> None:
    args = ["user", "add", name, "--role", role]
    for t in teams:
        args += ["--team", t]
    if email:
        args += ["--email", email]
    c.cli(*args, stdin=PASSWORD + "\n")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def org(request, tmp_path_factory):
    """The organisation above, on each backend."""
    tmp = tmp_path_factory.mktemp("alerts")
    if request.param == "sqlite":
        c = _make(tmp)
        drop = None
    else:
        server = request.getfixturevalue("postgres_server")
        name = server.new_database()
        c = CollectorServer(server.url(name), tmp / "collector.log")  # type: ignore[arg-type]
        c.cli("team", "add", "ops")
        c.admin_key = c.cli("apikey", "create", "--role", "admin").strip()
        drop = (server, name)
    c.start()
    c.cli("settings", "set", "privacy.min_group_size=3")
    for team in ("west", "solo"):
        c.cli("team", "add", team)
    for team, people in PEOPLE.items():
        for name, minutes in people:
            token = c.enroll(name, team=team)
            segments = []
            for d in range(5):
                day = MONDAY + timedelta(days=d)
                start = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
                segments += plan(start, [("reporting", minutes)])
            r = c.api("POST", "/summaries", token, json=batch(segments))
            assert r.status_code == 200, r.text
    items = [
        {"date": MONDAY.isoformat(), "function": "reporting", "units": units, "team": team}
        for team, units in (("ops", 21), ("west", 65), ("solo", 1))
    ]
    r = c.api("POST", "/output-units", c.admin_key, json={"items": items})
    assert r.status_code == 200, r.text
    _add_user(c, "maria", "manager", ["ops"], "maria@example.com")
    _add_user(c, "wes", "manager", ["west", "solo"], "wes@example.com")
    _add_user(c, "olga", "manager", ["ops"], "")
    _add_user(c, "boss", "admin", [], "boss@example.com")
    yield c
    c.stop()
    if drop:
        from collector.store.postgres.pool import close_pools

        close_pools(drop[0].url(drop[1]))
        drop[0].drop_database(drop[1])


def send(c, *args: str, ok: bool = True):
    import subprocess

    from tests.fixtures.collector_server import CLI

    out = subprocess.run(
        [*CLI, "alerts", "send", "--db", str(c.db), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (out.returncode == 0) is ok, out
    return out


def configure(c, smtp_port: int, webhook_url: str = "") -> None:
    c.cli(
        "settings",
        "set",
        "alerts.smtp_host=127.0.0.1",
        f"alerts.smtp_port={smtp_port}",
        "alerts.from=backlight@example.com",
        f"alerts.webhook_url={webhook_url}",
        "alerts.dashboard_url=https://backlight.example.com",
    )


def reset_sent_log(c) -> None:
    store = c.store()
    try:
        with store.write() as conn:
            conn.execute("DELETE FROM alert_deliveries")
    finally:
        store.close()


def test_digests_and_alerts_reach_the_right_people_once_without_names(org, smtp_sink, webhook):
    c = org
    reset_sent_log(c)
    configure(c, smtp_sink.port, webhook.url)
    out = send(c, "--now")
    assert f"{WEEK}: 2 alert(s) found; sent 2 digest(s), 1 alert mail(s), 2 webhook call(s)" in (
        out.stderr
    )
    # Who got what: maria an alert mail and a digest of ops; wes a digest of west and
    # solo; olga (no address) and the admin nothing.
    assert sorted(r for m in smtp_sink.messages for r in m.rcpt_tos) == [
        "maria@example.com",
        "maria@example.com",
        "wes@example.com",
    ]
    subjects = {m.message["Subject"] for m in smtp_sink.to("maria@example.com")}
    assert f"Backlight 2 alerts for {WEEK}: ops" in subjects
    (maria_digest,) = [
        m for m in smtp_sink.to("maria@example.com") if "digest" in m.message["Subject"]
    ]
    (wes_digest,) = smtp_sink.to("wes@example.com")
    (alert,) = [m for m in smtp_sink.to("maria@example.com") if "alerts" in m.message["Subject"]]
    assert (
        "Reporting is slow in ops: 5.00 h per unit (reports delivered) "
        "against a slow limit of 3.00 h" in alert.text
    )
    assert (
        "ops: 1 of 3 people (33%) worked above 110% of their available hours (alert above 20%)"
        in alert.text
    )
    assert maria_digest.message["From"] == "backlight@example.com"
    assert maria_digest.message["Subject"].endswith(": ops")
    assert wes_digest.message["Subject"].endswith(": solo, west")
    # maria's digest: ops only, the hand-worked figures, links to the pages.
    text = maria_digest.text
    assert "== ops ==" in text and "west" not in text and "solo" not in text
    assert "Reporting: 105.0 h, 21 reports delivered, 5.00 h per unit, slow" in text
    assert "1 overloaded, 2 balanced, 0 with unused capacity (of 3 rated)" in text
    span = f"from={MONDAY.isoformat()}&to={SUNDAY.isoformat()}"
    assert f"https://backlight.example.com/functions?team=ops&{span}" in text
    assert f'href="https://backlight.example.com/functions?team=ops&{span}"'.replace(
        "&", "&amp;"
    ) in (maria_digest.html)
    # wes: west's figures, solo hidden.
    assert "Reporting: 97.5 h, 65 reports delivered, 1.50 h per unit, reasonable" in wes_digest.text
    assert "== solo ==\nfigures hidden: fewer than 3 people" in wes_digest.text, wes_digest.text
    assert "Tom" not in wes_digest.text and "600" not in wes_digest.text
    # The webhook: one JSON body per alert, as docs/design.md §4 gives it.
    assert webhook.content_types == ["application/json", "application/json"]
    bodies = {b["kind"]: b for b in webhook.bodies}
    assert bodies["slow"] == {
        "kind": "slow",
        "team": "ops",
        "function": "reporting",
        "figure": pytest.approx(5.0),
        "threshold": pytest.approx(3.0),
        "period": WEEK,
        "link": f"https://backlight.example.com/functions?team=ops&{span}",
    }
    assert bodies["overloaded"] == {
        "kind": "overloaded",
        "team": "ops",
        "figure": pytest.approx(1 / 3),
        "threshold": 0.2,
        "period": WEEK,
        "link": f"https://backlight.example.com/workload?team=ops&{span}",
    }
    # No person's name anywhere.
    everything = [m.text + m.html for m in smtp_sink.messages] + [str(webhook.bodies)]
    for name in NAMES:
        for part in name.split():
            assert all(part not in blob for blob in everything), name
    # Nothing twice: the next round (and another --now) sends nothing. Sent before:
    # maria's two alerts by mail, both to the webhook, two digests = 6 deliveries.
    out = send(c, "--now")
    assert "sent 0 digest(s), 0 alert mail(s), 0 webhook call(s); 6 sent before" in out.stderr
    assert len(smtp_sink.messages) == 3 and webhook.calls == 2


def test_a_down_smtp_server_is_retried_and_logged_and_sent_on_the_next_round(
    org, smtp_sink, webhook
):
    c = org
    reset_sent_log(c)
    smtp_sink.stop()  # the relay is down
    webhook.failures = [500]  # and the webhook fails once
    configure(c, smtp_sink.port, webhook.url)
    out = send(c, "--now", ok=False)
    assert "attempt 1 of 3 failed" in out.stderr and "attempt 3 of 3 failed" in out.stderr
    assert "not sent after 3 attempts" in out.stderr and "the next round tries again" in out.stderr
    assert "waits for the next round" in out.stderr  # the other mails did not each wait
    assert "sent 0 digest(s), 0 alert mail(s), 2 webhook call(s)" in out.stderr
    assert "3 failed" in out.stderr
    assert "alert alert|" in out.stderr and "sent on attempt 2" in out.stderr
    assert webhook.calls == 3 and len(webhook.bodies) == 2
    store = c.store()
    try:
        assert {d["recipient"] for d in store.deliveries()} == {"webhook"}
    finally:
        store.close()
    # The relay is back: the next round sends what waited, and the webhook nothing again.
    smtp_sink.start()
    out = send(c, "--now")
    assert "sent 2 digest(s), 1 alert mail(s), 0 webhook call(s); 2 sent before" in out.stderr
    assert len(smtp_sink.messages) == 3 and webhook.calls == 3


def test_without_now_nothing_goes_before_monday_morning_and_without_smtp_no_mail(org, webhook):
    c = org
    reset_sent_log(c)
    c.cli("settings", "set", "alerts.smtp_host=", f"alerts.webhook_url={webhook.url}")
    out = send(c)
    if TODAY.weekday() == 0 and datetime.now(UTC).hour < 7:
        assert "not due yet" in out.stderr and webhook.calls == 0
    else:
        assert "no SMTP host set (alerts.smtp_host): no e-mail sent" in out.stderr
        assert "0 digest(s)" in out.stderr and webhook.calls == 2


def test_alerts_send_on_a_missing_database_is_refused(tmp_path):
    import subprocess

    from tests.fixtures.collector_server import CLI

    out = subprocess.run(
        [*CLI, "alerts", "send", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0 and "none.db" in out.stderr
    assert run_cli  # the module's helpers stay importable


def test_the_running_collector_sends_them_once_across_its_processes(org, smtp_sink, webhook):
    """The background job under the job lock, a round a second here: two worker
    processes, several rounds, and still each message once."""
    if TODAY.weekday() == 0 and datetime.now(UTC).hour < 7:
        pytest.skip("the week's mail is due from Monday 07:00 (UTC here)")
    c = org
    reset_sent_log(c)
    configure(c, smtp_sink.port, webhook.url)
    c.stop()
    c.env = {"BACKLIGHT_ALERTS_EVERY_S": "1"}
    c.serve_args = ["--workers", "2"]
    c.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (len(smtp_sink.messages) < 3 or webhook.calls < 2):
        time.sleep(0.2)
    time.sleep(4)  # several more rounds, in whichever process holds the lock
    assert sorted(r for m in smtp_sink.messages for r in m.rcpt_tos) == [
        "maria@example.com",
        "maria@example.com",
        "wes@example.com",
    ]
    assert webhook.calls == 2
    log = c.log.read_text()
    assert log.count("sent 2 digest(s), 1 alert mail(s), 2 webhook call(s)") == 1, log
