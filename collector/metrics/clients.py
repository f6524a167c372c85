"""Back-office cost and gross margin per client (seed 001's BPO table)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClientMonth:
    client: str
    name: str
    revenue: float | None
    agent_cost: float | None
    back_office_hours: float


def client_margins(rows: Iterable[ClientMonth], hourly_rate: float) -> list[dict[str, Any]]:
    """Gross margin = revenue - agent cost - back-office hours x hourly cost.

    Without revenue or agent cost the margin is unknown (None), not zero: a
    client whose financials were never entered must not look unprofitable.
    """
    out = []
    for r in rows:
        cost = r.back_office_hours * hourly_rate
        known = r.revenue is not None and r.agent_cost is not None
        margin = r.revenue - r.agent_cost - cost if known else None
        out.append(
            {
                "client": r.client,
                "name": r.name,
                "revenue": r.revenue,
                "agent_cost": r.agent_cost,
                "back_office_hours": r.back_office_hours,
                "back_office_cost": cost,
                "gross_margin": margin,
                "margin_share": margin / r.revenue if margin is not None and r.revenue else None,
            }
        )
    return out
