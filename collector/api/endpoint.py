"""Declare an API operation once: its route, who may call it, its body, query
and responses. The same declaration validates requests, shapes responses and
writes the OpenAPI document, so the document cannot drift from the code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, ValidationError

from collector import auth
from collector.api.errors import ApiError, from_validation


@dataclass
class Operation:
    rule: str
    method: str
    name: str
    summary: str
    description: str
    tag: str
    auth: str  # "none" | "device" | "manager" | "admin"
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: dict[int, type[BaseModel] | None]
    extra_request_types: dict[str, dict] = field(default_factory=dict)
    extra_response_types: dict[str, dict] = field(default_factory=dict)
    #: Error statuses beyond the common ones (errors.ERRORS), answered with the Error body.
    errors: tuple[int, ...] = ()


OPERATIONS: list[Operation] = []


def _json_body(model: type[BaseModel]) -> BaseModel:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    raw = request.get_data(cache=True)
    try:
        return model.model_validate_json(raw or b"null")
    except ValidationError as exc:
        raise from_validation(exc) from None


def _query(model: type[BaseModel]) -> BaseModel:
    args: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        if len(values) > 1:
            raise ApiError(
                400,
                "invalid_request",
                f"{key}: give it once",
                [{"field": key, "message": "repeated"}],
            )
        args[key] = values[0]
    try:
        return model.model_validate(args)
    except ValidationError as exc:
        raise from_validation(exc) from None


def dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    return value


def operation(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    auth_as: str,
    responses: dict[int, type[BaseModel] | None],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    description: str = "",
    extra_request_types: dict[str, dict] | None = None,
    extra_response_types: dict[str, dict] | None = None,
    errors: tuple[int, ...] = (),
    parse_body: bool = True,
) -> Callable:
    """Register a view. It is called as view(caller, *, body=..., query=..., **path).

    `parse_body=False`: the body is declared (for the document) but the view
    reads it itself, for a check that names every problem of every item in
    one pass rather than stopping at the first malformed one."""

    def decorate(fn: Callable) -> Callable:
        success = min(code for code in responses if code < 400)
        model = responses[success]

        @wraps(fn)
        def view(**path: Any) -> Response:
            if auth_as == "device":
                caller: Any = auth.current_device()
            elif auth_as in ("manager", "admin"):
                caller = auth.current_principal(auth_as)
            else:
                caller = None
            kwargs: dict[str, Any] = dict(path)
            if (
                parse_body
                and body is not None
                and (request.mimetype == "application/json" or not extra_request_types)
            ):
                kwargs["body"] = _json_body(body)
            if query is not None:
                kwargs["query"] = _query(query)
            result = fn(caller, **kwargs)
            if isinstance(result, Response):
                return result
            status, headers = success, {}
            if isinstance(result, tuple):
                result, status, *rest = result
                headers = rest[0] if rest else {}
            if model is not None and not isinstance(result, BaseModel) and status == success:
                result = model.model_validate(result)
            resp = jsonify(dump(result))
            resp.status_code = status
            resp.headers.update(headers)
            return resp

        bp.add_url_rule(rule, endpoint=fn.__name__, view_func=view, methods=[method])
        OPERATIONS.append(
            Operation(
                rule=bp.url_prefix + rule if bp.url_prefix else rule,
                method=method.lower(),
                name=fn.__name__,
                summary=summary,
                description=description or (fn.__doc__ or "").strip(),
                tag=tag,
                auth=auth_as,
                body=body,
                query=query,
                responses=responses,
                extra_request_types=extra_request_types or {},
                extra_response_types=extra_response_types or {},
                errors=errors,
            )
        )
        return view

    return decorate
