"""One error page for every HTML blueprint, so a refusal looks the same everywhere."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException


def error_page(status: int, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, message=message), status


def http_error(exc: HTTPException):
    """An HTTP abort shown as a page; redirects (below 400) pass through unchanged."""
    if exc.code and exc.code < 400:
        return exc
    return error_page(exc.code or 500, exc.description or exc.name)
