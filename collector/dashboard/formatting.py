"""How figures are shown. The API never rounds; pages round here, in one place,
so a table cell, a chart label and a headline say the same thing."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

DASH = "—"
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return DASH
    return f"{value:,.{digits}f}"


def count(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f}"


def hours(value: float | None) -> str:
    if value is None:
        return DASH
    return f"{value:,.1f} h"


def minutes(value: float | None) -> str:
    if value is None:
        return DASH
    if abs(value) >= 120:
        return f"{value / 60:,.1f} h"
    return f"{value:,.0f} min"


def per_unit(value: float | None) -> str:
    """Hours per unit in the unit people think in: minutes below an hour."""
    if value is None:
        return DASH
    if value < 0.1:
        return f"{value * 60:.1f} min"
    if value < 1:
        return f"{value * 60:.0f} min"
    return f"{value:,.1f} h"


def money(value: float | None, currency: str = "USD") -> str:
    if value is None:
        return DASH
    digits = 0 if abs(value) >= 100 else 2
    sign = "−" if value < 0 else ""
    body = f"{abs(value):,.{digits}f}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency}"


def share(value: float | None, signed: bool = False, digits: int = 0) -> str:
    if value is None:
        return DASH
    return f"{value * 100:+.{digits}f}%" if signed else f"{value * 100:.{digits}f}%"


def day(value: str | date) -> str:
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.strftime('%a')} {d.day} {d.strftime('%b')}"


def short_day(value: str | date) -> str:
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.day} {d.strftime('%b')}"


def month_name(value: str) -> str:
    year, mon = (int(p) for p in value.split("-"))
    return date(year, mon, 1).strftime("%B %Y")


def cell(value: Any, kind: str, currency: str = "USD") -> str:
    """Format one table cell by its column kind."""
    if value is None:
        return DASH
    formatter = {
        "hours": hours,
        "minutes": minutes,
        "per_unit": per_unit,
        "count": count,
        "number": num,
        "figure": lambda v: f"{v:,.3g}",  # three significant digits: 2.4, 1.25, 0.0512
        "share": share,
        "change": lambda v: share(v, signed=True),
        "share1": lambda v: share(v, digits=1),
        "points": lambda v: f"{v * 100:+.1f} pts",  # a change of a rate: 0.02 -> 0.08 is +6.0
        "day": day,
        "week": lambda v: f"week of {short_day(v)}",
    }.get(kind)
    if kind == "money":
        return money(value, currency)
    if formatter is None:
        return str(value)
    return formatter(value)


def register(app: Flask) -> None:
    for name, fn in {
        "num": num,
        "count": count,
        "hours": hours,
        "minutes": minutes,
        "per_unit": per_unit,
        "money": money,
        "share": share,
        "day": day,
        "short_day": short_day,
        "month_name": month_name,
        "cell": cell,
    }.items():
        app.jinja_env.filters[name] = fn


#: Decimal places a CSV keeps per column kind, as a number in the column's own
#: unit: hours (and other quantities) to 2 decimals, rates and shares (as
#: fractions: the page's 45% is 0.45) to 4, money to the cent, counts whole.
#: Enough for a spreadsheet to sum and compare, without 17 digits of noise.
CSV_DIGITS = {
    "hours": 2,
    "number": 2,
    "figure": 4,
    "minutes": 2,
    "money": 2,
    "count": 0,
    "share": 4,
    "share1": 4,
    "change": 4,
    "per_unit": 4,
    "points": 4,
}


def csv_figure(value: Any, kind: str) -> Any:
    """One CSV cell: a figure rounded for display (CSV_DIGITS), still a number a
    spreadsheet can sum (no unit, no thousands separator); anything else as is.

    Hours per unit are a rate (0.0512 h per timesheet): 4 decimals, so the
    small ones keep their figure."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if kind not in CSV_DIGITS:
        return value
    digits = CSV_DIGITS[kind]
    rounded = round(value, digits)
    if digits == 0:
        return int(rounded)
    return rounded + 0.0  # -0.0 is written as 0.0
