"""The rules engine: first match wins, regexes are case-insensitive."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.payload import Rule
from shared.rules import RuleSet, default_rules


def test_first_matching_rule_wins_and_both_patterns_must_match():
    rules = RuleSet.from_dicts(
        [
            {"app": "excel", "title": "payroll", "category": "payroll"},
            {"app": "excel", "category": "other_work"},
        ]
    )
    assert rules.match("EXCEL", "Payroll Nov").category == "payroll"
    assert rules.match("excel", "Budget").category == "other_work"
    assert rules.match("word", "Payroll").category == "uncategorised"


def test_a_rule_needs_a_pattern_and_a_valid_regex():
    with pytest.raises(ValidationError):
        Rule(category="payroll")
    with pytest.raises(ValidationError, match="title"):
        Rule(title="(unclosed", category="payroll")
    with pytest.raises(ValidationError):
        Rule(title="x", category="gardening")


@pytest.mark.parametrize(
    ("app", "title", "category"),
    [
        ("excel", "Payroll run - Excel", "payroll"),
        ("chrome", "Deputy - Roster", "scheduling"),
        ("outlook", "Inbox - Outlook", "communication"),
        ("zoom", "Zoom Meeting", "meetings"),
        ("chrome", "YouTube - Chrome", "non_work"),
        ("qbw", "QuickBooks - Invoice 1042", "invoicing"),
        ("chrome", "Calabrio QM - Evaluation form", "qa_evaluation"),
        ("keepass", "KeePass", "uncategorised"),
    ],
)
def test_the_default_pack_knows_common_back_office_software(app, title, category):
    assert default_rules().match(app, title).category == category
