"""Seed 001's symptom -> process problem -> fix table, per function."""

from __future__ import annotations

#: function -> (symptom, process problem, fix), in the seed's words.
SEED_FIXES: dict[str, tuple[str, str, str]] = {
    "scheduling": (
        "Schedule takes 6+ hours/week",
        "Building from scratch in spreadsheets each week",
        "Use templates and scheduling software",
    ),
    "timesheet_review": (
        "Timesheet review takes 4+ hours/week",
        "Comparing manual entries against schedule line by line",
        "Automatic time tracking that generates timesheets from tracked data",
    ),
    "reporting": (
        "Reports take 3+ hours each",
        "Manual data pulls from multiple systems, manual formatting",
        "Standardized report templates with pre-built data connections",
    ),
    "onboarding": (
        "Onboarding takes 5+ hours/hire",
        "Same information entered into 4-5 separate systems",
        "Consolidated systems that share employee data",
    ),
    "payroll": (
        "Payroll errors exceed 2%",
        "Manual overtime calculations, multi-state complexity",
        "Payroll software with rule-based overtime and tax calculations",
    ),
}


def seed_fix(function: str) -> dict[str, str] | None:
    """The seed's fix for a function that needs attention; None where the seed has none.

    Payroll's row names errors, but its cause (manual overtime and tax
    calculations) is also what makes a pay cycle slow, so it is offered for
    a slow payroll too.
    """
    row = SEED_FIXES.get(function)
    if row is None:
        return None
    return {"symptom": row[0], "problem": row[1], "fix": row[2], "source": "seed 001"}
