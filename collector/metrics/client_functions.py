"""One client's back-office time per function (seed 001: "if Client A's monthly
reporting takes 12 hours and Client B's takes 3 hours ...").

A function row is a group of its own: the people who spent time on it for
that client. A row with fewer people than the minimum group is hidden, and
since the client's total is shown, the total minus the shown rows gives the
hidden rows back as one figure; so the hidden rows must together be a large
enough group, and the smallest shown rows join them until they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.catalogue import functions


def client_function_rows(
    hours: Iterable[Mapping[str, Any]],
    units: Mapping[str, int],
    floor: int,
    reason: str,
) -> list[dict[str, Any]]:
    """Rows of one client, in catalogue order, from {function, person, hours} rows.

    `units` are the client's output units per function; `floor` is the people a
    row needs to be shown (1 when individual reports are on) and `reason` what a
    hidden row says instead of its figures. A function with units and no hours
    shows 0 hours; with hours and no units, hours per unit is None ("no output
    recorded"), never a division by zero.
    """
    catalogue = functions()
    per: dict[str, dict[str, Any]] = {}
    for r in hours:
        row = per.setdefault(r["function"], {"hours": 0.0, "people": set()})
        row["hours"] += float(r["hours"])
        row["people"].add(r["person"])
    for fid in units:
        per.setdefault(fid, {"hours": 0.0, "people": set()})
    order = [f for f in catalogue if f in per] + sorted(f for f in per if f not in catalogue)
    hidden = {f for f in order if 0 < len(per[f]["people"]) < floor}
    if hidden:
        shown = sorted(
            (f for f in order if f not in hidden and per[f]["people"]),
            key=lambda f: (len(per[f]["people"]), per[f]["hours"]),
        )
        while shown and 0 < len(set().union(*(per[f]["people"] for f in hidden))) < floor:
            hidden.add(shown.pop(0))
    out = []
    for fid in order:
        fn = catalogue.get(fid)
        head = {"function": fid, "name": fn.name if fn else fid}
        if fid in hidden:
            out.append({**head, "suppressed": True, "reason": reason})
            continue
        h, u = per[fid]["hours"], int(units.get(fid, 0))
        out.append(
            {
                **head,
                "output_unit": fn.output_unit if fn else "",
                "hours": h,
                "units": u,
                "hours_per_unit": h / u if u > 0 else None,
                "people": len(per[fid]["people"]),
            }
        )
    return out
