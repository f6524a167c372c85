"""Organisation-wide settings (docs/design.md §4): their keys, defaults and limits.

The keys are part of the contract, so they are declared once here and both
the CLI (`settings set`) and the admin API validate against this table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from shared.catalogue import FUNCTION_IDS

#: `quality.limits.FUNCTION` (docs/design.md §4): the highest error rate a function may
#: have before its band is `below_quality`.
QUALITY_PREFIX = "quality.limits."
#: Seed 001's only figure: "payroll errors exceed 2%" (of paychecks).
QUALITY_DEFAULTS = {"payroll": 0.02}
#: Ours, for every function the seed gives no limit for.
OUR_QUALITY_LIMIT = 0.05


def quality_limits(values: dict[str, Any]) -> dict[str, float]:
    """Per function, its quality limit from a settings dict."""
    return {fid: float(values[f"{QUALITY_PREFIX}{fid}"]) for fid in FUNCTION_IDS}


CURRENCY = r"^[A-Z]{3}$"
#: `planning.holidays`: ISO dates, comma-separated, that business days skip.
HOLIDAYS = r"^(\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2})*)?$"


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA names this collector's tz database knows, as the API
    document lists them (an enum: any other string is refused)."""
    return tuple(sorted(available_timezones() | {"UTC"}))


def _time_zone(value: str) -> str | None:
    """Why a time-zone name is not one this machine knows, or None. Looked
    up in the list, never opened as a path (ZoneInfo takes "Etc/../UTC")."""
    if value not in time_zone_names():
        return "expected an IANA time zone such as Europe/Berlin or UTC"
    return None


def _holiday_dates(value: str) -> str | None:
    """Why a holiday list holds a day that is no calendar day, or None."""
    for part in filter(None, value.split(",")):
        try:
            date.fromisoformat(part)
        except ValueError:
            return f"{part} is not a calendar day (YYYY-MM-DD)"
    return None


def holidays(values: dict[str, Any]) -> set[date]:
    """The organisation's holidays from a settings dict, as dates."""
    return {date.fromisoformat(p) for p in values["planning.holidays"].split(",") if p}


#: The shape of an IANA zone name (UTC, Europe/Berlin, America/Argentina/Buenos_Aires,
#: Etc/GMT+5), so the API document does not offer "0"; `_time_zone` checks it exists.
TIMEZONE = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$"
HOST = r"^$|^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$"
EMAIL = r"^[^@\s<>,;]+@[^@\s<>,;]+$"
URL = r"^https?://[^\s]+$"
#: A URL or nothing (the setting is off).
URL_OR_NONE = r"^$|^https?://[^\s]+$"


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    kind: type
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    pattern: str | None = None  # for text settings, the whole value must match
    max_length: int = 64  # for text settings
    blank: bool = False  # for text settings: may be empty
    check: Callable[[str], str | None] | None = None  # for text settings: why not, or None
    choices: Callable[[], tuple[str, ...]] | None = None  # for text settings: the only values
    secret: bool = False  # shown as "(set)" by `settings show` and the API


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting("operation.size", 50, int, 1, 1_000_000, "people the back office supports"),
        Setting("cost.hourly_rate", 25.0, float, 0, 100_000, "back-office cost per hour"),
        Setting(
            "cost.currency", "USD", str, help="ISO 4217 code shown with money", pattern=CURRENCY
        ),
        Setting("workload.weekly_hours", 40.0, float, 1, 100, "contracted hours per week"),
        Setting("privacy.min_group_size", 5, int, 1, 1000, "smallest group a report shows"),
        Setting("privacy.individual_reports", False, bool, help="show people one by one"),
        Setting("retention_days", 400, int, 7, 3650, "segments older than this are purged"),
        Setting("agent.idle_after_s", 300, int, 30, 3600, "no input for this long is idle"),
        Setting("agent.upload_interval_s", 300, int, 5, 86_400, "how often agents upload"),
        Setting("interruptions.min_focus_s", 120, int, 0, 7200, "focus needed before a switch"),
        Setting("interruptions.max_away_s", 900, int, 1, 7200, "longest away that still counts"),
        Setting("interruptions.recovery_min_s", 600, int, 0, 7200, "recovery, low end"),
        Setting("interruptions.recovery_max_s", 900, int, 0, 7200, "recovery, high end"),
        Setting(
            "workload.shrinkage",
            0.20,
            float,
            0,
            0.9,
            "share of contracted time away from the desk by plan (breaks, training)",
        ),
        Setting(
            "org.timezone",
            "UTC",
            str,
            help="where days end for due times and the backlog (IANA name)",
            pattern=TIMEZONE,
            check=_time_zone,
            choices=time_zone_names,
        ),
        Setting("planning.day_hours", 8.0, float, 1, 24, "scheduled hours in a working day"),
        Setting(
            "planning.utilisation",
            0.75,
            float,
            0.05,
            1,
            "productive processing time as a share of scheduled time",
        ),
        Setting("planning.horizon_days", 10, int, 1, 60, "business days the backlog projects"),
        Setting(
            "planning.holidays",
            "",
            str,
            help="days business days skip: YYYY-MM-DD, comma-separated",
            pattern=HOLIDAYS,
            max_length=1100,
            blank=True,
            check=_holiday_dates,
        ),
        Setting(
            "alerts.smtp_host",
            "",
            str,
            help="SMTP relay for digests and alerts (empty: no e-mail)",
            pattern=HOST,
            blank=True,
            max_length=253,
        ),
        Setting("alerts.smtp_port", 25, int, 1, 65535, "SMTP port (587 with STARTTLS)"),
        Setting("alerts.smtp_starttls", False, bool, help="upgrade the SMTP session with TLS"),
        Setting(
            "alerts.smtp_user",
            "",
            str,
            help="SMTP login (empty: none)",
            blank=True,
            max_length=254,
        ),
        Setting(
            "alerts.smtp_password",
            "",
            str,
            help="SMTP password",
            blank=True,
            max_length=254,
            secret=True,
        ),
        Setting(
            "alerts.from",
            "backlight@localhost",
            str,
            help="the From address of digests and alerts",
            pattern=EMAIL,
            max_length=254,
        ),
        Setting(
            "alerts.webhook_url",
            "",
            str,
            help="a URL that receives each alert as JSON (empty: none)",
            pattern=URL_OR_NONE,
            blank=True,
            max_length=2000,
        ),
        Setting(
            "alerts.dashboard_url",
            "http://127.0.0.1:8000",
            str,
            help="the dashboard's address as managers reach it, for the links in mail",
            pattern=URL,
            max_length=2000,
        ),
        *(
            Setting(
                f"{QUALITY_PREFIX}{fid}",
                QUALITY_DEFAULTS.get(fid, OUR_QUALITY_LIMIT),
                float,
                0,
                1,
                "highest error rate per paycheck; seed 001: payroll errors above 2%"
                if fid == "payroll"
                else "highest error rate (corrections / units); ours: the seed gives no figure",
            )
            for fid in FUNCTION_IDS
        ),
    ]
}


