"""A setting refused says why in its own words, and the document declares
exactly what the collector takes (the fuzz test holds it to that)."""

from __future__ import annotations

import pytest

from collector.service.settings_table import SettingError, json_schema, parse_value


@pytest.mark.parametrize(
    ("key", "value", "why"),
    [
        ("org.timezone", "Etc/../UTC", "expected a value matching"),  # never a path
        ("org.timezone", "Mars/Olympus", "expected an IANA time zone"),
        ("planning.holidays", "2026-02-30", "2026-02-30 is not a calendar day"),
        ("planning.holidays", "2026-1-1", "expected a value matching"),
        ("operation.size", "many", "expected int, got 'many'"),
    ],
)
def test_a_refused_value_names_the_reason(key: str, value: str, why: str):
    with pytest.raises(SettingError, match=why) as refused:
        parse_value(key, value)
    assert refused.value.key == key


def test_the_time_zone_is_one_of_the_listed_names():
    prop = json_schema()["properties"]["org.timezone"]
    assert "Europe/Berlin" in prop["enum"] and "UTC" in prop["enum"]
    assert parse_value("org.timezone", "Europe/Berlin") == "Europe/Berlin"
