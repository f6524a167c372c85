"""API v1: the JSON interface agents, scripts and the dashboard use (docs/design.md §3)."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from collector.api.errors import ApiError, from_service, http_error
from collector.service.errors import ServiceError
from collector.storage_full import is_storage_full, storage_full_response
from collector.store import StoreUnavailable

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return exc.response()


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    """The logic's refusals (auth, output units) in the API's error shape."""
    return from_service(exc).response()


def register(app: Flask) -> None:
    # The route modules add their operations to `bp` on first import; importing
    # them here, not at the top, lets them use modules that need `api.errors`.
    from collector.api import (  # noqa: F401
        absences,
        changes,
        devices,
        manage,
        my_data,
        reports,
        work,
    )

    app.register_blueprint(bp)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        """JSON errors under /api/, Flask's pages elsewhere."""
        if request.path.startswith("/api/"):
            if exc.code == 413:
                return ApiError(
                    413, "too_large", "the body is larger than the collector accepts"
                ).response()
            return http_error(exc).response()
        return exc

    @app.errorhandler(StoreUnavailable)
    def _storage(exc: StoreUnavailable):
        """A full disk or a long lock is the server's trouble, not the input's:
        503 tells agents to keep the batch and try again later."""
        app.logger.error("storage unavailable on %s %s: %s", request.method, request.path, exc)
        if is_storage_full(exc):
            return storage_full_response(request.path.startswith("/api/"))
        message = "storage is unavailable for now; retry later"
        if request.path.startswith("/api/"):
            resp = ApiError(503, "unavailable", message).response()
        else:
            resp = app.response_class(message, status=503)
        resp.headers["Retry-After"] = "60"
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith("/api/"):
            return jsonify(
                {"error": "internal", "message": "unexpected error; it is logged", "fields": []}
            ), 500
        return "Internal error; it is logged.", 500
