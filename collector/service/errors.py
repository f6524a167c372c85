"""Refusals the logic raises, named for what went wrong rather than an HTTP status.

Each carries the sentence shown to the caller and the fields at fault
(``[{"field": ..., "message": ...}]``), so the API can keep its one error
shape and a page can name the field, while the logic imports no web code.
`code` is the API's error code; a refusal may override its class's default
(the CSRF refusal is a `Forbidden` whose code is ``csrf``).
"""

from __future__ import annotations


class ServiceError(Exception):
    code = "error"

    def __init__(self, message: str, fields: list[dict] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or []
        if code is not None:
            self.code = code


class Invalid(ServiceError):
    """The input is wrong; nothing was stored."""

    code = "invalid_request"

    @classmethod
    def field(cls, field: str, message: str) -> Invalid:
        return cls(f"{field}: {message}", [{"field": field, "message": message}])


class Unauthorised(ServiceError):
    """No credential, or one that names nobody."""

    code = "unauthorised"


class Forbidden(ServiceError):
    """A known caller asking for something that is not theirs."""

    code = "forbidden"


class NotFound(ServiceError):
    code = "not_found"


class Conflict(ServiceError):
    """The request clashes with what is stored (a name taken, a stale change)."""

    code = "conflict"