class SettingError(ValueError):
    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def parse_value(key: str, value: Any) -> Any:
    """Turn a CLI string or a JSON value into the setting's type, or refuse it."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise SettingError(key, f"unknown setting; known: {', '.join(SETTINGS)}")
    kind = setting.kind
    try:
        if kind is bool:
            if isinstance(value, bool):
                parsed: Any = value
            elif isinstance(value, str) and value.lower() in ("true", "yes", "on", "1"):
                parsed = True
            elif isinstance(value, str) and value.lower() in ("false", "no", "off", "0"):
                parsed = False
            else:
                raise ValueError
        elif kind is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            parsed = int(value)
        elif kind is float:
            if isinstance(value, bool):
                raise ValueError
            parsed = float(value)
            if parsed != parsed or parsed in (float("inf"), float("-inf")):
                raise ValueError
        else:
            if not isinstance(value, str) or len(value) > setting.max_length:
                raise ValueError
            if not value.strip() and not setting.blank:
                raise ValueError
            parsed = value.strip()
            if setting.pattern and not re.fullmatch(setting.pattern, parsed):
                raise SettingError(key, f"expected a value matching {setting.pattern}")
            why = setting.check(parsed) if setting.check else None
            if why:
                raise SettingError(key, why)
    except SettingError:
        raise  # a pattern or a check said why: keep its words
    except (TypeError, ValueError):
        raise SettingError(key, f"expected {kind.__name__}, got {value!r}") from None
    if setting.minimum is not None and parsed < setting.minimum:
        raise SettingError(key, f"must be at least {setting.minimum:g}")
    if setting.maximum is not None and parsed > setting.maximum:
        raise SettingError(key, f"must be at most {setting.maximum:g}")
    return parsed


class SettingConflict(SettingError):
    """Each value is fine alone; together with the others they contradict."""


def check_consistency(values: dict[str, Any]) -> None:
    """Cross-key rules: a range must not be upside down."""
    if values["interruptions.recovery_min_s"] > values["interruptions.recovery_max_s"]:
        raise SettingConflict(
            "interruptions.recovery_min_s", "must not exceed interruptions.recovery_max_s"
        )


def masked(values: dict[str, Any]) -> dict[str, Any]:
    """The values as shown or logged: a secret (the SMTP password) as "(set)" or ""."""
    return {
        k: ("(set)" if v else "") if k in SETTINGS and SETTINGS[k].secret else v
        for k, v in values.items()
    }


def defaults() -> dict[str, Any]:
    return {k: s.default for k, s in SETTINGS.items()}


def json_schema() -> dict[str, Any]:
    """The settings object as the API document declares it: every key, its
    JSON type and bounds, nothing else."""
    types = {bool: "boolean", int: "integer", float: "number", str: "string"}
    properties: dict[str, Any] = {}
    for key, s in SETTINGS.items():
        prop: dict[str, Any] = {"type": types[s.kind], "description": s.help}
        if s.minimum is not None:
            prop["minimum"] = s.minimum
        if s.maximum is not None:
            prop["maximum"] = s.maximum
        if s.pattern:
            prop["pattern"] = s.pattern
        if s.choices:
            prop["enum"] = list(s.choices())
        if s.kind is str:
            prop["maxLength"] = s.max_length
            if not s.blank:
                prop["minLength"] = 1
        properties[key] = prop
    return {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "minProperties": 1,
        "description": "Only the keys to change. interruptions.recovery_min_s may not exceed "
        "interruptions.recovery_max_s once merged with the stored settings (409 otherwise).",
    }


def json_type_error(key: str, value: Any) -> str | None:
    """Why a JSON value has the wrong type for this setting, or None.

    The CLI's text is parsed leniently by `parse_value`; the API's JSON is
    typed, so "true" or "5" where a boolean or number is declared is refused.
    """
    setting = SETTINGS.get(key)
    if setting is None:
        return None  # parse_value names the unknown key
    kind = setting.kind
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        ok = isinstance(value, str) and (
            setting.pattern is None or re.fullmatch(setting.pattern, value) is not None
        )
        if ok and setting.choices and value not in setting.choices():
            return f"expected one of the document's values, got {value!r}"
    return None if ok else f"expected {kind.__name__}, got {value!r}"
