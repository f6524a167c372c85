"""A pydantic validation error as the fields it names, for any caller.

The API, the CSV import and the pages all name a bad field the same way, by
its dotted path (``segments.3.category``, ``rows.4.units``).
"""

from __future__ import annotations

from pydantic import ValidationError


def invalid_fields(exc: ValidationError, prefix: str = "") -> list[dict]:
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
    return fields
