"""Settings: the organisation-wide keys of docs/design.md §4 and §5.

Values are checked by `collector.service.settings_table`, the table the API and the CLI
check against: every field is checked, each bad one is named, and one bad
value means nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for

from collector.admin import bp
from collector.admin.forms import FormErrors, audit
from collector.db import get_store
from collector.service import settings_table as table
from shared.catalogue import FUNCTION_IDS, functions

#: Settings whose change recounts the interruptions of all history.
RECOUNTED = ("interruptions.min_focus_s", "interruptions.max_away_s")


@dataclass(frozen=True)
class Group:
    title: str
    intro: str
    keys: tuple[str, ...]


GROUPS = (
    Group(
        "Organisation and cost",
        "Used by the time-per-unit benchmarks, the money figures and the workload report.",
        (
            "operation.size",
            "cost.hourly_rate",
            "cost.currency",
            "workload.weekly_hours",
            "workload.shrinkage",
        ),
    ),
    Group(
        "Quality limits",
        "The highest error rate each function may have; above it the function's band is "
        "'below quality' whatever its speed. Payroll's 2% per paycheck is seed 001's rule; "
        "the 5% for the other functions is ours, as the seed gives no figure.",
        tuple(f"{table.QUALITY_PREFIX}{fid}" for fid in FUNCTION_IDS),
    ),
    Group(
        "Privacy and retention",
        "Who sees what, and how long personal data is kept. The consent screen agents show "
        "follows these values.",
        ("privacy.min_group_size", "privacy.individual_reports", "retention_days"),
    ),
    Group(
        "Agents",
        "Sent to every agent with its policy.",
        ("agent.idle_after_s", "agent.upload_interval_s"),
    ),
    Group(
        "Deferred work",
        "Due times, the backlog report and its staffing figures (docs/design.md §4, "
        "Deferred work). Business days are Monday to Friday, less these holidays.",
        (
            "org.timezone",
            "planning.day_hours",
            "planning.utilisation",
            "planning.horizon_days",
            "planning.holidays",
        ),
    ),
    Group(
        "Digest and alerts",
        "Where the weekly digest and the alerts go: an SMTP relay for e-mail to managers "
        "(their address is on Users & teams) and a webhook for chat or ticket systems. "
        "docs/alerts.md says how to set up the relay. The password is never shown again; "
        "leave it empty to keep it.",
        (
            "alerts.dashboard_url",
            "alerts.smtp_host",
            "alerts.smtp_port",
            "alerts.smtp_starttls",
            "alerts.smtp_user",
            "alerts.smtp_password",
            "alerts.from",
            "alerts.webhook_url",
        ),
    ),
    Group(
        "Interruptions",
        "How switches away from work are counted and what recovering from one costs.",
        (
            "interruptions.min_focus_s",
            "interruptions.max_away_s",
            "interruptions.recovery_min_s",
            "interruptions.recovery_max_s",
        ),
    ),
)

LABELS = {
    "operation.size": "Operation size (people supported)",
    "cost.hourly_rate": "Hourly cost",
    "cost.currency": "Currency",
    "workload.weekly_hours": "Weekly hours",
    "privacy.min_group_size": "Minimum group size",
    "privacy.individual_reports": "Individual reports",
    "retention_days": "Retention (days)",
    "agent.idle_after_s": "Idle after (seconds)",
    "agent.upload_interval_s": "Upload interval (seconds)",
    "interruptions.min_focus_s": "Minimum focus (seconds)",
    "interruptions.max_away_s": "Longest away (seconds)",
    "interruptions.recovery_min_s": "Recovery, low (seconds)",
    "interruptions.recovery_max_s": "Recovery, high (seconds)",
    "workload.shrinkage": "Shrinkage (share of the week away from the desk)",
    "org.timezone": "Time zone (days end at its midnight)",
    "planning.day_hours": "Hours in a working day",
    "planning.utilisation": "Utilisation (productive share of scheduled time)",
    "planning.horizon_days": "Projection horizon (business days)",
    "planning.holidays": "Holidays (YYYY-MM-DD, comma-separated)",
    "alerts.dashboard_url": "Dashboard address (for links)",
    "alerts.smtp_host": "SMTP host",
    "alerts.smtp_port": "SMTP port",
    "alerts.smtp_starttls": "STARTTLS",
    "alerts.smtp_user": "SMTP user",
    "alerts.smtp_password": "SMTP password",
    "alerts.from": "From address",
    "alerts.webhook_url": "Webhook URL",
    **{
        f"{table.QUALITY_PREFIX}{fid}": f"{fn.name}: highest error rate"
        + (" (seed 001)" if fid in table.QUALITY_DEFAULTS else " (ours)")
        for fid, fn in functions().items()
    },
}

assert {k for g in GROUPS for k in g.keys} == set(table.SETTINGS), "every setting on the page"


def show(value) -> str:
    """A value as the form shows it: 25.0 as 25, booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _page(values: dict[str, str] | None = None, errors: FormErrors | None = None, status=200):
    store = get_store()
    current = table.masked(store.settings())
    body = render_template(
        "admin/settings.html",
        page="settings",
        groups=GROUPS,
        labels=LABELS,
        table=table.SETTINGS,
        current={k: show(v) for k, v in current.items()},
        values=values
        or {k: "" if table.SETTINGS[k].secret else show(v) for k, v in current.items()},
        errors=errors or FormErrors(),
        show=show,
        recount=store.recount_status(),
    )
    return body, status


@bp.get("/settings")
def settings():
    return _page()


@bp.post("/settings")
def save_settings():
    store = get_store()
    current = store.settings()
    errors = FormErrors()
    sent = {k: v[:2000] for k, v in request.form.items() if k != "csrf_token"}
    # A secret left empty keeps its value: the form never shows it.
    sent = {
        k: v
        for k, v in sent.items()
        if not (k in table.SETTINGS and table.SETTINGS[k].secret) or v.strip()
    }
    parsed = {}
    for key, raw in sent.items():
        if key not in table.SETTINGS:
            errors.add(key[:60], f"{key[:60]}: not a setting this collector knows.")
            continue
        try:
            parsed[key] = table.parse_value(key, raw.strip())
        except table.SettingError as exc:
            errors.add(key, f"{LABELS[key]} ({key}): {exc.message}.")
    if not errors:
        try:
            table.check_consistency({**current, **parsed})
        except table.SettingError as exc:
            errors.add(exc.key, f"{LABELS[exc.key]} ({exc.key}): {exc.message}.")
    if errors:
        values = {k: show(v) for k, v in table.masked(current).items()} | {
            k: v for k, v in sent.items() if k in table.SETTINGS and not table.SETTINGS[k].secret
        }
        return _page(values, errors, 400)
    changes = {
        k: v for k, v in parsed.items() if v != current[k] or type(v) is not type(current[k])
    }
    if not changes:
        flash("Nothing changed.", "info")
        return redirect(url_for("admin.settings"))
    try:
        with store.write():
            store.set_settings(changes)
            audit("settings.set", "", table.masked(changes))
    except table.SettingError as exc:  # checked above; kept so a race cannot give a 500
        errors.add(exc.key, f"{exc.key}: {exc.message}.")
        return _page(None, errors, 400)
    names = ", ".join(changes)
    flash(f"Saved: {names}.", "success")
    recount = store.recount_status()
    if recount["running"] and any(k in changes for k in RECOUNTED):
        flash(
            f"Interruptions are being recounted with the new thresholds over all "
            f"{recount['total']:,} stored person-days; the Interruptions section below "
            "shows how far it is.",
            "info",
        )
    return redirect(url_for("admin.settings"))
