"""Sending a digest or an alert: e-mail through the organisation's SMTP relay
(STARTTLS and login when set) and JSON to a webhook, each tried a few times.

A failure is logged on every attempt and returned, never swallowed: the caller
gives the delivery's claim back, so the next round (within the hour) tries
again; nothing is lost silently and nothing is marked sent that was not.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

log = logging.getLogger("backlight.alerts")

#: Tries per message, and the pause before the second and third (seconds).
ATTEMPTS = 3
BACKOFF_S = (1.0, 4.0)
TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


def smtp_ready(settings: dict[str, Any]) -> bool:
    return bool(settings["alerts.smtp_host"])


def _message(settings: dict[str, Any], mail: Mail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings["alerts.from"]
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Message-ID"] = make_msgid(domain=settings["alerts.from"].rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a report
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    return msg


def _send_mail_once(settings: dict[str, Any], mail: Mail) -> None:
    host, port = settings["alerts.smtp_host"], int(settings["alerts.smtp_port"])
    with smtplib.SMTP(host, port, timeout=TIMEOUT_S) as smtp:
        smtp.ehlo()
        if settings["alerts.smtp_starttls"]:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings["alerts.smtp_user"]:
            smtp.login(settings["alerts.smtp_user"], settings["alerts.smtp_password"])
        smtp.send_message(_message(settings, mail))


def _post_once(url: str, body: dict) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "backlight-collector"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as resp:  # noqa: S310 - admin's URL
        if resp.status >= 300:
            raise urllib.error.HTTPError(url, resp.status, "not accepted", resp.headers, None)


def _with_retries(what: str, attempt, sleep=time.sleep) -> str | None:
    """None when `attempt()` succeeded within ATTEMPTS tries, else the last error."""
    error = ""
    for n in range(1, ATTEMPTS + 1):
        try:
            attempt()
            if n > 1:
                log.info("%s: sent on attempt %d", what, n)
            return None
        except (OSError, smtplib.SMTPException, ssl.SSLError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("%s: attempt %d of %d failed: %s", what, n, ATTEMPTS, error)
            if n < ATTEMPTS:
                sleep(BACKOFF_S[min(n - 1, len(BACKOFF_S) - 1)])
    log.error(
        "%s: not sent after %d attempts (%s); the next round tries again", what, ATTEMPTS, error
    )
    return error


def send_mail(settings: dict[str, Any], mail: Mail, what: str, sleep=time.sleep) -> str | None:
    """None when sent; otherwise why not (logged)."""
    return _with_retries(f"{what} to {mail.to}", lambda: _send_mail_once(settings, mail), sleep)


def post_webhook(url: str, body: dict, what: str, sleep=time.sleep) -> str | None:
    """None when the webhook accepted the JSON (2xx); otherwise why not (logged)."""
    return _with_retries(f"{what} to the webhook", lambda: _post_once(url, body), sleep)
