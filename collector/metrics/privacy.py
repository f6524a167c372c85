"""The minimum group rule (docs/design.md §5)."""

from __future__ import annotations


def suppression(people: int, min_group_size: int) -> dict | None:
    """None when the group may be shown, else the body that replaces figures.

    An empty group (nobody tracked) is shown as empty: there is no one to
    protect, and "suppressed" would hide that nothing was recorded.
    """
    if people == 0 or people >= min_group_size:
        return None
    return {
        "suppressed": True,
        "reason": (
            f"Fewer than {min_group_size} people in this group "
            f"({people}); figures are hidden to protect individuals."
        ),
    }
