"""The facts every privacy statement of the product is made from.

``privacy_facts`` reads the live settings and rules and returns plain data;
the sentences that more than one document uses (who sees what, how long it
is kept) are functions of those facts, so the consent screen and the
``/privacy`` page say them in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: What the agent reads on the workstation, and why (read, but not sent).
READ_ON_WORKSTATION = (
    (
        "Which application is in front and its window title",
        "only to sort your time into work functions such as payroll or scheduling; "
        "the title is matched against the rules on this computer and then forgotten",
    ),
    (
        "How many keys you press and how often you use the mouse",
        "never which keys: counts only, to tell active time from idle time",
    ),
    ("Seconds since your last input", "to stop counting when you are away"),
)

#: What a batch carries to the collector (docs/design.md §3, a segment).
SENT = (
    "start and end of each stretch of time",
    "the work function it counted towards (or communication, meetings, other work, "
    "non-work, uncategorised)",
    "the application's name (for example excel), never its window title",
    "active or idle",
    "the number of key presses and mouse clicks in it",
    "the client you chose in the tray, if any",
    "work you logged yourself (function, units, corrections)",
    "your consent decisions",
)

NEVER_COLLECTED = (
    "window titles",
    "which keys you press (key values), or anything you type",
    "screenshots or screen recordings",
    "web addresses (URLs)",
    "the contents of files, e-mails or chats",
)


#: The report page that needs the client-finance permission (per-client money).
CLIENTS_PAGE = "Clients"


@dataclass(frozen=True)
class Role:
    name: str
    sees: str
    pages: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrivacyFacts:
    min_group_size: int
    individual_reports: bool
    retention_days: int
    rules_version: int
    rule_count: int
    upload_interval_s: int
    idle_after_s: int
    storage: str
    report_pages: tuple[str, ...]
    admin_pages: tuple[str, ...]
    read_on_workstation: tuple[tuple[str, str], ...] = READ_ON_WORKSTATION
    sent: tuple[str, ...] = SENT
    never_collected: tuple[str, ...] = NEVER_COLLECTED
    roles: tuple[Role, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "min_group_size": self.min_group_size,
            "individual_reports": self.individual_reports,
            "retention_days": self.retention_days,
            "rules_version": self.rules_version,
            "rule_count": self.rule_count,
            "upload_interval_s": self.upload_interval_s,
            "idle_after_s": self.idle_after_s,
            "storage": self.storage,
            "read_on_workstation": [{"what": w, "why": y} for w, y in self.read_on_workstation],
            "sent": list(self.sent),
            "never_collected": list(self.never_collected),
            "roles": [{"name": r.name, "sees": r.sees, "pages": list(r.pages)} for r in self.roles],
        }


def who_sees(min_group_size: int, individual_reports: bool) -> str:
    """The managers' sentence, shared by the consent text and the page."""
    if individual_reports:
        return (
            f"Managers see reports about groups of at least {min_group_size} people. Your "
            "organisation has turned on individual reports, so your manager can also see your "
            "own totals."
        )
    return (
        f"Managers see reports about groups of at least {min_group_size} people, never about "
        "you alone."
    )


def kept_for(retention_days: int) -> str:
    return f"detailed records for {retention_days} days, then they are deleted"


def roles(report_pages: tuple[str, ...], admin_pages: tuple[str, ...], group: int) -> tuple:
    """The role table: who may see what, in the product's own page names."""
    return (
        Role(
            "You (the employee)",
            "your own day in the tray, what this computer is waiting to send, and your own "
            "totals from the collector",
            ("tray: My day",),
        ),
        Role(
            "Managers",
            f"reports for their own teams only, as totals of groups of at least {group} people "
            "(smaller groups are hidden, not shown as zero)",
            tuple(p for p in report_pages if p != CLIENTS_PAGE),
        ),
        Role(
            "Managers with client finance",
            "also each client's revenue, agent cost, back-office hours and margin, for the "
            "whole organisation (a permission an admin grants)",
            (CLIENTS_PAGE,),
        ),
        Role(
            "Admins",
            "everything managers see, for every team, and the accounts, enrollment tokens, "
            "devices (which person enrolled which computer), rules, settings, marked changes "
            "and audit log",
            report_pages + admin_pages,
        ),
        Role("Nobody", "window titles, key values, screenshots, web addresses: never sent"),
    )


def privacy_facts(
    settings: dict[str, Any],
    rules_version: int,
    rule_count: int,
    report_pages: tuple[str, ...],
    admin_pages: tuple[str, ...],
    storage: str,
) -> PrivacyFacts:
    group = int(settings["privacy.min_group_size"])
    return PrivacyFacts(
        min_group_size=group,
        individual_reports=bool(settings["privacy.individual_reports"]),
        retention_days=int(settings["retention_days"]),
        rules_version=rules_version,
        rule_count=rule_count,
        upload_interval_s=int(settings["agent.upload_interval_s"]),
        idle_after_s=int(settings["agent.idle_after_s"]),
        storage=storage,
        report_pages=report_pages,
        admin_pages=admin_pages,
        roles=roles(report_pages, admin_pages, group),
    )
