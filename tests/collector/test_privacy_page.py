"""``/privacy`` and the works-council documents say what the live settings say."""

from __future__ import annotations

from pathlib import Path

import requests

from collector.service.settings_table import SETTINGS
from collector.transparency.documents import dpia, works_agreement
from collector.transparency.facts import privacy_facts
from collector.transparency.page import storage_description

DOCS = Path(__file__).resolve().parents[2] / "docs" / "privacy"


def _settings(collector, **values) -> None:
    r = collector.api("PUT", "/settings", collector.admin_key, json={"settings": values})
    assert r.status_code == 200, r.text


def test_the_page_needs_no_sign_in_and_carries_the_security_headers(shared_collector):
    r = requests.get(f"{shared_collector.url}/privacy", timeout=10, allow_redirects=False)
    assert r.status_code == 200
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["Cache-Control"] == "no-store"
    assert "Never collected" in r.text and "window titles" in r.text


def test_a_changed_setting_changes_the_page_and_the_consent_text_alike(shared_collector):
    device = shared_collector.enroll("pia")
    _settings(
        shared_collector,
        **{"privacy.min_group_size": 7, "retention_days": 200, "privacy.individual_reports": True},
    )
    try:
        page = requests.get(f"{shared_collector.url}/privacy", timeout=10).text
        consent = shared_collector.api("GET", "/policy", device).json()["consent"]["text"]
        assert 'id="min-group">7<' in page and 'id="individual">on<' in page
        for sentence in (
            "groups of at least 7 people",
            "individual reports, so your manager can also see your own totals",
            "detailed records for 200 days, then they are deleted",
        ):
            assert sentence in page, sentence
            assert sentence in consent, sentence
    finally:
        _settings(
            shared_collector,
            **{
                "privacy.min_group_size": 5,
                "retention_days": 400,
                "privacy.individual_reports": False,
            },
        )
    page = requests.get(f"{shared_collector.url}/privacy", timeout=10).text
    assert 'id="min-group">5<' in page and "never about you alone" in page


def test_privacy_docs_writes_the_documents_from_the_live_settings(shared_collector, tmp_path):
    _settings(shared_collector, **{"privacy.min_group_size": 9})
    try:
        out = shared_collector.cli("privacy", "docs", str(tmp_path / "out"))
    finally:
        _settings(shared_collector, **{"privacy.min_group_size": 5})
    assert {Path(p).name for p in out.split()} == {"dpia.md", "works-agreement.md"}
    text = (tmp_path / "out" / "dpia.md").read_text()
    assert "groups of at least 9 people" in text and "groups below 9 suppressed" in text


def test_the_documents_in_docs_privacy_are_what_the_command_writes_with_defaults():
    """docs/privacy/ is generated: regenerate it (`privacy docs docs/privacy`) after a change."""
    from collector.dashboard import ADMIN_NAV, NAV
    from shared.rules import default_rule_dicts

    facts = privacy_facts(
        {k: s.default for k, s in SETTINGS.items()},
        rules_version=0,
        rule_count=len(list(default_rule_dicts())),
        report_pages=tuple(label for _e, label in NAV),
        admin_pages=tuple(label for _e, label in ADMIN_NAV),
        storage=storage_description(object()),
    )
    assert (DOCS / "dpia.md").read_text() == dpia(facts)
    assert (DOCS / "works-agreement.md").read_text() == works_agreement(facts)
