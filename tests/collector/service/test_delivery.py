"""Sending one message (collector/service/delivery.py) to real servers on 127.0.0.1:
an aiosmtpd relay that requires STARTTLS and a login, with a certificate made
here, and a webhook that fails before it accepts."""

from __future__ import annotations

import logging
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from collector.service.delivery import Mail, post_webhook, send_mail
from tests.fixtures.collector_server import free_port
from tests.fixtures.mail import SmtpSink
from tests.fixtures.requirements import need_programs

MAIL = Mail("maria@example.com", "Weekly digest", "plain text", "<p>html</p>")
LOGINS: list[tuple[str, str]] = []


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    if isinstance(auth_data, LoginPassword):
        LOGINS.append((auth_data.login.decode(), auth_data.password.decode()))
        ok = (auth_data.login, auth_data.password) == (b"backlight", b"relay secret")
        return AuthResult(success=ok, handled=False)  # the server answers 235 or 535
    return AuthResult(success=False, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    need_programs("openssl")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "relay.pem", d / "relay.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_relay(certificate) -> Iterator[SmtpSink]:
    """A relay that takes mail only after STARTTLS and a login."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink = SmtpSink(free_port())
    sink.controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=sink.port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticate,
    )
    sink.controller.start()
    LOGINS.clear()
    yield sink
    sink.stop()


def _settings(port: int, **kw) -> dict:
    return {
        "alerts.smtp_host": "127.0.0.1",
        "alerts.smtp_port": port,
        "alerts.smtp_starttls": True,
        "alerts.smtp_user": "backlight",
        "alerts.smtp_password": "relay secret",
        "alerts.from": "backlight@example.com",
        **kw,
    }


def test_starttls_and_login_deliver_through_a_relay_that_requires_both(
    tls_relay, certificate, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the relay's CA, for this test
    assert send_mail(_settings(tls_relay.port), MAIL, "digest", sleep=lambda s: None) is None
    (got,) = tls_relay.messages
    assert got.rcpt_tos == ["maria@example.com"]
    assert got.message["From"] == "backlight@example.com"
    assert got.message["Auto-Submitted"] == "auto-generated"
    assert (got.text.strip(), got.html.strip()) == ("plain text", "<p>html</p>")
    assert LOGINS == [("backlight", "relay secret")]


def test_a_wrong_password_is_tried_three_times_logged_and_returned(
    tls_relay, certificate, monkeypatch, caplog
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    pauses: list[float] = []
    with caplog.at_level(logging.WARNING, "backlight.alerts"):
        error = send_mail(
            _settings(tls_relay.port, **{"alerts.smtp_password": "wrong"}),
            MAIL,
            "digest",
            sleep=pauses.append,
        )
    assert error and error.startswith("SMTPAuthenticationError")
    assert pauses == [1.0, 4.0]
    lines = [r.getMessage() for r in caplog.records]
    assert sum("digest to maria@example.com: attempt" in line for line in lines) == 3
    assert "not sent after 3 attempts" in lines[-1]
    assert tls_relay.messages == []


def test_a_certificate_that_does_not_verify_is_refused_not_sent_in_clear(tls_relay):
    error = send_mail(_settings(tls_relay.port), MAIL, "digest", sleep=lambda s: None)
    assert error and "CERTIFICATE_VERIFY_FAILED" in error
    assert tls_relay.messages == [] and LOGINS == []


def test_without_starttls_a_relay_that_requires_it_takes_nothing(tls_relay):
    settings = _settings(tls_relay.port, **{"alerts.smtp_starttls": False})
    error = send_mail(settings, MAIL, "digest", sleep=lambda s: None)
    assert error is not None and tls_relay.messages == []


def test_the_webhook_is_retried_until_it_answers_2xx(webhook, caplog):
    webhook.failures = [503, 500]
    with caplog.at_level(logging.INFO, "backlight.alerts"):
        assert post_webhook(webhook.url, {"kind": "slow"}, "alert x", sleep=lambda s: None) is None
    assert webhook.calls == 3 and webhook.bodies == [{"kind": "slow"}]
    assert "alert x to the webhook: sent on attempt 3" in caplog.text
    webhook.failures = [500, 500, 500]
    error = post_webhook(webhook.url, {"kind": "slow"}, "alert y", sleep=lambda s: None)
    assert error and "500" in error and webhook.calls == 6
