"""A short, human summary of a browser's User-Agent for the sessions page.

People recognise "Firefox on Windows", not a 120-character header; the
summary is all that is stored (the full header says more than is needed).
"""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse


@lru_cache(maxsize=256)
def summary(user_agent: str) -> str:
    if not user_agent.strip():
        return "Unknown browser"
    result = parse(user_agent[:1000])
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    if browser in ("", "Other"):
        browser = "Unknown browser"
    if system and system != "Other":
        return f"{browser} on {system}"[:120]
    return browser[:120]
