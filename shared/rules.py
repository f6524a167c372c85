"""Rules: map a foreground window to a category and, optionally, a client.

Both sides use this: the agent to categorise on the workstation (titles never
leave it), the collector's admin page to let an admin test a title live.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from shared.payload import Rule

#: Titles longer than this are cut before matching, so one odd window cannot
#: make a rule's regex run for long.
MAX_TITLE_CHARS = 512


@dataclass(frozen=True)
class Match:
    category: str
    client: str | None
    passive_active: bool
    rule_index: int | None  # None when no rule matched


_CACHE_SIZE = 4096

UNCATEGORISED = Match("uncategorised", None, False, None)


class RuleSet:
    """An ordered, compiled rule list. First matching rule wins."""

    def __init__(self, rules: list[Rule], version: int = 0):
        self.rules = list(rules)
        self.version = version
        self._cache: dict[tuple[str, str], Match] = {}
        self._compiled = [
            (
                re.compile(r.app, re.IGNORECASE) if r.app else None,
                re.compile(r.title, re.IGNORECASE) if r.title else None,
                r,
            )
            for r in self.rules
        ]

    @classmethod
    def from_dicts(cls, rules: list[dict], version: int = 0) -> RuleSet:
        return cls([Rule.model_validate(r, strict=False) for r in rules], version)

    def match(self, app: str, title: str) -> Match:
        """Categorise a window. Answers are cached: the foreground rarely
        changes between polls, so most calls are a dictionary lookup."""
        title = title[:MAX_TITLE_CHARS]
        key = (app, title)
        hit = self._cache.get(key)
        if hit is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            hit = self._cache[key] = self._match(app, title)
        return hit

    def _match(self, app: str, title: str) -> Match:
        for i, (app_re, title_re, rule) in enumerate(self._compiled):
            if app_re is not None and not app_re.search(app):
                continue
            if title_re is not None and not title_re.search(title):
                continue
            return Match(rule.category, rule.client, rule.passive_active, i)
        return UNCATEGORISED


@cache
def default_rule_dicts() -> tuple[dict, ...]:
    """The shipped rule pack for common back-office software."""
    text = resources.files("shared").joinpath("data/default_rules.json").read_text("utf-8")
    return tuple(json.loads(text)["rules"])


def default_rules() -> RuleSet:
    return RuleSet.from_dicts(list(default_rule_dicts()), version=0)
