"""One error shape for the whole API: a code, a sentence, and the bad fields."""

from __future__ import annotations

from flask import jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException


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
    fields = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = [str(p) for p in err["loc"] if not str(p).startswith("function-")]
        # Model validators report as "field: message" on the model itself.
        msg = err["msg"].removeprefix("Value error, ")
        if ": " in msg and loc[-1:] != [msg.split(": ", 1)[0]]:
            head, tail = msg.split(": ", 1)
            if head.replace(".", "").replace("_", "").isalnum():
                loc, msg = [*loc, *head.split(".")], tail
        path = ".".join(loc) or prefix or "body"
        if prefix and loc:
            path = f"{prefix}.{path}"
        if err["type"] == "extra_forbidden":
            msg = "unknown field; it is not stored"
        fields.append({"field": path, "message": msg})
    names = ", ".join(f["field"] for f in fields[:5])
    more = f" and {len(fields) - 5} more" if len(fields) > 5 else ""
    return ApiError(400, "invalid_request", f"invalid fields: {names}{more}", fields)


def http_error(exc: HTTPException) -> ApiError:
    """The JSON error for a routing error, keeping its headers (405's ``Allow``)."""
    code = (exc.name or "error").lower().replace(" ", "_")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return ApiError(exc.code or 500, code, exc.description or exc.name or "error", headers=headers)
