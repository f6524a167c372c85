"""The CSRF hook and security headers for the collector's HTML pages.

Only the blueprints whose pages are HTML for people are checked: the JSON
API authenticates with bearer tokens and keeps its own headers.
"""

from __future__ import annotations

from flask import Response, request

from collector.web import csrf

#: Blueprints whose pages are HTML for people: CSRF-checked, with these headers.
HTML_BLUEPRINTS = frozenset({"dashboard", "admin", "privacy"})

#: Pages may only load what the collector itself serves: no CDN, no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

#: Files served as they are: the security headers, but a cache may keep them.
STATIC_ENDPOINTS = ("static", "favicon")


def _is_html_page() -> bool:
    return request.blueprint in HTML_BLUEPRINTS or request.endpoint in STATIC_ENDPOINTS


def protect() -> None:
    """CSRF for every form of the dashboard and admin blueprints (not the bearer API)."""
    if request.blueprint in HTML_BLUEPRINTS:
        csrf.protect()


def secure(resp: Response) -> Response:
    if not _is_html_page():
        return resp
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint not in STATIC_ENDPOINTS:
        # Figures are private: no shared cache may keep them.
        resp.headers.setdefault("Cache-Control", "no-store")
    return resp
