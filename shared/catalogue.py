"""The back-office functions and extra categories, loaded from data.

The figures come from seed 001 and live in ``data/functions.json`` so that a
change of benchmark is a data change, reviewed as such, not a code change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Benchmark:
    """Limits in hours per output unit, for ``base_size`` people when scaled."""

    efficient_below: float
    reasonable_low: float
    reasonable_high: float
    slow_above: float
    scales_with_operation: bool
    base_size: int | None
    label: str

    def scaled(self, operation_size: int) -> Benchmark:
        """The limits for an organisation of ``operation_size`` people.

        Seed 001 gives schedule and payroll limits for a 50-agent or
        100-employee operation; the work grows with the people it serves.
        """
        if not self.scales_with_operation or not self.base_size:
            return self
        f = operation_size / self.base_size
        return Benchmark(
            self.efficient_below * f,
            self.reasonable_low * f,
            self.reasonable_high * f,
            self.slow_above * f,
            False,
            operation_size,
            self.label,
        )


@dataclass(frozen=True)
class Function:
    id: str
    name: str
    output_unit: str
    quality_check: str
    benchmark: Benchmark | None


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    note: str = ""


@cache
def _load() -> dict:
    text = resources.files("shared").joinpath("data/functions.json").read_text("utf-8")
    return json.loads(text)


@cache
def functions() -> dict[str, Function]:
    out = {}
    for f in _load()["functions"]:
        b = f["benchmark"]
        out[f["id"]] = Function(
            f["id"], f["name"], f["output_unit"], f["quality_check"], Benchmark(**b) if b else None
        )
    return out


@cache
def extra_categories() -> dict[str, Category]:
    return {c["id"]: Category(**c) for c in _load()["extra_categories"]}


FUNCTION_IDS: tuple[str, ...] = tuple(functions())
EXTRA_CATEGORY_IDS: tuple[str, ...] = tuple(extra_categories())
CATEGORY_IDS: tuple[str, ...] = FUNCTION_IDS + EXTRA_CATEGORY_IDS

#: Switching from a work function to one of these and back is an interruption
#: (docs/design.md §4); ``other_work`` and ``uncategorised`` are not.
AWAY_CATEGORIES: frozenset[str] = frozenset({"communication", "meetings", "non_work"})


def category_name(category_id: str) -> str:
    if category_id in functions():
        return functions()[category_id].name
    return extra_categories()[category_id].name
