"""One round of the weekly digest and the alerts (docs/design.md §4 "Digest and
alerts"): what is due for the last full week is sent, each message to each
recipient once.

`alerts send` runs a round; so does the collector's background work every
hour, in one process at a time (collector/jobs.py). A round may run as often
as anyone likes: the sent-log (store `claim_delivery`) lets each (message,
recipient) out once, and a failed send gives its claim back so the next round
tries again. When the SMTP relay or the webhook fails all its tries, the round
stops using it and says how many messages wait, rather than waiting on a dead
server once per message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from collector.service.alert_conditions import (
    Alert,
    TeamWeek,
    Week,
    last_full_week,
    local_now,
    team_week,
)
from collector.service.delivery import Mail, post_webhook, send_mail, smtp_ready
from collector.service.digest import alert_mail, digest_mail
from collector.store import Store

log = logging.getLogger("backlight.alerts")

#: The week's digest and alerts go out from Monday at this hour in org.timezone,
#: so agents that were off over the weekend have uploaded the week's end.
SEND_FROM_HOUR = 7


@dataclass
class RoundResult:
    week: str
    due: bool = True
    digests: int = 0  # digests sent in this round
    alert_mails: int = 0
    webhooks: int = 0
    already_sent: int = 0
    failed: int = 0  # sends that failed or waited for a down server; retried next round
    alerts: list[Alert] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        if not self.due:
            return f"{self.week}: not due yet ({'; '.join(self.notes)})"
        words = (
            f"{self.week}: {len(self.alerts)} alert(s) found; sent {self.digests} digest(s), "
            f"{self.alert_mails} alert mail(s), {self.webhooks} webhook call(s); "
            f"{self.already_sent} sent before; {self.failed} failed (the next round retries)"
        )
        return "; ".join([words, *self.notes])


class _Channel:
    """A way out (SMTP or the webhook) that stops being tried in this round once
    a message failed all its tries on it."""

    def __init__(self, name: str):
        self.name = name
        self.down = ""

    def send(self, what: str, attempt: Callable[[], str | None]) -> str | None:
        if self.down:
            return f"{self.name} down earlier in this round ({self.down})"
        error = attempt()
        if error:
            self.down = error
        return error


Claim = tuple[str, str, str, str]  # (key, kind, team, period)


def _deliver(
    store: Store,
    result: RoundResult,
    channel: _Channel,
    claims: list[Claim],
    recipient: str,
    what: str,
    send: Callable[[list[Claim]], str | None],
) -> bool:
    """Claim each (key, kind, team, period) for `recipient`, send the ones this
    round claimed in one message (`send` is given them), then stamp them sent
    or give them back. True when something was sent."""
    mine = [c for c in claims if store.claim_delivery(c[0], recipient, c[1], c[2], c[3])]
    result.already_sent += len(claims) - len(mine)
    if not mine:
        return False
    try:
        error = channel.send(what, lambda: send(mine))
    except Exception as exc:  # never leave a claim behind for a bug
        log.exception("%s: failed", what)
        error = f"{type(exc).__name__}: {exc}"
    for key, *_ in mine:
        store.finish_delivery(key, recipient, sent=error is None)
    if error:
        result.failed += 1
        if error.startswith(f"{channel.name} down"):
            log.warning("%s to %s waits for the next round: %s", what, recipient, error)
        return False
    return True


def _claim(alert: Alert) -> Claim:
    return (alert.key, alert.kind, alert.team, alert.period)


def run_round(
    store: Store,
    *,
    now: datetime | None = None,
    digest_now: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> RoundResult:
    """Send what is due: the last full week's alerts and digests.

    From Monday `SEND_FROM_HOUR` in org.timezone onwards (`digest_now`: at once).
    Alerts go to the managers of the team (by e-mail, one mail with each
    recipient's new alerts) and to the webhook; each manager with an address
    gets one digest of their teams.
    """
    local = local_now(store, now)
    week: Week = last_full_week(local.date())
    result = RoundResult(week.label)
    if not digest_now and local.weekday() == 0 and local.hour < SEND_FROM_HOUR:
        result.due = False
        result.notes.append(f"the week's mail goes out from Monday {SEND_FROM_HOUR:02d}:00")
        return result
    settings = store.settings()
    smtp, hook = _Channel("the SMTP relay"), _Channel("the webhook")
    mail_on = smtp_ready(settings)
    if not mail_on and not settings["alerts.webhook_url"]:
        result.notes.append("neither alerts.smtp_host nor alerts.webhook_url is set")
        return result
    managers = [u for u in store.mail_recipients() if u["role"] == "manager"] if mail_on else []
    wanted = {i for u in managers for i in u["team_ids"]}
    teams = store.teams()
    weeks: dict[int, TeamWeek] = {}
    for team in teams:
        # Every team's alerts go to the webhook; teams with a manager to mail need
        # their reports for the digest as well.
        if team["id"] in wanted or settings["alerts.webhook_url"]:
            weeks[team["id"]] = team_week(store, team, week)
    for tw in weeks.values():
        result.alerts += tw.alerts
    if not mail_on:
        result.notes.append("no SMTP host set (alerts.smtp_host): no e-mail sent")
    # Alerts by e-mail: each manager one mail with the alerts of their teams not yet sent.
    for user in managers:
        alerts = {a.key: a for i in user["team_ids"] if i in weeks for a in weeks[i].alerts}
        if alerts and _deliver(
            store,
            result,
            smtp,
            [_claim(a) for a in alerts.values()],
            user["email"],
            f"alert mail {week.label}",
            lambda mine, to=user["email"], alerts=alerts: send_mail(
                settings,
                alert_mail(store, to, [alerts[c[0]] for c in mine], week),
                "alert mail",
                sleep,
            ),
        ):
            result.alert_mails += 1
    # Alerts to the webhook, one JSON body each.
    url = settings["alerts.webhook_url"]
    for alert in result.alerts if url else []:
        if _deliver(
            store,
            result,
            hook,
            [_claim(alert)],
            "webhook",
            f"alert {alert.key}",
            lambda _mine, a=alert: post_webhook(url, a.webhook_body(), f"alert {a.key}", sleep),
        ):
            result.webhooks += 1
    # The digests.
    for user in managers:
        mine = [weeks[i] for i in sorted(user["team_ids"], key=_team_order(teams)) if i in weeks]
        if not mine:
            continue
        mail: Mail = digest_mail(store, user["email"], mine, week)
        key = f"digest|user:{user['id']}|{week.label}"
        teams_named = ",".join(tw.team["name"] for tw in mine)
        if _deliver(
            store,
            result,
            smtp,
            [(key, "digest", teams_named[:200], week.label)],
            user["email"],
            f"digest {week.label}",
            lambda _mine, mail=mail: send_mail(settings, mail, "digest", sleep),
        ):
            result.digests += 1
    if smtp.down:
        result.notes.append(f"SMTP failed: {smtp.down}")
    if hook.down:
        result.notes.append(f"webhook failed: {hook.down}")
    return result


def _team_order(teams: list[dict]) -> Callable[[int], str]:
    names = {t["id"]: t["name"] for t in teams}
    return lambda team_id: names.get(team_id, "")
