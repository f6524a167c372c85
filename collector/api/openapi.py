"""Build the OpenAPI 3.1 document from the registered operations."""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from collector.api.endpoint import OPERATIONS, Operation
from collector.rate_limits import LIMITED_PATHS

REF = "#/components/schemas/{model}"

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "fields"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

ERRORS = {
    400: "Invalid input; `fields` names each bad field",
    401: "Missing, wrong or revoked credentials",
    403: "Not allowed for this caller",
    404: "Not found",
    405: "Method not allowed",
    413: "Body too large",
    409: "Conflicts with what is stored; `error` says how (`batch_id_reused`, ...) and "
    "`fields` names the field",
    415: "Body is not JSON",
    429: "Too many requests; wait `Retry-After` seconds (collector/rate_limits.py)",
    503: "Unavailable for now (the database cannot take a write); retry later",
    507: "The collector's disk is full (`storage_full`); nothing was stored; retry later",
}


def _query_parameters(model: type[BaseModel], defs: dict) -> list[dict]:
    schema = model.model_json_schema(by_alias=True, ref_template=REF, mode="validation")
    defs.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(op: Operation, refs: dict, defs: dict) -> dict:
    doc: dict = {
        "operationId": op.name,
        "summary": op.summary,
        "tags": [op.tag],
        "responses": {},
    }
    if op.description:
        doc["description"] = op.description
    if op.auth != "none":
        doc["security"] = [{"deviceToken": []}] if op.auth == "device" else [{"apiKey": []}]
    path_params = re.findall(r"<(?:\w+:)?(\w+)>", op.rule)
    params = [
        {
            "name": p,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"},
        }
        for p in path_params
    ]
    if op.query is not None:
        params += _query_parameters(op.query, defs)
    if params:
        doc["parameters"] = params
    if op.body is not None:
        content = {"application/json": {"schema": {"$ref": refs[(op.body, "validation")]["$ref"]}}}
        content.update(op.extra_request_types)
        doc["requestBody"] = {"required": True, "content": content}
    for code, model in sorted(op.responses.items()):
        if model is None:
            if code < 300 and op.extra_response_types:
                doc["responses"][str(code)] = {
                    "description": "OK",
                    "content": op.extra_response_types,
                }
            else:
                doc["responses"][str(code)] = {
                    "description": "Not modified" if code == 304 else "No content"
                }
            continue
        content = {"application/json": {"schema": {"$ref": refs[(model, "serialization")]["$ref"]}}}
        if code < 400:
            content.update(op.extra_response_types)
        doc["responses"][str(code)] = {
            "description": model.__doc__.strip().splitlines()[0] if model.__doc__ else "OK",
            "content": content,
        }
    # An operation open to all (enroll) still answers 401 for a bad enrollment token.
    codes = (
        {400, 401, 403, 404, 405, 413, 415} if op.auth != "none" else {400, 401, 404, 405, 413, 415}
    )
    if op.body is None:
        codes -= {413, 415}
    codes |= set(op.errors)
    if op.method in ("post", "put", "patch", "delete"):
        codes.add(507)
    if op.rule in LIMITED_PATHS and op.method == "post":
        codes.add(429)
    for code in sorted(codes):
        doc["responses"].setdefault(
            str(code),
            {
                "description": ERRORS[code],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        )
    return doc


@cache
def document(version: str) -> dict:
    models: list[tuple[type[BaseModel], str]] = []
    for op in OPERATIONS:
        if op.body is not None:
            models.append((op.body, "validation"))
        models += [(m, "serialization") for m in op.responses.values() if m is not None]
    refs, top = models_json_schema(list(dict.fromkeys(models)), ref_template=REF, by_alias=True)
    defs: dict = dict(top.get("$defs", {}))
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.rule)
        paths.setdefault(path, {})[op.method] = _operation(op, refs, defs)
    defs["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Backlight collector API",
            "version": version,
            "description": "Content-free desktop summaries in; per-function reports out. "
            "See docs/design.md §3. Times are ISO 8601 with offset; figures are not rounded.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {
                "deviceToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A device token from /enroll",
                },
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key from `backlight-collector apikey create`",
                },
            },
        },
    }
