"""Deferred work (docs/design.md §4 "Deferred work", seed 003): due times in
business days, the daily backlog, aging, SLA compliance, required completions,
handle time and staffing, and the projection. Plain functions over plain
data; times are Unix seconds, days are the organisation's (`BusinessCalendar`).
"""
