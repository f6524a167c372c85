"""``GET /privacy``: what is held, for anyone who asks, with no sign-in.

Employees reach it from the consent screen and the tray; works councils and
data-protection officers from the documents ``privacy docs`` writes. It
reads the live settings and rules on every request, so a setting changed a
minute ago is what the page says now. It reads only: a full disk does not
take it down.
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from collector.db import get_store
from collector.transparency.facts import PrivacyFacts, kept_for, privacy_facts, who_sees

bp = Blueprint("privacy", __name__)


def current_facts(store) -> PrivacyFacts:
    from collector.dashboard import ADMIN_NAV, NAV

    version, rules = store.current_rules()
    return privacy_facts(
        store.settings(),
        rules_version=version,
        rule_count=len(rules),
        report_pages=tuple(label for _endpoint, label in NAV),
        admin_pages=tuple(label for _endpoint, label in ADMIN_NAV),
        storage=storage_description(store),
    )


def storage_description(store) -> str:
    kind = getattr(store, "backend_name", "SQLite")  # a second backend names itself
    return (
        f"in your organisation's own Backlight collector, in its {kind} database on the "
        "organisation's server; nothing is sent to the vendor or to any other party"
    )


@bp.get("/privacy")
def page():
    facts = current_facts(get_store())
    return render_template(
        "privacy.html",
        facts=facts,
        who=who_sees(facts.min_group_size, facts.individual_reports),
        kept=kept_for(facts.retention_days),
    )


def register(app: Flask) -> None:
    app.register_blueprint(bp)
