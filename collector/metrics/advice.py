"""Seed 001's fixes for interruptions, offered where the figures call for them."""

from __future__ import annotations

_ADVICE = {
    "batching": (
        "Batch requests that can wait",
        "Handle routine requests (time-off, schedule changes) at set times, for "
        "example 10:00 and 15:00, instead of answering each one as it arrives.",
    ),
    "office_hours": (
        "Hold office hours",
        "Answer non-urgent questions in a fixed daily window rather than on demand, "
        "so the rest of the day keeps its focus.",
    ),
    "self_service": (
        "Offer self-service for routine questions",
        "Let agents look up their schedule, leave balance and timesheet status "
        "themselves; most interruptions are questions a screen can answer.",
    ),
}


def interruption_advice(per_person_day: float, share_high: float | None) -> list[dict[str, str]]:
    """Which of the seed's three fixes apply, most basic first.

    Each interruption costs 10-15 minutes of recovery, so from three a day
    (30-45 minutes) batching pays; from five, office hours; at eight a day or
    when the high estimate passes 15% of tracked time (the seed's example),
    self-service.
    """
    ids = []
    if per_person_day >= 3:
        ids.append("batching")
    if per_person_day >= 5:
        ids.append("office_hours")
    if per_person_day >= 8 or (share_high or 0) >= 0.15:
        ids.append("self_service")
    return [{"id": i, "title": _ADVICE[i][0], "text": _ADVICE[i][1]} for i in ids]
