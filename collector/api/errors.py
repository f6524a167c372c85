"""One error shape for the whole API: a code, a sentence, and the bad fields."""

from __future__ import annotations

from flask import jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from collector.service.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Unauthorised,
)
from collector.service.validation import invalid_fields

#: The status each of the logic's refusals answers with.
STATUS: dict[type[ServiceError], int] = {
    Invalid: 400,
    Unauthorised: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
}
UNAUTHORISED = {"WWW-Authenticate": 'Bearer realm="backlight"'}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: list[dict] | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []
        self.headers = headers or {}

    def response(self):
        body = {"error": self.code, "message": self.message, "fields": self.fields}
        resp = jsonify(body)
        resp.status_code = self.status
        for k, v in self.headers.items():
            resp.headers[k] = v
        return resp


def field_error(field: str, message: str, status: int = 400) -> ApiError:
    return ApiError(
        status, "invalid_request", f"{field}: {message}", [{"field": field, "message": message}]
    )


def from_validation(exc: ValidationError, prefix: str = "") -> ApiError:
    """Name each bad field by its dotted path (``segments.3.category``)."""
    fields = invalid_fields(exc, prefix)
    names = ", ".join(f["field"] for f in fields[:5])
    more = f" and {len(fields) - 5} more" if len(fields) > 5 else ""
    return ApiError(400, "invalid_request", f"invalid fields: {names}{more}", fields)


def from_service(exc: ServiceError) -> ApiError:
    """The logic's refusal in the API's one error shape, with its status."""
    status = 400
    for kind in type(exc).__mro__:
        if kind in STATUS:
            status = STATUS[kind]
            break
    headers = UNAUTHORISED if status == 401 else None
    return ApiError(status, exc.code, exc.message, exc.fields, headers=headers)


def http_error(exc: HTTPException) -> ApiError:
    """The JSON error for a routing error, keeping its headers (405's ``Allow``)."""
    code = (exc.name or "error").lower().replace(" ", "_")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return ApiError(exc.code or 500, code, exc.description or exc.name or "error", headers=headers)
