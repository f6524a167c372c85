"""The policy handed to agents, and the consent text they show."""

from __future__ import annotations

from collector.store import Store
from collector.transparency.facts import kept_for, who_sees


def consent_text(settings: dict) -> str:
    """Plain words, from the organisation's own settings (docs/design.md §5). The
    sentences on who sees what and how long things are kept come from
    ``collector.transparency.facts``, which the ``/privacy`` page uses too.
    Any change to the wording here is a new consent version: every employee
    is asked again."""
    who = who_sees(settings["privacy.min_group_size"], settings["privacy.individual_reports"])
    return "\n\n".join(
        [
            "Backlight helps your team see where back-office time goes, so processes, "
            "not people, can be fixed.",
            "What is read on this computer: which application is in front and its window title, "
            "only to sort your time into work functions such as payroll or scheduling; and how "
            "many keys you press and how often you use the mouse, never which keys.",
            "What is sent: time per function, the application's name, and those counts. Never "
            "window titles, keys, screenshots, web addresses or the contents of files.",
            f"Who sees what: {who} You can always see your own day in the tray.",
            f"How long it is kept: {kept_for(settings['retention_days'])}.",
            "You can pause tracking for 15, 30 or 60 minutes or until you resume, and withdraw "
            "your consent at any time from the tray menu. Nothing is tracked until you agree.",
        ]
    )


def build(store: Store) -> dict:
    s = store.settings()
    version, rules = store.current_rules()
    text = consent_text(s)
    return {
        "rules_version": version,
        "rules": rules,
        "consent": {"version": store.consent_version(text), "text": text},
        "privacy": {
            "min_group_size": s["privacy.min_group_size"],
            "individual_reports": s["privacy.individual_reports"],
            "retention_days": s["retention_days"],
        },
        "agent": {
            "upload_interval_s": s["agent.upload_interval_s"],
            "idle_after_s": s["agent.idle_after_s"],
        },
        "clients": [{"key": c["key"], "name": c["name"]} for c in store.clients()],
        # The tray hashes a timed item's reference with this (HMAC-SHA256,
        # hex), as the collector hashes imported ids, so the two join and the
        # reference never leaves the workstation (docs/design.md §3).
        "work_item_salt": store.work_item_salt(),
        "work_types": [
            {"key": t["key"], "name": t["name"], "function": t["function"]}
            for t in store.work_types()
        ],
        "interruptions": {
            key: s[f"interruptions.{key}"]
            for key in ("min_focus_s", "max_away_s", "recovery_min_s", "recovery_max_s")
        },
    }
