"""A logged work item, checked before it is queued: the tray's "Log work" and
``AgentCore.log_work`` refuse here what the collector would refuse later
(an item refused there is quarantined, and the employee would not see why)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from shared.catalogue import FUNCTION_IDS

MAX_UNITS = 1_000_000_000


def work_item(
    function: str,
    units: int,
    corrections: int,
    client: str | None,
    day: date,
    clients: Collection[str],
) -> dict[str, Any]:
    """The ``/me/output-units`` item; ValueError (in plain words) when it is wrong.

    Units and corrections are counts (docs/design.md §4). Payroll corrections count
    paychecks, so they may exceed the pay cycles; the collector, which knows
    the operation's size, checks that bound.
    """
    if function not in FUNCTION_IDS:
        raise ValueError(f"unknown function {function!r}")
    if any(isinstance(v, bool) or not isinstance(v, int) for v in (units, corrections)):
        raise ValueError("units and corrections are whole numbers")
    if not (0 <= units <= MAX_UNITS and corrections >= 0):
        raise ValueError("need 0 <= units and 0 <= corrections")
    if function != "payroll" and corrections > units:
        raise ValueError("need corrections <= units")
    if client is not None and client not in clients:
        raise ValueError(f"unknown client {client!r}")
    item: dict[str, Any] = {
        "date": day.isoformat(),
        "function": function,
        "units": units,
        "corrections": corrections,
    }
    if client is not None:
        item["client"] = client
    return item
